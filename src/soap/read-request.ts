/**
 * Reads one SOAP 1.2 request from an HTTP body: plain `application/soap+xml` or MTOM/XOP
 * `multipart/related` (ITI TF-2x Appendix V; XOP 1.0; SOAP 1.2 Part 2 §7 HTTP binding).
 *
 * Order of defences (security.md §2): media type and content coding first (415), declared length
 * (413 before reading), caps while streaming (413), strict UTF-8, then the strict XML reader (no DOCTYPE),
 * then envelope shape, mustUnderstand and WS-Addressing. A plain body is parsed as it arrives (xml-stream.ts,
 * inline ITI-41 documents decoded straight into the attachment sink); after a parse error the body is still
 * read to its end, so a too large body (413) or bad UTF-8 is reported first, as when it was read whole.
 * Every failure is a SoapFaultError; whatever the attachment sink already stored (MTOM parts and inline
 * documents) is handed to `discard`, and the input stream is drained or destroyed.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { SoapFaultError } from '../errors';
import { readEnvelope, type EnvelopeParts } from './envelope';
import { receiverFault, senderFault, tooLarge, unsupportedMedia, versionMismatch } from './faults';
import { contentIdFromHref, isValidBoundary, normaliseContentId, parseMediaType, type MediaType } from './media-type';
import { readMultipart } from './mime-read';
import { SOAP12_NS, XOP_NS } from './namespaces';
import { XmlSyntaxError, type XmlElement } from './xml';
import { NotUtf8Error, XmlByteStream, type Base64Sink, type QName, type StreamedOutcome } from './xml-stream';

export interface Attachment<T> {
  readonly contentId: string;
  readonly contentType: string;
  readonly stored: T;
}

/** The envelope's parts (body = the single element child of soap:Body) plus the MTOM attachments. */
export interface SoapRequest<T> extends EnvelopeParts {
  /** Key: normalised Content-ID (no `<>`, percent-decoded). */
  readonly attachments: ReadonlyMap<string, Attachment<T>>;
  readonly mtom: boolean;
  /**
   * Inline base64 content the reader streamed into the attachment sink (see `base64Elements`), by element:
   * stored (then also in `attachments` under a generated id, so it is discarded with them), or the reason
   * it was not (InvalidBase64Error, DecodedTooLargeError, a sink error) for the handler to answer.
   * Elements not in it keep their text in the tree. Absent when nothing was streamed.
   */
  readonly inline?: ReadonlyMap<XmlElement, StreamedOutcome<T>>;
}

export interface ReadOptions<T> {
  /** Cap on the SOAP part (plain body or MTOM root part). */
  readonly maxEnvelopeBytes: number;
  /** Cap per attachment. */
  readonly maxAttachmentBytes: number;
  /** Default 1000. */
  readonly maxParts?: number;
  /** Cap on the whole HTTP body (MTOM framing included). Default: maxEnvelopeBytes for plain SOAP, none for MTOM beyond the per-part caps. */
  readonly maxTotalBytes?: number;
  /** Where attachments stream to (e.g. the document store's putPending). Absent → a request with attachments is a Sender fault. */
  readonly attachmentSink?: (stream: Readable, info: { contentId: string; contentType: string }) => Promise<T>;
  /** Called with what the sink already stored when reading fails later, so nothing is left behind. */
  readonly discard?: (stored: readonly T[]) => Promise<void>;
  /**
   * Element paths (root first) whose base64 text is decoded into `attachmentSink` while the envelope is
   * read, instead of becoming tree text. Default (when there is a sink): the ITI-41 `xdsb:Document`.
   */
  readonly base64Elements?: readonly (readonly QName[])[];
}

/**
 * ITI TF-2b §3.41.4.1.2: Envelope/Body/ProvideAndRegisterDocumentSetRequest/Document carries a document as
 * base64Binary when the sender does not use XOP (.NET/WCF clients). The XDS namespace is spelled here
 * because the transport imports nothing from above it; test/soap/xml-stream.test.ts checks it against
 * ebxml/vocabulary.ts. (The endpoint could pass `base64Elements` itself and this default go.)
 */
const XDSB_NS = 'urn:ihe:iti:xds-b:2007';
export const ITI41_DOCUMENT_PATH: readonly QName[] = [
  { ns: SOAP12_NS, local: 'Envelope' },
  { ns: SOAP12_NS, local: 'Body' },
  { ns: XDSB_NS, local: 'ProvideAndRegisterDocumentSetRequest' },
  { ns: XDSB_NS, local: 'Document' },
];

type Framing = { readonly mtom: false } | { readonly mtom: true; readonly contentType: string; readonly startId?: string };

/** Above this many unread bytes a failed request's stream is destroyed rather than drained. */
const MAX_DRAIN_BYTES = 1024 * 1024;
const SOAP12_TYPE = 'application/soap+xml';
const XOP_TYPE = 'application/xop+xml';

const isUtf8 = (m: MediaType): boolean => {
  const cs = m.params.charset?.toLowerCase();
  return cs === undefined || cs === 'utf-8' || cs === 'utf8';
};

