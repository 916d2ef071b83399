/**
 * Reads one SOAP 1.2 request from an HTTP body: plain `application/soap+xml` or MTOM/XOP
 * `multipart/related` (ITI TF-2x Appendix V; XOP 1.0; SOAP 1.2 Part 2 §7 HTTP binding).
 *
 * Order of defences (security.md §2): media type and content coding first (415), declared length
 * (413 before reading), caps while streaming (413), strict UTF-8, then the strict XML reader (no DOCTYPE),
 * then envelope shape, mustUnderstand and WS-Addressing. Every failure is a SoapFaultError; whatever
 * the attachment sink already stored is handed to `discard`, and the input stream is drained or destroyed.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { SoapFaultError } from '../errors';
import { readEnvelope, type EnvelopeParts } from './envelope';
import { receiverFault, senderFault, tooLarge, unsupportedMedia, versionMismatch } from './faults';
import { contentIdFromHref, isValidBoundary, normaliseContentId, parseMediaType, type MediaType } from './media-type';
import { readMultipart } from './mime-read';
import { XOP_NS } from './namespaces';
import { parseXmlAsync, XmlSyntaxError, type XmlElement } from './xml';

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
}

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

async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

/** XOP §4.1: the root part is application/xop+xml whose `type` is the SOAP 1.2 media type. */
function checkRootType(m: MediaType | undefined): void {
  if (m?.type === 'text/xml' || parseMediaType(m?.params.type)?.type === 'text/xml') throw versionMismatch();
  const ok = m !== undefined && isUtf8(m) && (m.type === SOAP12_TYPE || (m.type === XOP_TYPE && (m.params.type === undefined || parseMediaType(m.params.type)?.type === SOAP12_TYPE)));
  if (!ok) throw senderFault('The MTOM root part is not a UTF-8 application/xop+xml SOAP 1.2 part');
}

async function parseSoapXml(bytes: Buffer): Promise<XmlElement> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw senderFault('The SOAP message is not valid UTF-8', undefined, e);
  }
  return parseXmlAsync(text);
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

async function readFramed<T>(input: { headers: IncomingHttpHeaders; stream: Readable }, opts: ReadOptions<T>, stored: T[]) {
  const framing = framingOf(input.headers);
  const totalCap = opts.maxTotalBytes ?? (framing.mtom ? undefined : opts.maxEnvelopeBytes);
  checkDeclaredLength(input.headers, totalCap);
  if (!framing.mtom) {
    const root = await readAll(capped(input.stream, Math.min(totalCap ?? Infinity, opts.maxEnvelopeBytes)));
    return { mtom: false, root, parts: new Map<string, Attachment<T>>() };
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
  return { mtom: true, root: r.root, parts: r.parts };
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
  try {
    const { mtom, root, parts } = await readFramed(input, opts, stored);
    const envelope = await parseSoapXml(root);
    const env = readEnvelope(envelope);
    if (mtom) checkXopReferences(envelope, parts);
    return { ...env, attachments: parts, mtom };
  } catch (err) {
    release(input.stream);
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
