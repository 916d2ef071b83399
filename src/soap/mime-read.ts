/**
 * Streaming reader of a multipart/related (MTOM/XOP) body on top of multipasta's push parser.
 *
 * The root part is buffered (capped); every other part is handed to the attachment sink as a Readable
 * and never held whole. Backpressure: when a part's stream is full the input is not read further until
 * the sink asks for more. Parts must carry a unique Content-ID and an identity transfer encoding
 * (XOP 1.0 §5; security.md X9). The reader never returns or throws while a sink is still running, so
 * the caller can always clean up what the sinks stored.
 */
import { Readable } from 'node:stream';
import * as MP from 'multipasta';
import { SoapFaultError } from '../errors';
import { receiverFault, senderFault, tooLarge } from './faults';
import { normaliseContentId, parseMediaType, type MediaType } from './media-type';

export interface SinkInfo {
  readonly contentId: string;
  readonly contentType: string;
}
export type AttachmentSink<T> = (stream: Readable, info: SinkInfo) => Promise<T>;

export interface MultipartOptions<T> {
  readonly contentType: string;
  /** Normalised Content-ID of the root part (the `start` parameter), if given. */
  readonly startId?: string;
  readonly maxRootBytes: number;
  readonly maxAttachmentBytes: number;
  readonly maxParts: number;
  readonly sink?: AttachmentSink<T>;
  /** Receives every value a sink produced, including when reading fails (for clean-up). */
  readonly stored: T[];
}

export interface StoredPart<T> {
  readonly contentId: string;
  readonly contentType: string;
  readonly stored: T;
}

export interface MultipartResult<T> {
  readonly root: Buffer;
  readonly rootType: MediaType | undefined;
  readonly parts: ReadonlyMap<string, StoredPart<T>>;
}

/** RFC 2045 §6.1: only the identity encodings can be streamed as they are. */
const IDENTITY_ENCODINGS = new Set(['binary', '8bit', '7bit']);
/**
 * How much of a part may wait for its sink. 1 MiB matches the store's write size (blob-meter WRITE_CHUNK):
 * with 64 KiB the parser stalled for every write (BENCHMARKS.md hot spot 4). Per upload this bounds
 * memory at this buffer plus the store's two write buffers, whatever the document size.
 */
const PART_HIGH_WATER = 1024 * 1024;
/** Bytes tolerated after the close delimiter (the epilogue) before the request counts as abusive. */
const MAX_EPILOGUE = 64 * 1024;

/** One attachment on its way to the sink. */
class PartPump {
  readonly stream: Readable;
  private needDrain = false;
  private waiter: (() => void) | undefined;
  settled = false;
  /** Every byte of the part has been handed over (push(null) done). */
  complete = false;
  size = 0;
  constructor() {
    this.stream = new Readable({ highWaterMark: PART_HIGH_WATER, read: () => this.wake() });
  }
  push(chunk: Uint8Array | null): void {
    if (chunk === null) this.complete = true;
    if (this.settled || this.stream.destroyed) return; // the sink gave up; its error is reported separately
    if (!this.stream.push(chunk) && chunk !== null) this.needDrain = true;
  }
  wake(): void {
    this.needDrain = false;
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
  mustWait(): boolean {
    return this.needDrain && !this.settled;
  }
  async drained(): Promise<void> {
    if (!this.needDrain || this.settled) return;
    await new Promise<void>((resolve) => (this.waiter = resolve));
  }
}

/** errno codes of a full disk or an exhausted quota, SQLite's "database or disk is full", MongoDB's OutOfDiskSpace (14031). */
const OUT_OF_SPACE = new Set<unknown>(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', 14031]);

/**
 * Whether a storage failure means "no space left" (the error or one of its causes), which this reader
 * reports as HTTP 507 (StorageFullFault) and the repository answers with XDSRepositoryOutOfResources.
 */
export function isOutOfSpace(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (OUT_OF_SPACE.has((e as { code?: unknown }).code)) return true;
  }
  return false;
}

/**
 * The store ran out of space (ENOSPC/EDQUOT) while taking a part: HTTP 507 Insufficient Storage
 * (RFC 4918 §11.5) rather than a generic 500. The reason stays static (faults.ts); the part's Content-ID
 * and the OS error are kept so the endpoint can answer XDSRepositoryOutOfResources naming the document
 * (repository/out-of-resources.ts).
 */
export class StorageFullFault extends SoapFaultError {
  constructor(readonly contentId: string, cause: unknown) {
    super('Receiver', 'No storage space left to store an attachment', undefined, 507, { cause });
  }
}

const header = (info: MP.PartInfo, name: string): string | undefined => {
  const v = info.headers[name];
  if (Array.isArray(v)) throw senderFault(`MIME part header ${name} appears more than once`);
  return v;
};

class MultipartReader<T> {
  private rootChunks: Buffer[] = [];
  private rootSize = 0;
  private rootSeen = false;
  private rootType: MediaType | undefined;
  private readonly ids = new Set<string>();
  private readonly pending: Promise<void>[] = [];
  private readonly parts = new Map<string, StoredPart<T>>();
  private current: PartPump | undefined;
  private readonly pumps: PartPump[] = [];
  private sinkError: unknown;
  /** Content-ID of the part whose sink failed first (named in an out-of-space fault). */
  private sinkErrorPart = '';
  done = false;

  constructor(private readonly o: MultipartOptions<T>) {}

  makeParser(): MP.Parser {
    return MP.make({
      headers: { 'content-type': this.o.contentType },
      isFile: () => true,
      maxParts: this.o.maxParts,
      onFile: (info) => this.onPart(info),
      onField: () => undefined, // unreachable: every part is treated as a file
      onError: (e) => {
        throw this.mapError(e);
      },
      onDone: () => {
        this.done = true;
      },
    });
  }

