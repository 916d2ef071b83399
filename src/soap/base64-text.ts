/**
 * Strict xs:base64Binary (RFC 4648 §4; whitespace allowed between characters, as the XML Schema lexical
 * space does) decoded incrementally: text is pushed in pieces of any size, 0–3 characters of an unfinished
 * 4-character group are carried to the next piece. Accepts and refuses exactly what a one-shot strict
 * decode of the whole text does (src/repository/base64-stream.ts keeps the one-shot form for tree text).
 *
 * Why (BENCHMARKS.md hot spot 5, B3): a 20 MB document sent inline is ~27 MB of text; the reader
 * (xml-stream.ts) decodes it piece by piece as it arrives, so it is never held whole as a string, and
 * `Streamed` hands the bytes to a sink (the document store's pending blob) with backpressure.
 */

/** The text is not valid base64 (the caller answers with its own, specific error). */
export class InvalidBase64Error extends Error {
  constructor() {
    super('content is not valid base64');
    this.name = 'InvalidBase64Error';
  }
}

/** More than `maxBytes` would be decoded. */
export class DecodedTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`larger than ${maxBytes} bytes`);
    this.name = 'DecodedTooLargeError';
  }
}

const WHITESPACE = /\s/;
const ALL_WHITESPACE = /\s+/g;
const ONLY_PADDING = /^=*$/;
const ALPHABET = /^[A-Za-z0-9+/]*$/;

/**
 * Decodes whole 4-character groups (`pad` '=' at the end), or undefined when a character is outside the
 * RFC 4648 §4 alphabet. Why not a regular expression: matching [A-Za-z0-9+/]* cost ~14 ms per MiB. Node's
 * decoder skips characters it does not know (so any such character makes the output shorter than 3 bytes
 * per 4 characters), but it also takes base64url's '-' and '_' and reads only the low byte of non-ASCII
 * UTF-16 units: those two checks come first, both native scans.
 */
export function strictDecode(groups: string, pad: number): Buffer | undefined {
  if (Buffer.byteLength(groups, 'utf8') !== groups.length) return undefined; // non-ASCII
  if (groups.includes('-') || groups.includes('_')) return undefined;
  const bytes = Buffer.from(groups, 'base64');
  return bytes.length === (groups.length / 4) * 3 - pad ? bytes : undefined;
}

export class Base64TextDecoder {
  private carry = '';
  /** '=' seen so far: after the first one only '=' and whitespace may follow, at most two in all. */
  private pad = 0;
  private decoded = 0;
  /** Whether any character other than whitespace was pushed. */
  started = false;

  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {}

  /** Decodes what `text` completes. Throws InvalidBase64Error or DecodedTooLargeError. */
  push(text: string): Buffer {
    let compact = WHITESPACE.test(text) ? text.replace(ALL_WHITESPACE, '') : text;
    if (compact.length === 0) return EMPTY;
    this.started = true;
    const eq = this.pad > 0 ? 0 : compact.indexOf('=');
    if (eq >= 0) {
      const tail = compact.slice(eq);
      if (!ONLY_PADDING.test(tail) || (this.pad += tail.length) > 2) throw new InvalidBase64Error();
      compact = compact.slice(0, eq);
    }
    const data = this.carry + compact;
    const whole = data.length - (data.length % 4);
    this.carry = data.slice(whole);
    // Every character is judged in the push that brought it (the reader hands a refused piece to saxes).
    if (!ALPHABET.test(this.carry)) throw new InvalidBase64Error();
    return whole === 0 ? EMPTY : this.decode(data.slice(0, whole), 0);
  }

  /** The last bytes; throws InvalidBase64Error when the text ended inside a group. */
  end(): Buffer {
    if (this.pad === 0) {
      if (this.carry.length !== 0) throw new InvalidBase64Error();
      return EMPTY;
    }
    if (this.carry.length + this.pad !== 4) throw new InvalidBase64Error();
    return this.decode(this.carry + '='.repeat(this.pad), this.pad);
  }

