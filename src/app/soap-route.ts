/**
 * One SOAP endpoint request, start to finish (design.md "Request flow"): read the envelope (MTOM
 * attachments streamed into pending blobs), find the transaction by wsa:Action, call its handler, write the
 * reply, and ALWAYS discard the request's pending blobs afterwards. Errors are converted here, once.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { SoapFaultError, XdsError, defaultInternalCode } from '../errors';
import { readSoapRequest, type SoapRequest } from '../soap/read-request';
import { SOAP12_CONTENT_TYPE, bodyBuffer, bodyByteLength, bodyStream, soapEnvelope, soapFault, type BodyParts } from '../soap/write-response';
import { writeMtom } from '../soap/mtom-write';
import { outOfResourcesOfRead } from '../repository/out-of-resources';
import type { StoredBlob } from '../repository/ports';
import { findTransaction, type Deps, type NodeIdentity, type TransactionDef } from '../transactions';

export interface SoapReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string | Buffer | Readable;
  /**
   * Bytes of a Readable body when known before sending (an envelope written from BodyParts), for
   * Content-Length; absent for a string or Buffer (their length is plain) and for MTOM (streamed, chunked).
   */
  readonly length?: number;
  /** For the request log and metrics. */
  readonly transaction?: string;
  readonly action?: string;
  readonly messageId?: string;
  readonly outcome: 'success' | 'xds-error' | 'fault' | 'internal-error';
  readonly count?: number;
}

export interface SoapEndpointOptions {
  readonly endpoint: string;
  readonly table: readonly TransactionDef[];
  readonly deps: Deps;
  readonly maxEnvelopeBytes: number;
  readonly maxDocumentBytes: number;
}

const faultReply = (err: SoapFaultError, deps: Deps, relatesTo?: string): SoapReply => ({
  status: err.httpStatus,
  contentType: SOAP12_CONTENT_TYPE,
  body: soapFault(err, { relatesTo, messageId: deps.newUuid() }),
  outcome: 'fault',
});

async function readRequest(o: SoapEndpointOptions, req: IncomingMessage): Promise<SoapRequest<StoredBlob>> {
  const documents = o.deps.stores.documents;
  const takesAttachments = o.table.some((t) => t.endpoint === o.endpoint && t.acceptsAttachments);
  return readSoapRequest<StoredBlob>(
    { headers: req.headers, stream: req },
    {
      maxEnvelopeBytes: o.maxEnvelopeBytes,
      maxAttachmentBytes: o.maxDocumentBytes,
      attachmentSink: takesAttachments ? (s) => documents.putPending(s, { maxBytes: o.maxDocumentBytes }) : undefined,
      discard: (stored) => documents.discard(stored.map((b) => b.blobId)),
    },
  );
}

/** An unexpected error: logged with a reference (never body content), answered without internals. */
function internalReply(err: unknown, def: TransactionDef | undefined, req: SoapRequest<StoredBlob>, deps: Deps, log: Logger): SoapReply {
  const ref = randomUUID();
  log.error({ err, ref, transaction: def?.id }, 'internal error');
  const meta = { transaction: def?.id, action: req.action, messageId: req.messageId, outcome: 'internal-error' as const };
  if (def?.errorBody && (def.actor === 'registry' || def.actor === 'repository')) {
    const body = def.errorBody([
      { errorCode: defaultInternalCode(def.actor), codeContext: `internal error (ref ${ref})`, severity: 'Error' },
    ]);
    const envelope = soapEnvelope({ action: def.replyAction, relatesTo: req.messageId, messageId: deps.newUuid(), body });
    return { ...meta, status: 200, contentType: SOAP12_CONTENT_TYPE, body: envelope };
  }
  const fault = new SoapFaultError('Receiver', `internal error (ref ${ref})`);
  return { ...faultReply(fault, deps, req.messageId), ...meta };
}

/** Up to this size an answer written from parts goes out as one Buffer; above it, streamed in chunks. */
const ONE_BUFFER_MAX = 1024 * 1024;

/**
 * An envelope from BodyParts, never joined into one string (write-response.ts): one Buffer when small (one
 * socket write, Content-Length), otherwise a stream of 64 KiB chunks produced as the socket drains.
 */
function partsBody(envelope: BodyParts): { body: Buffer | Readable; length: number } {
  const length = bodyByteLength(envelope);
  return { body: length <= ONE_BUFFER_MAX ? bodyBuffer(envelope, length) : bodyStream(envelope), length };
}

/**
 * Runs `after` once the reply body has been handed to the socket: a stream when it has been read to its end
 * (or destroyed, the client gone); a string or Buffer on the next turn, by when Koa has written it whole.
 */
