/**
 * The one XML reader of the server: a strict, namespace-aware tree built on saxes.
 *
 * Why saxes rather than fast-xml-parser's tree: fxp accepts two roots, mismatched tags and duplicate
 * attributes and drops namespace identity (../shared/reference/security.md §2.1); saxes rejects all of
 * those, resolves namespaces, decodes numeric character references and is ~5x faster. One parser for
 * everything means no parser differential between what we validate and what we act on.
 *
 * Defences: any DOCTYPE is rejected (SOAP 1.2 forbids DTDs; this also kills XXE and entity bombs),
 * undefined entities are errors, depth and attribute counts are capped, and the caller caps the input
 * size before calling. Input is fed in slices so a large message yields to the event loop.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

export interface XmlElement {
  readonly ns: string;
  readonly local: string;
  readonly prefix: string;
  /** Attributes: unprefixed by local name; namespaced ones as `{ns}local` (e.g. `{http://www.w3.org/XML/1998/namespace}lang`). */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Concatenated character data directly inside this element (CDATA included). */
  readonly text: string;
}

export class XmlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

export interface XmlLimits {
  readonly maxDepth: number;
  readonly maxAttributes: number;
}

export const DEFAULT_LIMITS: XmlLimits = { maxDepth: 100, maxAttributes: 256 };
const SLICE = 256 * 1024;

/** An element whose end tag has not been read yet (what the hooks of TreeBuilder see). */
export interface OpenElement {
  readonly ns: string;
  readonly local: string;
  readonly prefix: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** Character data read so far (appended to: one string, no array per element). */
  text: string;
}

/**
 * For streaming readers (xml-stream.ts): see elements open and close, and take the character data of
 * chosen elements before it reaches the tree.
 */
export interface TreeHooks {
  /** `stack` = the open ancestors, root first; `el` is not on it yet. */
  onOpen?(el: OpenElement, stack: readonly OpenElement[]): void;
  /** Character data (text or CDATA) of `el`; return true when taken (then it is not added to the tree). */
  onText?(el: OpenElement, text: string): boolean;
  onClose?(el: OpenElement, built: XmlElement): void;
}

/** saxes plus the tree: feed strings with `write`, get the root from `finish`. */
export class TreeBuilder {
  private readonly parser = new SaxesParser({ xmlns: true, position: true });
  private readonly stack: OpenElement[] = [];
  private root: XmlElement | undefined;
  private failure: Error | undefined;
  /**
   * Whether the last event was a start or end tag whose `>` was the last character written so far: saxes is
   * then in the character data of the (new) innermost element. Read after a write by xml-stream.ts.
   */
  tagEndedWrite = false;
  /** UTF-16 units written so far (saxes' `position` counts the same). */
  fed = 0;

  constructor(
    private readonly limits: XmlLimits = DEFAULT_LIMITS,
    private readonly hooks: TreeHooks = {},
  ) {
    const p = this.parser;
    p.on('doctype', () => this.fail('DOCTYPE is not allowed'));
    p.on('error', (e) => this.fail(e.message));
    p.on('opentag', (tag: SaxesTagNS) => this.open(tag));
    p.on('text', (t) => this.text(t));
    p.on('cdata', (t) => this.text(t));
    // No comment or PI handlers: a 7th handler turns the parser into a slow-properties (dictionary) object
    // in V8, which made every parse ~2x slower (saxes sets each handler as a new property).
    p.on('closetag', () => this.close());
  }

  /** Throwing from a handler aborts saxes mid-chunk: feeding on after an error can be quadratic. */
  private fail(message: string): never {
    this.failure ??= new XmlSyntaxError(message);
    throw this.failure;
  }

  private open(tag: SaxesTagNS): void {
    this.tagEndedWrite = this.parser.position === this.fed;
    if (this.stack.length >= this.limits.maxDepth) return this.fail(`nesting deeper than ${this.limits.maxDepth}`);
    const attrs: Record<string, string> = {};
    let count = 0;
    // for…in rather than Object.values: no array per element (the reader allocates ~0.5 MB per small ITI-41).
    for (const name in tag.attributes) {
      const a = tag.attributes[name]!;
      if (++count > this.limits.maxAttributes) return this.fail(`more than ${this.limits.maxAttributes} attributes`);
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs[a.uri ? `{${a.uri}}${a.local}` : a.local] = a.value;
    }
    const el: OpenElement = { ns: tag.uri ?? '', local: tag.local ?? tag.name, prefix: tag.prefix ?? '', attrs, children: [], text: '' };
    this.hooks.onOpen?.(el, this.stack);
    this.stack.push(el);
  }

  private text(t: string): void {
    this.tagEndedWrite = false;
    const top = this.stack[this.stack.length - 1];
    if (top && !this.hooks.onText?.(top, t)) top.text += t;
  }

  private close(): void {
    this.tagEndedWrite = this.parser.position === this.fed;
    const b = this.stack.pop();
    if (!b) return;
    const el: XmlElement = { ns: b.ns, local: b.local, prefix: b.prefix, attrs: b.attrs, children: b.children, text: b.text };
    this.hooks.onClose?.(b, el);
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children.push(el);
    else this.root = el;
  }

  /** The innermost open element. */
  get top(): OpenElement | undefined {
    return this.stack[this.stack.length - 1];
  }


  write(chunk: string): void {
    if (this.failure) throw this.failure;
    this.fed += chunk.length;
    this.tagEndedWrite = false;
    this.parser.write(chunk);
  }

  finish(): XmlElement {
    if (this.failure) throw this.failure;
    this.parser.close();
    if (!this.root) throw new XmlSyntaxError('no root element');
    return this.root;
  }
}

/** Parses a complete document synchronously (small inputs: queries, HL7v3 messages, test data). */
export function parseXml(text: string, limits: XmlLimits = DEFAULT_LIMITS): XmlElement {
  const b = new TreeBuilder(limits);
  try {
    b.write(text);
    return b.finish();
  } catch (e) {
    throw e instanceof XmlSyntaxError ? e : new XmlSyntaxError((e as Error).message);
  }
}

/** Parses in slices, yielding to the event loop between them, for large envelopes (inline base64). */
export async function parseXmlAsync(text: string, limits: XmlLimits = DEFAULT_LIMITS): Promise<XmlElement> {
  if (text.length <= SLICE) return parseXml(text, limits);
  const b = new TreeBuilder(limits);
  try {
    for (let i = 0; i < text.length; i += SLICE) {
      b.write(text.slice(i, i + SLICE));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return b.finish();
  } catch (e) {
    throw e instanceof XmlSyntaxError ? e : new XmlSyntaxError((e as Error).message);
  }
}

// ---- navigation helpers (namespace-checked) ----

export const childrenOf = (el: XmlElement, ns: string, local: string): XmlElement[] =>
  el.children.filter((c) => c.local === local && c.ns === ns);

export const childOf = (el: XmlElement, ns: string, local: string): XmlElement | undefined =>
  el.children.find((c) => c.local === local && c.ns === ns);

export const is = (el: XmlElement | undefined, ns: string, local: string): boolean =>
  el !== undefined && el.ns === ns && el.local === local;

/** XML 1.0 text/attribute escaping for string templates. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  );
}