  private decode(groups: string, pad: number): Buffer {
    const bytes = strictDecode(groups, pad);
    if (!bytes) throw new InvalidBase64Error();
    this.decoded += bytes.length;
    if (this.decoded > this.maxBytes) throw new DecodedTooLargeError(this.maxBytes);
    return bytes;
  }
}

const EMPTY = Buffer.alloc(0);

/** Where one element's decoded bytes go (read-request.ts wraps the attachment sink). */
export interface Base64Sink<T> {
  /** false: wait for `drained` before writing more. */
  write(bytes: Buffer): boolean;
  drained(): Promise<void>;
  end(): void;
  abort(err: Error): void;
  readonly result: Promise<T>;
}

/** A streamed element's content: stored, or why not (InvalidBase64Error, DecodedTooLargeError, a sink error). */
export type StreamedOutcome<T> = { readonly stored: T } | { readonly error: unknown };

/** One streamed element: its decoder, its sink once bytes exist, and what became of it. */
export class Streamed<T> {
  private readonly decoder: Base64TextDecoder;
  private sink: Base64Sink<T> | undefined;
  private out: Buffer[] = [];
  state: 'text' | 'include' | 'failed' = 'text';
  closed = false;
  private error: unknown;

  constructor(
    readonly el: object,
    maxBytes: number,
    private readonly openSink: () => Base64Sink<T>,
  ) {
    this.decoder = new Base64TextDecoder(maxBytes);
  }

  push(text: string): void {
    if (this.state !== 'text') return;
    try {
      const bytes = this.decoder.push(text);
      if (bytes.length > 0) this.out.push(bytes);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Hands decoded bytes to the sink; true when the sink asks to wait. */
  flush(): boolean {
    if (this.out.length === 0 || this.state !== 'text') return false;
    this.sink ??= this.openSink();
    let full = false;
    for (const b of this.out) full = !this.sink.write(b) || full;
    this.out = [];
    return full;
  }

  drained(): Promise<void> {
    return this.sink ? this.sink.drained() : Promise.resolve();
  }

  /** XOP: an xop:Include child carries the content; text around it is ignored, as in the tree. */
  toInclude(): void {
    if (this.state === 'text') this.sink?.abort(new Error('content is an xop:Include'));
    this.state = 'include';
  }

  fail(e: unknown): void {
    if (this.state !== 'text') return;
    this.state = 'failed';
    this.error = e;
    this.sink?.abort(e instanceof Error ? e : new Error(String(e)));
  }

  /** At the end tag: the outcome, or undefined when the element holds no base64 (whitespace only, or XOP). */
  close(): Promise<StreamedOutcome<T>> | undefined {
    this.closed = true;
    if (this.state === 'include' || (this.state === 'text' && !this.decoder.started)) return undefined;
    if (this.state === 'text') this.finishText();
    return this.outcome();
  }

  private finishText(): void {
    try {
      const last = this.decoder.end();
      if (last.length > 0) this.out.push(last);
    } catch (e) {
      return this.fail(e);
    }
    this.flush();
    this.sink ??= this.openSink(); // an empty document is a 0-byte blob, as before
    this.sink.end();
  }

  private outcome(): Promise<StreamedOutcome<T>> {
    if (this.state === 'failed' || !this.sink) return Promise.resolve({ error: this.error });
    return this.sink.result.then((stored) => ({ stored }), (error: unknown) => ({ error }));
  }

  /** The request failed: stop, and report what was stored so it can be discarded. */
  abort(): Promise<StreamedOutcome<T>> | undefined {
    if (!this.sink) return undefined;
    if (this.state === 'text') this.sink.abort(new Error('request aborted'));
    return this.sink.result.then((stored) => ({ stored }), (error: unknown) => ({ error }));
  }
}
