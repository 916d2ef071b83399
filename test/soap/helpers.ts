/** Builders shared by the soap transport tests: envelopes, multipart bodies, chunked streams, a hashing sink. */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

export const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
export const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
export const WSA = 'http://www.w3.org/2005/08/addressing';
export const XOP = 'http://www.w3.org/2004/08/xop/include';
export const CRLF = '\r\n';

export function envelope(o: { action?: string | null; extraHeaders?: string; body?: string; ns?: string } = {}): string {
  const action = o.action === null ? '' : `<wsa:Action soap:mustUnderstand="true">${o.action ?? 'urn:test:Do'}</wsa:Action>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soap:Envelope xmlns:soap="${o.ns ?? SOAP12}" xmlns:wsa="${WSA}"><soap:Header>${action}` +
    `<wsa:MessageID>urn:uuid:11111111-2222-3333-4444-555555555555</wsa:MessageID>` +
    `<wsa:To>https://example.org/xds</wsa:To>` +
    `<wsa:ReplyTo><wsa:Address>http://www.w3.org/2005/08/addressing/anonymous</wsa:Address></wsa:ReplyTo>` +
    `${o.extraHeaders ?? ''}</soap:Header>` +
    `<soap:Body>${o.body ?? '<t:Req xmlns:t="urn:test"/>'}</soap:Body></soap:Envelope>`
  );
}

export const include = (href: string) => `<xop:Include xmlns:xop="${XOP}" href="${href}"/>`;

export interface PartSpec {
  readonly headers: Readonly<Record<string, string>>;
  /** Bytes, or a generator of chunks (for large bodies that must not be held). */
  readonly body: Buffer | string | (() => Iterable<Buffer>);
}

/** Lazily yields the wire bytes of a multipart body (CRLF framing unless told otherwise). */
export function* multipart(boundary: string, parts: readonly PartSpec[], o: { preamble?: string; close?: boolean; eol?: string } = {}): Generator<Buffer> {
  const eol = o.eol ?? CRLF;
  if (o.preamble) yield Buffer.from(o.preamble);
  for (const [i, p] of parts.entries()) {
    const head = Object.entries(p.headers).map(([k, v]) => `${k}: ${v}${eol}`).join('');
    yield Buffer.from(`${i === 0 ? '' : eol}--${boundary}${eol}${head}${eol}`);
    if (typeof p.body === 'function') yield* p.body();
    else yield Buffer.from(p.body);
  }
  if (o.close !== false) yield Buffer.from(`${eol}--${boundary}--${eol}`);
}

/** Re-chunks a byte source into pieces of `size` bytes (1 = byte by byte). */
export function* rechunk(source: Iterable<Buffer>, size: number): Generator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  for (const b of source) {
    pending = pending.length ? Buffer.concat([pending, b]) : b;
    while (pending.length >= size) {
      yield pending.subarray(0, size);
      pending = pending.subarray(size);
    }
  }
  if (pending.length) yield pending;
}

export const streamOf = (source: Iterable<Buffer>, size = 64 * 1024): Readable => Readable.from(rechunk(source, size), { objectMode: false });

/** Deterministic pseudo-random bytes, generated lazily in 64 KiB blocks. */
export function* bytes(total: number, seed = 1): Generator<Buffer> {
  let x = seed >>> 0 || 1;
  for (let done = 0; done < total; ) {
    const n = Math.min(64 * 1024, total - done);
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      b[i] = x & 0xff;
    }
    done += n;
    yield b;
  }
}

export function sha1Of(source: Iterable<Buffer>): { sha1: string; size: number } {
  const h = createHash('sha1');
  let size = 0;
  for (const b of source) {
    h.update(b);
    size += b.length;
  }
  return { sha1: h.digest('hex'), size };
}

export interface Hashed {
  readonly contentId: string;
  readonly contentType: string;
  readonly sha1: string;
  readonly size: number;
}

/** A sink like the document store's putPending: streams, hashes, never buffers. */
export async function hashingSink(stream: Readable, info: { contentId: string; contentType: string }): Promise<Hashed> {
  const h = createHash('sha1');
  let size = 0;
  for await (const c of stream) {
    h.update(c as Buffer);
    size += (c as Buffer).length;
  }
  return { ...info, sha1: h.digest('hex'), size };
}

export const mtomHeaders = (boundary: string, start?: string) => ({
  'content-type':
    `multipart/related; boundary="${boundary}"; type="application/xop+xml"; start-info="application/soap+xml"` +
    (start ? `; start="${start}"` : ''),
});

export const ROOT_TYPE = 'application/xop+xml; charset=UTF-8; type="application/soap+xml"';
