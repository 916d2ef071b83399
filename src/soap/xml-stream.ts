/**
 * The XML reader fed with bytes as they arrive, for SOAP requests: UTF-8 is decoded incrementally (strict),
 * the tree is built by TreeBuilder (xml.ts, saxes), and the base64 text of chosen elements (the ITI-41
 * `xdsb:Document`, a 20 MB document being ~27 MB of text) is decoded piece by piece into a sink instead of
 * the tree — the inline counterpart of an MTOM attachment (XOP 1.0 §1: the same base64Binary content).
 *
 * Why (BENCHMARKS.md B3, hot spot 5): concatenating the body, decoding it into one string and letting saxes
 * build a 27 MB text node held the event loop for 200+ ms per request. saxes only reports text at the next
 * `<` and keeps everything before it in one string, so it cannot hand over a large text in pieces. Hence a
 * small scanner in front of it: it cuts each input chunk at the `>` of a candidate start tag (any tag whose
 * local name is one of the streamed names); when saxes confirms that tag opened exactly there and that the
 * element is at a streamed path (namespaces resolved by saxes, not guessed), the scanner takes the element's
 * character data itself up to the next `<`, validating and decoding it (base64-text.ts), and hands the `<`
 * back to saxes. Numeric character references (`&#13;`) are decoded by the scanner; anything else unusual
 * (named entities, non-ASCII bytes) goes through saxes, whose text events reach the same decoder, so the XML
 * is checked exactly as before and the result is the same as decoding the element's whole text.
 * Each input chunk costs at most a few ms; the caller yields between chunks.
 */
import { isAscii } from 'node:buffer';
import { Streamed, type Base64Sink, type StreamedOutcome } from './base64-text';
import { charRef, findCandidate, markupEnd, type Candidate } from './xml-scan';
export type { Base64Sink, StreamedOutcome };
import { TreeBuilder, type OpenElement, type XmlElement, type XmlLimits, DEFAULT_LIMITS } from './xml';

export interface QName {
  readonly ns: string;
  readonly local: string;
}

export interface XmlStreamOptions<T> {
  readonly limits?: XmlLimits;
  /** Element paths from the root (root first) whose text is base64 to stream. */
  readonly base64Paths: readonly (readonly QName[])[];
  /** A child of this name means the content is elsewhere (xop:Include): the element is then left to the tree. */
  readonly include: QName;
  readonly maxDecodedBytes: number;
  readonly openSink: () => Base64Sink<T>;
}