/** Picks plain or MTOM framing from the HTTP headers, or refuses (SOAP 1.2 Part 2 §7.1.4; XOP §4). */
function framingOf(headers: IncomingHttpHeaders): Framing {
  const coding = headers['content-encoding']?.trim().toLowerCase();
  if (coding && coding !== 'identity') throw unsupportedMedia('Compressed request bodies are not accepted');
  const ct = headers['content-type'];
  const m = parseMediaType(ct);
  if (!m || !ct) throw unsupportedMedia('Unsupported Content-Type');
  if (m.type === 'text/xml') throw versionMismatch(); // the SOAP 1.1 HTTP binding
  if (m.type === SOAP12_TYPE) {
    if (!isUtf8(m)) throw unsupportedMedia('Only UTF-8 SOAP messages are accepted');
    return { mtom: false };
  }
  if (m.type !== 'multipart/related' || m.params.type?.toLowerCase() !== XOP_TYPE) {
    throw unsupportedMedia('Unsupported Content-Type');
  }
  const startInfo = parseMediaType(m.params['start-info']);
  if (startInfo?.type === 'text/xml') throw versionMismatch();
  if (m.params['start-info'] !== undefined && startInfo?.type !== SOAP12_TYPE) throw unsupportedMedia('Unsupported start-info');
  const boundary = m.params.boundary;
  if (boundary === undefined || !isValidBoundary(boundary)) throw senderFault('Missing or invalid multipart boundary');
  const start = m.params.start;
  return { mtom: true, contentType: ct, startId: start === undefined ? undefined : normaliseContentId(start) };
}

function checkDeclaredLength(headers: IncomingHttpHeaders, cap: number | undefined): void {
  const declared = headers['content-length'];
  if (cap !== undefined && declared !== undefined && Number(declared) > cap) throw tooLarge('The request');
}

/** Counts bytes as they are read; the stream is not destroyed when the consumer stops early. */
async function* capped(stream: Readable, cap: number | undefined): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of stream.iterator({ destroyOnReturn: false })) {
    const buf: Uint8Array = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buf.length;
    if (cap !== undefined && total > cap) throw tooLarge('The request');
    yield buf;
  }
}

/** XOP §4.1: the root part is application/xop+xml whose `type` is the SOAP 1.2 media type. */
function checkRootType(m: MediaType | undefined): void {
  if (m?.type === 'text/xml' || parseMediaType(m?.params.type)?.type === 'text/xml') throw versionMismatch();
  const ok = m !== undefined && isUtf8(m) && (m.type === SOAP12_TYPE || (m.type === XOP_TYPE && (m.params.type === undefined || parseMediaType(m.params.type)?.type === SOAP12_TYPE)));
  if (!ok) throw senderFault('The MTOM root part is not a UTF-8 application/xop+xml SOAP 1.2 part');
}

/** Bytes per write when the envelope is already in memory (MTOM root part): one write is a few ms at most. */
const ROOT_SLICE = 64 * 1024;
/** Decoded inline bytes buffered ahead of the sink (its writer batches ~1 MiB). */
const SINK_HIGH_WATER = 1024 * 1024;

/** The attachment sink fed by the XML reader: a PassThrough with backpressure, settled however it ends. */
function base64Sink<T>(sink: NonNullable<ReadOptions<T>['attachmentSink']>): Base64Sink<T> {
  const pass = new PassThrough({ highWaterMark: SINK_HIGH_WATER });
  pass.on('error', () => undefined); // the sink's promise reports it
  const result = sink(pass, { contentId: `${randomUUID()}@inline.invalid`, contentType: 'application/octet-stream' });
  result.catch(() => pass.destroy()); // a sink that failed without consuming must not leave the reader waiting
  const live = (): boolean => !pass.destroyed && !pass.writableEnded;
  return {
    write: (bytes) => (live() ? pass.write(bytes) : true),
    drained: () =>
      !live() || !pass.writableNeedDrain
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = (): void => {
              pass.off('drain', done);
              pass.off('close', done);
              resolve();
            };
            pass.on('drain', done);
            pass.on('close', done);
          }),
    end: () => {
      if (live()) pass.end();
    },
    abort: (err) => pass.destroy(err),
    result,
  };
}

function xmlReader<T>(opts: ReadOptions<T>): XmlByteStream<T> {
  const sink = opts.attachmentSink;
  return new XmlByteStream<T>({
    base64Paths: sink ? (opts.base64Elements ?? [ITI41_DOCUMENT_PATH]) : [],
    include: { ns: XOP_NS, local: 'Include' },
    maxDecodedBytes: opts.maxAttachmentBytes,
    openSink: () => base64Sink(sink!),
  });
}

async function feedBuffer<T>(xml: XmlByteStream<T>, bytes: Buffer): Promise<void> {
  for (let i = 0; i < bytes.length; i += ROOT_SLICE) await xml.write(bytes.subarray(i, i + ROOT_SLICE));
}

