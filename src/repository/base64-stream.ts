/**
 * Strict xs:base64Binary (RFC 4648 §4; whitespace allowed between characters, as the XML Schema lexical
 * space does) decoded in slices, yielding to the event loop between them.
 *
 * Why (BENCHMARKS.md hot spot 5, scenario B3): a 20 MB document sent inline is ~27 MB of text; removing
 * whitespace, validating and decoding it in one go blocked the event loop for hundreds of ms, so every
 * concurrent request waited. Here each slice costs a few ms, the decoded bytes stream straight into the
 * document store, and the whole decoded document is never held in memory. Since session 3 the SOAP reader
 * streams ITI-41 Document text itself (src/soap/xml-stream.ts); this is for text that reached the tree
 * (a request built without that reader).
 */

import { DecodedTooLargeError, InvalidBase64Error, strictDecode } from '../soap/base64-text';

/** Characters of text handled per slice (a multiple of 4 keeps most slices free of carried groups). */
const SLICE_CHARS = 1024 * 1024;
const WHITESPACE = /\s/;
const ALL_WHITESPACE = /\s+/g;

export { DecodedTooLargeError, InvalidBase64Error };

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The end of the base64 characters and the number of '=' after them (whitespace may follow or interleave
 * the padding, "...A=\n=" included). More than two '=' is invalid (RFC 4648 §4).
 */
function trailer(text: string): { readonly end: number; readonly pad: number } {
  let end = text.length;
  let pad = 0;
  while (end > 0) {
    const c = text[end - 1]!;
    if (c === '=') pad++;
    else if (!WHITESPACE.test(c)) break;
    end--;
  }
  if (pad > 2) throw new InvalidBase64Error();
  return { end, pad };
}

/**
 * Yields the decoded bytes of `text` slice by slice. Throws InvalidBase64Error for a character outside the
 * alphabet, misplaced or excess padding, or a length that is not a multiple of 4 (ignoring whitespace);
 * DecodedTooLargeError as soon as more than `maxBytes` would come out.
 */
export async function* decodeBase64Slices(text: string, maxBytes = Number.POSITIVE_INFINITY): AsyncGenerator<Buffer> {
  const { end, pad } = trailer(text);
  let carry = '';
  let decoded = 0;
  for (let i = 0; i < end || (i === 0 && pad > 0); i += SLICE_CHARS) {
    if (i > 0) await yieldToLoop();
    const raw = text.slice(i, Math.min(end, i + SLICE_CHARS));
    let compact = carry + (WHITESPACE.test(raw) ? raw.replace(ALL_WHITESPACE, '') : raw);
    const last = i + SLICE_CHARS >= end;
    let slicePad = 0;
    if (last) {
      if ((compact.length + pad) % 4 !== 0) throw new InvalidBase64Error();
      compact += '='.repeat(pad);
      slicePad = pad;
      carry = '';
    } else {
      const whole = compact.length - (compact.length % 4);
      carry = compact.slice(whole);
      compact = compact.slice(0, whole);
    }
    const bytes = strictDecode(compact, slicePad);
    if (!bytes) throw new InvalidBase64Error(); // '=' before the end lands here too
    decoded += bytes.length;
    if (decoded > maxBytes) throw new DecodedTooLargeError(maxBytes);
    if (bytes.length > 0) yield bytes;
  }
}
