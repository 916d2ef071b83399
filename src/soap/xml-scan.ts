/**
 * Byte-level look-ahead for xml-stream.ts: where the next start tag of a given local name ends, and numeric
 * character references. Only hints: saxes still parses every byte outside streamed text and confirms
 * (namespaces resolved) that a candidate really is the element to stream, so a false or missed candidate
 * costs speed, never correctness (a missed one is parsed into the tree and decoded from there).
 */

const LT = 0x3c;
const GT = 0x3e;

/** `<` index of a start tag `<name` or `<prefix:name` whose local name starts at `i`, else -1. */
function tagStart(buf: Buffer, i: number, from: number): number {
  let j = i - 1;
  if (j < from) return -1;
  if (buf[j] === LT) return j;
  if (buf[j] !== 0x3a) return -1; // ':'
  const colon = j--;
  while (j >= from && isNameByte(buf[j]!)) j--;
  return j >= from && buf[j] === LT && j < colon - 1 ? j : -1;
}

const isNameByte = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x5f;
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Index of the `>` ending a start tag whose attributes begin at `i` (quotes respected), or -1 if not in buf. */
function endOfTag(buf: Buffer, i: number): number {
  let quote = 0;
  for (; i < buf.length; i++) {
    const c = buf[i]!;
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === GT) return i;
    else if (c === LT) return -1; // not a tag after all: let saxes judge it
  }
  return -1;
}

export type Candidate = { readonly end: number } | { readonly partial: number } | undefined;

/** The next start tag named `local` (not empty-element) from `from`: its end, or where an unfinished one starts. */
export function findCandidate(buf: Buffer, from: number, local: Buffer): Candidate {
  for (let i = buf.indexOf(local, from); i >= 0; i = buf.indexOf(local, i + 1)) {
    const lt = tagStart(buf, i, from);
    if (lt < 0) continue;
    const after = i + local.length;
    if (after >= buf.length) return { partial: lt };
    const c = buf[after]!;
    if (c === GT) return { end: after + 1 };
    if (!isSpace(c)) continue;
    const gt = endOfTag(buf, after);
    if (gt < 0) {
      if (buf.indexOf(LT, after) < 0) return { partial: lt };
      continue;
    }
    if (buf[gt - 1] !== 0x2f) return { end: gt + 1 };
  }
  // A tag cut inside its name ("<xdsb:Docu") ends the buffer without a '>' after its '<'.
  const lastLt = buf.lastIndexOf(LT);
  return lastLt >= from && buf.indexOf(GT, lastLt) < 0 ? { partial: lastLt } : undefined;
}

/** `&#…;` at `i`: the character, `partial` when the buffer ends inside it, undefined for anything else. */
export function charRef(buf: Buffer, i: number): { cp: number; end: number } | 'partial' | undefined {
  const semi = buf.indexOf(0x3b, i);
  const limit = i + 12;
  if (semi < 0 || semi > limit) return semi < 0 && buf.length < limit ? 'partial' : undefined;
  const body = buf.toString('latin1', i + 1, semi);
  const m = /^#(?:([0-9]{1,7})|x([0-9a-fA-F]{1,6}))$/.exec(body);
  if (!m) return undefined;
  const cp = m[1] !== undefined ? Number(m[1]) : parseInt(m[2]!, 16);
  const xmlChar = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
  return xmlChar ? { cp, end: semi + 1 } : undefined;
}


const MARKUP: readonly (readonly [Buffer, Buffer])[] = [
  [Buffer.from('<!--'), Buffer.from('-->')],
  [Buffer.from('<![CDATA['), Buffer.from(']]>')],
  [Buffer.from('<?'), Buffer.from('?>')],
];

/**
 * A comment, CDATA section or PI starting at `at` (XML 1.0 §2.5, §2.7, §2.6 — each ends at the first
 * occurrence of its terminator): where it ends; `partial` when buf ends before that can be told; undefined
 * for anything else (a tag).
 */
export function markupEnd(buf: Buffer, at: number): { end: number } | 'partial' | undefined {
  for (const [open, close] of MARKUP) {
    const n = Math.min(open.length, buf.length - at);
    if (buf.compare(open, 0, n, at, at + n) !== 0) continue;
    if (n < open.length) return 'partial';
    const i = buf.indexOf(close, at + open.length);
    return i < 0 ? 'partial' : { end: i + close.length };
  }
  return undefined;
}
