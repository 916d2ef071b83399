/**
 * Streams a source through SHA-1 and a byte counter into a sink, refusing more than `maxBytes`
 * (the XDS `hash` and `size` slots are computed from the stored bytes: Gazelle ITI41-13). Shared by the
 * file and GridFS blob stores. Awaiting each write gives backpressure without buffering the document.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { SoapFaultError } from '../errors';

export interface Metered {
  readonly sha1: string;
  readonly size: number;
}

/** The error every store raises for an oversized document: the SOAP layer answers HTTP 413. */
export const tooLarge = (maxBytes: number): SoapFaultError =>
  new SoapFaultError('Sender', `document larger than ${maxBytes} bytes`, undefined, 413);

export async function meter(
  source: Readable,
  write: (chunk: Buffer) => Promise<void>,
  maxBytes: number = Number.POSITIVE_INFINITY,
): Promise<Metered> {
  const hash = createHash('sha1');
  let size = 0;
  for await (const data of source) {
    const chunk = typeof data === 'string' ? Buffer.from(data) : (data as Buffer);
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    hash.update(chunk);
    await write(chunk);
  }
  return { sha1: hash.digest('hex'), size };
}

export const isSha1 = (s: string): boolean => /^[0-9a-f]{40}$/.test(s);
