/**
 * ER7 (pipe-and-hat) reading and writing over @medplum/core's Hl7Message (HL7 v2.5 ch. 2.5–2.7).
 * Medplum splits segments, fields, repetitions and components with the separators of MSH-1/MSH-2; this
 * module adds what the IHE messages need on top: subcomponents, escape sequences (§2.7: \F\ \S\ \T\ \R\
 * \E\ \Xhh\, formatting escapes dropped), safe 1-based accessors that never throw on absent fields, and
 * an encoder that escapes every value it writes.
 */
import { Hl7Message, type Hl7Segment } from '@medplum/core';
import { V2Error } from './v2-error';

export interface Separators {
  readonly field: string;
  readonly component: string;
  readonly repetition: string;
  readonly escape: string;
  readonly subcomponent: string;
}

export const DEFAULT_SEPARATORS: Separators = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' };

/** One repetition of a field: components, each a list of (unescaped) subcomponents. */
export type Rep = readonly (readonly string[])[];

export interface V2Segment {
  readonly name: string;
  /** 1-based: `seq` is the position among segments of the same name (for ERR-2). */
  readonly seq: number;
  /** Repetitions of field n (1-based). MSH-1 and MSH-2 are returned verbatim as one component. */
  reps(n: number): Rep[];
  /** First repetition, component c (1-based), subcomponent s (1-based), unescaped; '' when absent. */
  get(n: number, c?: number, s?: number): string;
  /** Raw field text (still escaped). */
  raw(n: number): string;
  /** The whole segment as received (for echoing QPD). */
  readonly text: string;
}

export interface V2Message {
  readonly separators: Separators;
  readonly segments: readonly V2Segment[];
  segment(name: string): V2Segment | undefined;
  all(name: string): V2Segment[];
}

/** Decodes §2.7 escape sequences in one (already split) value. Unknown escapes are dropped, never kept raw. */
export function unescapeValue(v: string, sep: Separators): string {
  const e = sep.escape;
  if (!e || !v.includes(e)) return v;
  let out = '';
  let i = 0;
  while (i < v.length) {
    const ch = v[i]!;
    const end = ch === e ? v.indexOf(e, i + 1) : -1;
    if (end < 0) {
      out += ch;
      i++;
      continue;
    }
    out += decodeEscape(v.slice(i + 1, end), sep);
    i = end + 1;
  }
  return out;
}

function decodeEscape(code: string, sep: Separators): string {
  switch (code) {
    case 'F': return sep.field;
    case 'S': return sep.component;
    case 'T': return sep.subcomponent;
    case 'R': return sep.repetition;
    case 'E': return sep.escape;
    case '.br': return '\n';
    default:
      // \Xhh..\ hexadecimal data (single-byte code points); highlighting and formatting codes carry no text.
      if (/^X([0-9A-Fa-f]{2})+$/.test(code)) return code.slice(1).replace(/../g, (h) => String.fromCharCode(parseInt(h, 16)));
      return '';
  }
}

/** Escapes a value for writing: the escape character first, then each separator (§2.7.1). */
export function escapeValue(v: string, sep: Separators = DEFAULT_SEPARATORS): string {
  let out = '';
  for (const ch of v) {
    if (ch === sep.escape) out += `${sep.escape}E${sep.escape}`;
    else if (ch === sep.field) out += `${sep.escape}F${sep.escape}`;
    else if (ch === sep.component) out += `${sep.escape}S${sep.escape}`;
    else if (ch === sep.subcomponent) out += `${sep.escape}T${sep.escape}`;
    else if (ch === sep.repetition) out += `${sep.escape}R${sep.escape}`;
    else if (ch === '\r' || ch === '\n') out += `${sep.escape}.br${sep.escape}`;
    else out += ch;
  }
  return out;
}

function separatorsOf(msg: Hl7Message): Separators {
  const c = msg.context;
  return { field: c.fieldSeparator, component: c.componentSeparator, repetition: c.repetitionSeparator, escape: c.escapeCharacter, subcomponent: c.subcomponentSeparator };
}