/** Every xop:Include must name a part, and every part must be named (XOP 1.0 §3; security.md X9). */
function checkXopReferences(root: XmlElement, parts: ReadonlyMap<string, unknown>): void {
  const referenced = new Set<string>();
  const walk = (el: XmlElement): void => {
    if (el.ns === XOP_NS && el.local === 'Include') {
      const id = contentIdFromHref(el.attrs.href ?? '');
      if (id === undefined || !parts.has(id)) throw senderFault('An xop:Include refers to no MIME part');
      referenced.add(id);
    }
    el.children.forEach(walk);
  };
  walk(root);
  if (referenced.size !== parts.size) throw senderFault('A MIME attachment is not referenced by any xop:Include');
}

/** Reads the body: a plain envelope is parsed as it arrives; an MTOM root part once its parts are stored. */
async function readFramed<T>(input: { headers: IncomingHttpHeaders; stream: Readable }, opts: ReadOptions<T>, stored: T[], xml: XmlByteStream<T>) {
  const framing = framingOf(input.headers);
  const totalCap = opts.maxTotalBytes ?? (framing.mtom ? undefined : opts.maxEnvelopeBytes);
  checkDeclaredLength(input.headers, totalCap);
  if (!framing.mtom) {
    for await (const chunk of capped(input.stream, Math.min(totalCap ?? Infinity, opts.maxEnvelopeBytes))) {
      await xml.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    }
    return { mtom: false, parts: new Map<string, Attachment<T>>() };
  }
  const r = await readMultipart(capped(input.stream, totalCap), {
    contentType: framing.contentType,
    startId: framing.startId,
    maxRootBytes: opts.maxEnvelopeBytes,
    maxAttachmentBytes: opts.maxAttachmentBytes,
    maxParts: opts.maxParts ?? 1000,
    sink: opts.attachmentSink,
    stored,
  });
  checkRootType(r.rootType);
  await feedBuffer(xml, r.root);
  return { mtom: true, parts: r.parts };
}

/** Stored inline contents join the attachments (so whoever discards those discards these too). */
function withInline<T>(parts: ReadonlyMap<string, Attachment<T>>, inline: ReadonlyMap<XmlElement, StreamedOutcome<T>>) {
  if (inline.size === 0) return parts;
  const all = new Map(parts);
  for (const o of inline.values()) {
    if (!('stored' in o)) continue;
    const contentId = `${randomUUID()}@inline.invalid`; // no cid: href can name it (random, .invalid)
    all.set(contentId, { contentId, contentType: 'application/octet-stream', stored: o.stored });
  }
  return all;
}

/** Frees the connection after a failure: drain a small remainder, destroy a large one. */
function release(stream: Readable): void {
  if (stream.readableEnded || stream.destroyed) return;
  let drained = 0;
  stream.on('error', () => undefined);
  stream.on('data', (c: Uint8Array) => {
    if ((drained += c.length) > MAX_DRAIN_BYTES) stream.destroy();
  });
  stream.resume();
}

function toFault(err: unknown): SoapFaultError {
  if (err instanceof SoapFaultError) return err;
  if (err instanceof XmlSyntaxError) return senderFault('The SOAP message is not well-formed XML', undefined, err);
  if (err instanceof NotUtf8Error) return senderFault('The SOAP message is not valid UTF-8', undefined, err);
  const code = (err as { code?: string } | undefined)?.code;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return senderFault('The request body was not received completely', undefined, err);
  }
  return receiverFault('The request could not be read', err);
}

export async function readSoapRequest<T>(
  input: { headers: IncomingHttpHeaders; stream: Readable },
  opts: ReadOptions<T>,
): Promise<SoapRequest<T>> {
  const stored: T[] = [];
  let xml: XmlByteStream<T> | undefined = xmlReader(opts);
  try {
    const { mtom, parts } = await readFramed(input, opts, stored, xml);
    const { root: envelope, streamed } = await xml.end();
    xml = undefined;
    for (const o of streamed.values()) if ('stored' in o) stored.push(o.stored);
    const env = readEnvelope(envelope);
    if (mtom) checkXopReferences(envelope, parts);
    return { ...env, attachments: withInline(parts, streamed), mtom, ...(streamed.size > 0 ? { inline: streamed } : {}) };
  } catch (err) {
    release(input.stream);
    if (xml) stored.push(...(await xml.abort()));
    if (stored.length > 0 && opts.discard) {
      // The original fault matters more to the client than a clean-up failure; the store sweeps leftovers.
      await opts.discard(stored).catch(() => undefined);
    }
    throw toFault(err);
  }
}

/** For an element such as xdsb:Document: the attachment its xop:Include child references, if any. */
export function resolveXopInclude<T>(el: XmlElement, req: SoapRequest<T>): Attachment<T> | undefined {
  const inc = el.children.find((c) => c.ns === XOP_NS && c.local === 'Include');
  const id = inc === undefined ? undefined : contentIdFromHref(inc.attrs.href ?? '');
  return id === undefined ? undefined : req.attachments.get(id);
}
