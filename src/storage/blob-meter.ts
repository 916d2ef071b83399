/**
 * Streams a source through SHA-1 and a byte counter into a sink, refusing more than `maxBytes`
 * (the XDS `hash` and `size` slots are computed from the stored bytes: Gazelle ITI41-13). Shared by the
 * file and GridFS blob stores.
 *
 * Why batches and one write in flight (BENCHMARKS.md hot spot 4): awaiting one write per ≤ 64 KiB chunk
 * cost ~2 CPU-ms/MB in write calls and stalled the reader during every write; reading with `for await`
 * also concatenated the buffered chunks (a copy of every byte). Here chunks arrive as 'data' events (no
 * copy), are hashed at once and handed to `write` in batches of ~1 MiB (a file store writes a batch with
 * one writev, still without copying). While one batch is being written the next one is read and hashed;
 * reading pauses only when that next batch is full too. So at most two batches (≈ 2 MiB) are held per
 * upload whatever the document size, and backpressure still reaches the source.
 */
import { createHash, type Hash } from 'node:crypto';
import { finished, type Readable } from 'node:stream';
import { SoapFaultError } from '../errors';

export interface Metered {
  readonly sha1: string;
  readonly size: number;
}

/** Bytes per batch handed to the sink. */
export const WRITE_CHUNK = 1024 * 1024;
/** Also cut a batch at this many chunks (a writev takes at most IOV_MAX = 1024 buffers per call). */
const MAX_CHUNKS = 512;

/**
 * Writes one batch, in order, after the previous batch's promise resolved. The chunks are not touched
 * afterwards by meter, so the sink may keep references to them.
 */
export type BatchWriter = (chunks: readonly Buffer[], bytes: number) => Promise<void>;

/** The error every store raises for an oversized document: the SOAP layer answers HTTP 413. */
export const tooLarge = (maxBytes: number): SoapFaultError =>
  new SoapFaultError('Sender', `document larger than ${maxBytes} bytes`, undefined, 413);

/** One upload's state machine: read → hash → batch → write, with the write overlapping the next read. */
class Metering {
  private readonly hash: Hash = createHash('sha1');
  private size = 0;
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private writing = false;
  private ended = false;
  private failed = false;
  private failure: unknown;

  constructor(
    private readonly source: Readable,
    private readonly write: BatchWriter,
    private readonly maxBytes: number,
    private readonly resolve: (m: Metered) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  start(): void {
    this.source.on('data', (d: Buffer | string) => this.onData(typeof d === 'string' ? Buffer.from(d) : d));
    this.source.once('end', () => this.onEnd());
    // finished() also reports a source that failed or was destroyed before metering began (e.g. the
    // request was aborted while the store opened its file): without it this upload would never settle.
    finished(this.source, { writable: false }, (err) => {
      if (err) this.fail(err);
    });
  }

  private onData(chunk: Buffer): void {
    if (this.failed) return;
    this.size += chunk.length;
    if (this.size > this.maxBytes) return this.fail(tooLarge(this.maxBytes));
    this.hash.update(chunk);
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
    if (this.batchBytes < WRITE_CHUNK && this.batch.length < MAX_CHUNKS) return;
    if (this.writing) this.source.pause(); // this batch is full and the previous one still being written
    else this.startWrite();
  }

  private startWrite(): void {
    const chunks = this.batch;
    const bytes = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    this.writing = true;
    this.write(chunks, bytes).then(
      () => this.afterWrite(),
      (e: unknown) => {
        this.writing = false;
        if (this.failed) this.reject(this.failure); // failed meanwhile (e.g. too large): that error wins
        else this.fail(e);
      },
    );
  }

  private afterWrite(): void {
    this.writing = false;
    if (this.failed) return this.reject(this.failure);
    const full = this.batchBytes >= WRITE_CHUNK || this.batch.length >= MAX_CHUNKS;
    if (full || (this.ended && this.batchBytes > 0)) this.startWrite();
    if (this.ended) {
      if (!this.writing) this.resolve({ sha1: this.hash.digest('hex'), size: this.size });
    } else if (this.source.isPaused()) {
      this.source.resume();
    }
  }

  private onEnd(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.failed || this.writing) return;
    if (this.batchBytes > 0) this.startWrite();
    else this.resolve({ sha1: this.hash.digest('hex'), size: this.size });
  }

  /** Stops reading; rejects once no write is running, so the caller may close and remove the file. */
  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.failure = err;
    this.source.pause();
    if (!this.writing) this.reject(err);
  }
}

export function meter(source: Readable, write: BatchWriter, maxBytes: number = Number.POSITIVE_INFINITY): Promise<Metered> {
  return new Promise<Metered>((resolve, reject) => new Metering(source, write, maxBytes, resolve, reject).start());
}

export const isSha1 = (s: string): boolean => /^[0-9a-f]{40}$/.test(s);