  private mapError(e: MP.MultipartError): SoapFaultError {
    switch (e._tag) {
      case 'ReachedLimit':
        return e.limit === 'MaxParts' ? senderFault('Too many MIME parts') : tooLarge('A MIME part');
      case 'InvalidBoundary':
        return senderFault('Missing or invalid multipart boundary');
      case 'BadHeaders':
        return senderFault('Malformed MIME part headers');
      case 'EndNotReached':
        return senderFault('Multipart body ends without its close delimiter');
      default:
        return senderFault('Malformed multipart body');
    }
  }

  private onPart(info: MP.PartInfo): (chunk: Uint8Array | null) => void {
    const encoding = (header(info, 'content-transfer-encoding') ?? 'binary').trim().toLowerCase();
    if (!IDENTITY_ENCODINGS.has(encoding)) throw senderFault('Unsupported Content-Transfer-Encoding');
    const rawId = header(info, 'content-id');
    const contentId = rawId === undefined ? undefined : normaliseContentId(rawId);
    const contentType = (header(info, 'content-type') ?? 'application/octet-stream').trim();
    // XOP packages are flat (XOP 1.0 §4); a nested multipart is never a document we should store.
    if (/^multipart\//i.test(contentType)) throw senderFault('Nested multipart parts are not accepted');
    if (contentId !== undefined) {
      if (this.ids.has(contentId)) throw senderFault('Duplicate Content-ID in the multipart body');
      this.ids.add(contentId);
    }
    // XOP 1.0 §3: the root is the part named by `start`, or the first part when `start` is absent.
    const isRoot = !this.rootSeen && (this.o.startId === undefined || this.o.startId === contentId);
    if (isRoot) {
      this.rootSeen = true;
      this.rootType = parseMediaType(contentType);
      return (chunk) => this.onRootChunk(chunk);
    }
    if (contentId === undefined || contentId === '') throw senderFault('A MIME attachment has no Content-ID');
    return this.startAttachment(contentId, contentType);
  }

  private onRootChunk(chunk: Uint8Array | null): void {
    if (chunk === null) return;
    this.rootSize += chunk.length;
    if (this.rootSize > this.o.maxRootBytes) throw tooLarge('The SOAP envelope');
    this.rootChunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
  }

  private startAttachment(contentId: string, contentType: string): (chunk: Uint8Array | null) => void {
    const sink = this.o.sink;
    if (!sink) throw senderFault('This endpoint accepts no attachments');
    const pump = new PartPump();
    this.pumps.push(pump);
    this.current = pump;
    const run = Promise.resolve()
      .then(() => sink(pump.stream, { contentId, contentType }))
      .then(
        (stored) => {
          this.o.stored.push(stored);
          this.parts.set(contentId, { contentId, contentType, stored });
        },
        (err: unknown) => {
          if (this.sinkError === undefined) {
            this.sinkError = err;
            this.sinkErrorPart = contentId;
          }
        },
      )
      .finally(() => {
        pump.settled = true;
        pump.wake();
      });
    this.pending.push(run);
    return (chunk) => {
      if (chunk !== null) {
        pump.size += chunk.length;
        if (pump.size > this.o.maxAttachmentBytes) throw tooLarge('An attachment');
      }
      pump.push(chunk);
    };
  }

  /**
   * After each input chunk: surface a sink failure, and wait while the current part is full. Returns
   * undefined when there is nothing to wait for (the common case: no promise per input chunk).
   */
  afterWrite(): Promise<void> | undefined {
    this.throwIfSinkFailed();
    const pump = this.current;
    if (!pump?.mustWait()) return undefined;
    return pump.drained().then(() => this.throwIfSinkFailed());
  }

  private throwIfSinkFailed(): void {
    if (this.sinkError === undefined) return;
    const e = this.sinkError;
    if (e instanceof SoapFaultError) throw e;
    if (isOutOfSpace(e)) throw new StorageFullFault(this.sinkErrorPart, e);
    throw receiverFault('The attachment could not be stored', e);
  }

  /** On failure: stop every part still streaming so its sink rejects, then wait for all sinks. */
  async abort(err: unknown): Promise<void> {
    for (const p of this.pumps) if (!p.settled && !p.complete) p.stream.destroy(err as Error);
    await Promise.allSettled(this.pending);
  }

  async result(): Promise<MultipartResult<T>> {
    await Promise.allSettled(this.pending);
    this.throwIfSinkFailed();
    if (!this.rootSeen) throw senderFault('The multipart body has no root part');
    return { root: Buffer.concat(this.rootChunks, this.rootSize), rootType: this.rootType, parts: this.parts };
  }
}

/** Reads a whole multipart/related body; see the module comment for the guarantees. */
export async function readMultipart<T>(
  chunks: AsyncIterable<Uint8Array>,
  o: MultipartOptions<T>,
): Promise<MultipartResult<T>> {
  const reader = new MultipartReader(o);
  try {
    const parser = reader.makeParser();
    let epilogue = 0;
    for await (const chunk of chunks) {
      if (reader.done) {
        // RFC 2046 §5.1.1: the epilogue is ignored, but an endless one is not.
        if ((epilogue += chunk.length) > MAX_EPILOGUE) throw tooLarge('The multipart epilogue');
        continue;
      }
      parser.write(chunk);
      const wait = reader.afterWrite();
      if (wait) await wait;
    }
    if (!reader.done) parser.end(); // flushes a held-back close delimiter, or reports truncation
    if (!reader.done) throw senderFault('Multipart body ends without its close delimiter');
    return await reader.result();
  } catch (err) {
    await reader.abort(err);
    throw err;
  }
}