function wrapSegment(s: Hl7Segment, seq: number, sep: Separators): V2Segment {
  const isMsh = s.name === 'MSH';
  // Medplum keeps MSH-2 at fields[1] (MSH-1 is the separator itself), so MSH-n sits at fields[n - 1].
  const index = (n: number) => (isMsh ? n - 1 : n);
  const field = (n: number) => (n >= 1 && index(n) >= 1 && index(n) < s.fields.length ? s.fields[index(n)] : undefined);
  const reps = (n: number): Rep[] => {
    if (isMsh && n === 1) return [[[sep.field]]];
    const f = field(n);
    if (!f) return [];
    if (isMsh && n === 2) return [[[f.toString()]]];
    return f.components
      .map((rep) => rep.map((comp) => comp.split(sep.subcomponent).map((sc) => unescapeValue(sc, sep))))
      .filter((rep) => rep.some((comp) => comp.some((sc) => sc !== '')));
  };
  return {
    name: s.name,
    seq,
    reps,
    get: (n, c = 1, sc = 1) => reps(n)[0]?.[c - 1]?.[sc - 1] ?? '',
    raw: (n) => field(n)?.toString() ?? '',
    text: s.toString(),
  };
}

/** Segment names: three upper-case letters or digits (Z-segments included). */
const SEGMENT_NAME = /^[A-Z][A-Z0-9]{2}$/;

/**
 * Parses ER7 text. CR is the segment terminator; LF and CRLF are tolerated because many senders use them.
 * Throws V2Error(100) when the message does not start with a usable MSH, (102) for a bad segment name.
 */
export function parseEr7(text: string): V2Message {
  const normalised = text.replace(/\r\n|\n/g, '\r').replace(/\r+$/, '');
  if (!/^MSH[^A-Za-z0-9\r]/.test(normalised) || normalised.length < 8) throw new V2Error('AR', '100', 'message does not start with an MSH segment', { segment: 'MSH' });
  const encodingChars = normalised.slice(4, normalised.indexOf(normalised[3]!, 4) >>> 0);
  if (encodingChars.length < 3) throw new V2Error('AR', '102', 'MSH-2 encoding characters are incomplete', { segment: 'MSH', field: 2 });
  let msg: Hl7Message;
  try {
    msg = Hl7Message.parse(normalised);
  } catch {
    throw new V2Error('AR', '102', 'message could not be parsed', { segment: 'MSH' });
  }
  const sep = separatorsOf(msg);
  const counts = new Map<string, number>();
  const segments = msg.segments.filter((s) => s.name !== '').map((s, i) => {
    if (!SEGMENT_NAME.test(s.name)) throw new V2Error('AR', '100', `segment ${i + 1} has no valid name`, { segment: s.name.slice(0, 3) });
    const seq = (counts.get(s.name) ?? 0) + 1;
    counts.set(s.name, seq);
    return wrapSegment(s, seq, sep);
  });
  return {
    separators: sep,
    segments,
    segment: (name) => segments.find((s) => s.name === name),
    all: (name) => segments.filter((s) => s.name === name),
  };
}

/** A value to write: a string (one component), components, or components of subcomponents. */
export type FieldValue = string | undefined | readonly (string | undefined | readonly (string | undefined)[])[];

const trimEnd = (parts: readonly string[], sepChar: string): string => {
  let n = parts.length;
  while (n > 0 && parts[n - 1] === '') n--;
  return parts.slice(0, n).join(sepChar);
};

function encodeRep(v: FieldValue, sep: Separators): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return escapeValue(v, sep);
  const comps = v.map((c) =>
    c === undefined ? '' : typeof c === 'string' ? escapeValue(c, sep) : trimEnd(c.map((s) => escapeValue(s ?? '', sep)), sep.subcomponent),
  );
  return trimEnd(comps, sep.component);
}

/** A field may repeat: pass `{ reps: [...] }`. */
export type Field = FieldValue | { readonly reps: readonly FieldValue[] };

const isReps = (f: Field): f is { readonly reps: readonly FieldValue[] } => typeof f === 'object' && f !== null && 'reps' in f;

/** Writes one segment; trailing empty fields are dropped. For MSH, fields[0] is MSH-3 (MSH-1/2 are implied). */
export function writeSegment(name: string, fields: readonly Field[], sep: Separators = DEFAULT_SEPARATORS): string {
  const encoded = fields.map((f) => (isReps(f) ? f.reps.map((r) => encodeRep(r, sep)).join(sep.repetition) : encodeRep(f, sep)));
  const body = trimEnd(encoded, sep.field);
  if (name === 'MSH') return `MSH${sep.field}${sep.component}${sep.repetition}${sep.escape}${sep.subcomponent}${body ? sep.field + body : ''}`;
  return body ? `${name}${sep.field}${body}` : name;
}

/** Segments joined with CR (the only segment terminator, §2.5.2). */
export const writeMessage = (segments: readonly string[]): string => `${segments.join('\r')}\r`;