function runAfterReply(body: SoapReply['body'], after: () => void, log: Logger): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    try {
      after();
    } catch (err) {
      log.warn({ err }, 'work after the reply failed');
    }
  };
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    setImmediate(run);
    return;
  }
  body.once('end', run);
  body.once('close', run);
}

async function dispatch(o: SoapEndpointOptions, req: SoapRequest<StoredBlob>, peer: NodeIdentity, log: Logger): Promise<SoapReply> {
  const { deps } = o;
  const def = findTransaction(o.table, o.endpoint, req.action);
  const meta = { transaction: def?.id, action: req.action, messageId: req.messageId };
  try {
    if (!def) {
      throw new SoapFaultError('Sender', 'The action is not supported at this endpoint', 'wsa:ActionNotSupported', 400);
    }
    if (!def.handler) throw new SoapFaultError('Receiver', `transaction ${def.id} is not implemented`, undefined, 500);
    const result = await def.handler(req, deps, { peer, messageId: req.messageId, log });
    const envelope = soapEnvelope({ action: def.replyAction, relatesTo: req.messageId, messageId: deps.newUuid(), body: result.body });
    const base = { ...meta, status: 200, outcome: 'success' as const, count: result.count };
    let reply: SoapReply;
    if (result.parts && result.parts.length > 0) {
      const mtom = writeMtom(envelope, result.parts);
      reply = { ...base, contentType: mtom.contentType, body: mtom.body };
    } else if (typeof envelope === 'string') {
      reply = { ...base, contentType: SOAP12_CONTENT_TYPE, body: envelope };
    } else {
      reply = { ...base, contentType: SOAP12_CONTENT_TYPE, ...partsBody(envelope) };
    }
    if (result.afterReply) runAfterReply(reply.body, result.afterReply, log);
    return reply;
  } catch (err) {
    if (err instanceof XdsError && def?.errorBody) {
      const envelope = soapEnvelope({ action: def.replyAction, relatesTo: req.messageId, messageId: deps.newUuid(), body: def.errorBody(err.errors) });
      return { ...meta, status: 200, contentType: SOAP12_CONTENT_TYPE, body: envelope, outcome: 'xds-error', count: err.errors.length };
    }
    if (err instanceof SoapFaultError) return { ...faultReply(err, deps, req.messageId), ...meta };
    return internalReply(err, def, req, deps, log);
  }
}

/**
 * A full disk while an MTOM document streamed in: the transaction's own error body with
 * XDSRepositoryOutOfResources (ITI TF-3 §4.2.4.1), like an inline document gets, rather than a bare fault.
 */
function outOfResourcesReply(o: SoapEndpointOptions, err: unknown, log: Logger): SoapReply | undefined {
  const full = outOfResourcesOfRead(err);
  const def = full && o.table.find((t) => t.endpoint === o.endpoint && t.acceptsAttachments && t.errorBody);
  if (!full || !def?.errorBody) return undefined;
  log.warn({ err: full.cause }, 'no storage space left for a document');
  const envelope = soapEnvelope({ action: def.replyAction, messageId: o.deps.newUuid(), body: def.errorBody(full.errors) });
  return { status: 200, contentType: SOAP12_CONTENT_TYPE, body: envelope, transaction: def.id, outcome: 'xds-error', count: 1 };
}

/** Handles one POST to a SOAP endpoint and returns what to send; never throws. */
export async function handleSoapPost(o: SoapEndpointOptions, req: IncomingMessage, peer: NodeIdentity, log: Logger): Promise<SoapReply> {
  let request: SoapRequest<StoredBlob>;
  try {
    request = await readRequest(o, req);
  } catch (err) {
    const full = outOfResourcesReply(o, err, log);
    if (full) return full;
    if (err instanceof SoapFaultError) return faultReply(err, o.deps);
    const ref = randomUUID();
    log.error({ err, ref }, 'failed to read SOAP request');
    return { ...faultReply(new SoapFaultError('Receiver', `internal error (ref ${ref})`), o.deps), outcome: 'internal-error' };
  }
  try {
    return await dispatch(o, request, peer, log);
  } finally {
    // Blobs the handler committed are unaffected (discard is a no-op for them); the rest must not linger.
    const blobIds = [...request.attachments.values()].map((a) => a.stored.blobId);
    if (blobIds.length > 0) {
      await o.deps.stores.documents.discard(blobIds).catch((err: unknown) => log.error({ err }, 'discarding pending blobs failed'));
    }
  }
}
