/**
 * The Koa application of the mutual-TLS listener: the four SOAP endpoints (POST), their WSDLs (GET ?wsdl)
 * with the XSDs they import, and short 404s for everything else. Builds the app; never listens.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import Koa from 'koa';
import type { Logger } from 'pino';
import { SoapFaultError, XdsCode } from '../errors';
import { SOAP12_CONTENT_TYPE, soapFault } from '../soap/write-response';
import type { Deps, Endpoint, NodeIdentity, TransactionDef } from '../transactions';
import type { Metrics } from './metrics';
import { handleSoapPost, type SoapReply } from './soap-route';
import { peerIdentityCache } from './tls';

export interface AppOptions {
  readonly table: readonly TransactionDef[];
  readonly deps: Deps;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly maxEnvelopeBytes: number;
  readonly maxDocumentBytes: number;
  /** SOAP requests handled at once; beyond it the answer is an immediate Busy (security.md §4.1 backpressure). */
  readonly maxInFlight: number;
  /** Project folders holding the WSDLs and our own XSDs. */
  readonly wsdlDir: string;
  readonly schemaDir: string;
}

export const WSDL_FILES: Readonly<Record<Endpoint, string>> = {
  '/xds/registry': 'DocumentRegistry.wsdl',
  '/xds/repository': 'DocumentRepository.wsdl',
  '/pix': 'PIXManager.wsdl',
  '/pdq': 'PDQSupplier.wsdl',
};

const isEndpoint = (path: string): path is Endpoint => Object.hasOwn(WSDL_FILES, path);
const SCHEMA_PATH = /^\/schemas\/([A-Za-z0-9._-]+\.xsd)$/;

function notFound(ctx: Koa.Context): void {
  ctx.status = 404;
  ctx.set('Content-Type', 'text/plain; charset=utf-8');
  ctx.body = 'Not Found\n';
}

async function serveFile(ctx: Koa.Context, path: string, contentType: string): Promise<void> {
  try {
    const text = await readFile(path, 'utf8');
    ctx.set('Content-Type', contentType);
    ctx.body = text;
  } catch {
    notFound(ctx);
  }
}

function send(ctx: Koa.Context, reply: SoapReply): void {
  ctx.status = reply.status;
  ctx.set('Content-Type', reply.contentType);
  ctx.body = reply.body;
  if (reply.length !== undefined) ctx.length = reply.length; // a streamed answer of known size keeps Content-Length
}

/** Requests in progress in this app (one per listener; not a module singleton). */
interface Admission {
  inFlight: number;
  /** The calling node per connection (tls.ts). */
  readonly peerOf: (socket: TLSSocket) => NodeIdentity;
}

const BUSY_CODE: Readonly<Record<Endpoint, string>> = {
  '/xds/registry': XdsCode.RegistryBusy,
  '/xds/repository': XdsCode.RepositoryBusy,
  '/pix': 'busy',
  '/pdq': 'busy',
};

/**
 * Over the limit: answer at once, without reading the body, and close the connection so an unread upload
 * does not hold it. Which transaction it was is unknown before parsing, so the answer is a SOAP Receiver
 * fault naming the XDS busy code, with HTTP 503 and Retry-After.
 */
function busy(ctx: Koa.Context, o: AppOptions, endpoint: Endpoint): SoapReply {
  const fault = new SoapFaultError('Receiver', `${BUSY_CODE[endpoint]}: too many requests in progress, retry later`, undefined, 503);
  ctx.set('Retry-After', '1');
  ctx.set('Connection', 'close');
  return { status: 503, contentType: SOAP12_CONTENT_TYPE, body: soapFault(fault, { messageId: o.deps.newUuid() }), outcome: 'fault' };
}

async function soapPost(ctx: Koa.Context, o: AppOptions, endpoint: Endpoint, admission: Admission): Promise<void> {
  const started = process.hrtime.bigint();
  const peer = admission.peerOf(ctx.req.socket as TLSSocket);
  let reply: SoapReply;
  if (admission.inFlight >= o.maxInFlight) {
    reply = busy(ctx, o, endpoint);
  } else {
    admission.inFlight++;
    try {
      reply = await handleSoapPost({ ...o, endpoint }, ctx.req, peer, o.log);
    } finally {
      admission.inFlight--;
    }
  }
  send(ctx, reply);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  o.metrics.observe(reply.transaction ?? 'unknown', reply.status, seconds);
  // Design convention 9: ids, actions, identity, counts and timings only; never bodies or PHI.
  o.log.info(
    {
      transaction: reply.transaction,
      action: reply.action,
      messageId: reply.messageId,
      peer: peer.commonName,
      status: reply.status,
      outcome: reply.outcome,
      durationMs: Math.round(seconds * 1000),
      count: reply.count,
    },
    'soap request',
  );
}

/** A POST to a path that is not an endpoint still gets a SOAP answer when it looks like SOAP. */
function unknownDestination(ctx: Koa.Context, o: AppOptions): void {
  ctx.req.resume(); // drain: we do not read the body
  const fault = new SoapFaultError('Sender', 'No endpoint at this address', 'wsa:DestinationUnreachable', 404);
  ctx.status = 404;
  ctx.set('Content-Type', SOAP12_CONTENT_TYPE);
  ctx.body = soapFault(fault, { messageId: o.deps.newUuid() });
}

export function createApp(o: AppOptions): Koa {
  const app = new Koa();
  const admission: Admission = { inFlight: 0, peerOf: peerIdentityCache() };
  app.on('error', (err: Error) => o.log.warn({ err: { message: err.message, code: (err as NodeJS.ErrnoException).code } }, 'http error'));
  app.use(async (ctx) => {
    const path = ctx.path;
    if (ctx.method === 'POST' && isEndpoint(path)) return soapPost(ctx, o, path, admission);
    if (ctx.method === 'GET' && isEndpoint(path) && ctx.querystring.toLowerCase() === 'wsdl') {
      return serveFile(ctx, join(o.wsdlDir, WSDL_FILES[path]), 'text/xml; charset=utf-8');
    }
    const schema = SCHEMA_PATH.exec(path);
    if (ctx.method === 'GET' && schema) {
      return serveFile(ctx, join(o.schemaDir, basename(schema[1]!)), 'text/xml; charset=utf-8');
    }
    if (ctx.method === 'POST' && /soap\+xml|multipart\/related/i.test(ctx.get('Content-Type'))) {
      return unknownDestination(ctx, o);
    }
    ctx.req.resume();
    notFound(ctx);
  });
  return app;
}