/** The bytes are not UTF-8 (the caller answers with its own fault). */
export class NotUtf8Error extends Error {
  constructor() {
    super('not valid UTF-8');
    this.name = 'NotUtf8Error';
  }
}

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26; // '&'
/** An unfinished tag or markup longer than this is simply parsed by saxes (bounds the re-copying of a tail). */
const MAX_PENDING = 8 * 1024;
/** Yield to the event loop after about this many bytes, so other requests interleave chunk by chunk. */
const YIELD_BYTES = 64 * 1024;
const same = (a: QName, b: QName): boolean => a.ns === b.ns && a.local === b.local;
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class XmlByteStream<T> {
  private readonly tree: TreeBuilder;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private readonly locals: Buffer[];
  private readonly streams = new Map<OpenElement, Streamed<T>>();
  private readonly outcomes = new Map<XmlElement, Promise<StreamedOutcome<T>>>();
  private readonly all: Streamed<T>[] = [];
  private pending: Buffer | undefined;
  /** The streamed element whose content the scanner is in (confirmed at its start tag). */
  private current: Streamed<T> | undefined;
  private textMode = false;
  private opened: Streamed<T> | undefined;
  private failure: unknown;
  private sinceYield = 0;
  /** In the buffer being written: where UTF-8 decoding has got to. */
  private decodedTo = 0;

  constructor(private readonly opts: XmlStreamOptions<T>) {
    this.locals = [...new Set(opts.base64Paths.map((p) => p[p.length - 1]!.local))].map((l) => Buffer.from(l));
    this.tree = new TreeBuilder(opts.limits ?? DEFAULT_LIMITS, {
      onOpen: (el, stack) => this.onOpen(el, stack),
      onText: (el, text) => {
        const s = this.streams.get(el);
        if (!s || s.state !== 'text') return false;
        s.push(text);
        return true;
      },
      onClose: (el, built) => this.onClose(el, built),
    });
  }

  private onOpen(el: OpenElement, stack: readonly OpenElement[]): void {
    const top = stack[stack.length - 1];
    const parent = top && this.streams.get(top);
    if (parent && same(el, this.opts.include)) parent.toInclude();
    const path = this.opts.base64Paths.find((p) => p.length === stack.length + 1 && same(p[stack.length]!, el) && stack.every((s, i) => same(s, p[i]!)));
    if (!path) return;
    const s = new Streamed(el, this.opts.maxDecodedBytes, this.opts.openSink);
    this.streams.set(el, s);
    this.all.push(s);
    this.opened = s;
  }

  private onClose(el: OpenElement, built: XmlElement): void {
    const s = this.streams.get(el);
    if (!s) return;
    this.streams.delete(el);
    const outcome = s.close();
    if (outcome) this.outcomes.set(built, outcome);
    if (this.current === s) this.current = undefined;
  }

  /** Feeds bytes [a, b) to saxes. */
  private feed(buf: Buffer, a: number, b: number): void {
    let text: string;
    try {
      text = this.utf8.decode(buf.subarray(a, b), { stream: true });
    } catch {
      throw new NotUtf8Error();
    }
    this.decodedTo = b;
    this.tree.write(text);
  }

  /**
   * Takes the next bytes. Never throws: after a failure the body is still read to its end (only its UTF-8 is
   * checked, as the whole body was before) and `end` throws; the sinks are stopped at once.
   */
  async write(chunk: Buffer): Promise<void> {
    if (this.failure !== undefined) return this.checkUtf8(chunk);
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    this.decodedTo = 0;
    try {
      let pos = 0;
      while (pos < buf.length) pos = this.current ? this.inside(buf, pos) : this.outside(buf, pos);
      for (const s of this.all) if (s.flush()) await s.drained();
    } catch (e) {
      this.failure = e;
      for (const s of this.all) if (!s.closed) s.fail(e);
      if (!(e instanceof NotUtf8Error)) this.checkUtf8(buf.subarray(this.decodedTo));
      return;
    }
    if ((this.sinceYield += chunk.length) >= YIELD_BYTES) {
      this.sinceYield = 0;
      await yieldToLoop();
    }
  }

  /** Outside streamed content: feed saxes up to the end of the next candidate start tag. */
  private outside(buf: Buffer, pos: number): number {
    let best: Candidate;
    for (const local of this.locals) {
      const c = findCandidate(buf, pos, local);
      const at = (x: Candidate) => (x === undefined ? Infinity : 'end' in x ? x.end : x.partial);
      if (at(c) < at(best)) best = c;
    }
    if (best && 'end' in best) {
      this.opened = undefined;
      this.feed(buf, pos, best.end);
      const o = this.takeOpened();
      if (o?.state === 'text' && this.tree.top === o.el && this.tree.tagEndedWrite) {
        this.current = o;
        this.textMode = true;
      }
      return best.end;
    }
    const stop = best && buf.length - best.partial <= MAX_PENDING ? best.partial : buf.length;
    this.feed(buf, pos, stop);
    return stop < buf.length ? this.keep(buf, stop) : stop;
  }

  /** Inside a streamed element: take its text up to the next markup or reference. */
  private inside(buf: Buffer, pos: number): number {
    const s = this.current!;
    if (!this.textMode || s.state !== 'text') return this.insideTags(buf, pos, s);
    const lt = buf.indexOf(LT, pos);
    const amp = buf.indexOf(AMP, pos);
    let stop = lt < 0 ? buf.length : lt;
    if (amp >= 0 && amp < stop) stop = amp;
    if (stop > pos) {
      const seg = buf.subarray(pos, stop);
      if (!isAscii(seg)) return this.toSaxes(pos); // saxes decodes and checks it; its text event reaches the decoder
      s.push(buf.toString('latin1', pos, stop));
      if (s.state !== 'text') return this.toSaxes(pos); // saxes still checks the XML of the rest
    }
    if (stop === buf.length) return stop;
    if (buf[stop] === LT) return this.markup(buf, stop);
    const ref = charRef(buf, stop);
    if (ref === 'partial') return this.keep(buf, stop);
    if (ref === undefined) return this.toSaxes(stop); // named or malformed: saxes decides
    s.push(String.fromCodePoint(ref.cp));
    return ref.end;
  }

  /**
   * `<` in streamed text: a comment, PI or CDATA section is fed to saxes whole, after which saxes is back in
   * the text (a CDATA section's text reaches the decoder through onText); a tag goes to insideTags.
   */
  private markup(buf: Buffer, at: number): number {
    const m = markupEnd(buf, at);
    if (m === 'partial' && buf.length - at <= MAX_PENDING) return this.keep(buf, at);
    if (m === undefined || m === 'partial') return this.toSaxes(at);
    this.feed(buf, at, m.end);
    return m.end;
  }

  /** Tags inside the streamed element (its end tag, xop:Include, a child): fed to saxes one `>` at a time. */
  private insideTags(buf: Buffer, pos: number, s: Streamed<T>): number {
    const gt = buf.indexOf(GT, pos);
    const end = gt < 0 ? buf.length : gt + 1;
    this.feed(buf, pos, end);
    if (this.current === s && s.state === 'text' && this.tree.tagEndedWrite && this.tree.top === s.el) this.textMode = true;
    return end;
  }

  /** Keeps the unfinished tail for the next write. */
  private keep(buf: Buffer, at: number): number {
    this.pending = Buffer.from(buf.subarray(at));
    return buf.length;
  }

  /** The streamed element whose start tag the last write reported. */
  private takeOpened(): Streamed<T> | undefined {
    const o = this.opened;
    this.opened = undefined;
    return o;
  }

  private toSaxes(pos: number): number {
    this.textMode = false;
    return pos;
  }

  /** After a failure the body is still read to its end: only its UTF-8 is checked (that fault comes first). */
  private checkUtf8(chunk: Buffer | undefined): void {
    if (this.failure instanceof NotUtf8Error) return;
    try {
      if (chunk) this.utf8.decode(chunk, { stream: true });
      else this.utf8.decode();
    } catch {
      this.failure = new NotUtf8Error();
    }
  }

  /** End of input: the tree and, once every sink settled, each streamed element's outcome. */
  async end(): Promise<{ root: XmlElement; streamed: ReadonlyMap<XmlElement, StreamedOutcome<T>> }> {
    let root: XmlElement | undefined;
    if (this.failure === undefined) {
      try {
        const rest = this.pending;
        this.pending = undefined;
        if (rest) this.feed(rest, 0, rest.length); // an unfinished tag or reference: saxes reports it
        let tail: string;
        try {
          tail = this.utf8.decode();
        } catch {
          throw new NotUtf8Error();
        }
        if (tail) this.tree.write(tail);
        root = this.tree.finish();
      } catch (e) {
        this.failure = e;
      }
    } else {
      this.checkUtf8(undefined);
    }
    if (this.failure !== undefined || !root) throw this.failure;
    const streamed = new Map<XmlElement, StreamedOutcome<T>>();
    for (const [el, p] of this.outcomes) streamed.set(el, await p);
    return { root, streamed };
  }

  /** After any failure: stops every sink and returns what was stored anyway (to be discarded). */
  async abort(): Promise<T[]> {
    const settled = await Promise.all(this.all.map((s) => s.abort() ?? Promise.resolve(undefined)));
    return settled.flatMap((o) => (o && 'stored' in o ? [o.stored] : []));
  }
}
