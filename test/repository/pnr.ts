/**
 * ITI-41/43 test clients: builds Provide and Register requests (MTOM or inline base64) from the golden
 * ITI-42 fixture, sends them over HTTPS with the test client certificate (streaming, so a 50 MB body is
 * never held in memory), and reads MTOM/SOAP replies with the server's own reader.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { NS, SoapAction } from '../../src/ebxml/vocabulary';
import { implementedTransactions } from '../../src/app/transaction-table';
import { createIti41Handler, handleIti41, iti41ErrorBody } from '../../src/repository/handle-iti41';
import { localRegistry } from '../../src/repository/registry-client';
import { handleIti43, iti43ErrorBody } from '../../src/repository/handle-iti43';
import { readSoapRequest, type SoapRequest } from '../../src/soap/read-request';
import { writeMtom, xopInclude, type MtomPart } from '../../src/soap/mtom-write';
import { childOf, childrenOf, escapeXml, type XmlElement } from '../../src/soap/xml';
import type { Handler, TransactionDef } from '../../src/transactions';
import { soapRequest, type TestServer } from '../support/server';
import { newOid } from '../support/iti42';

const GOLDEN = readFileSync(join(__dirname, '../../fixtures/iti42/single-doc.xml'), 'utf8').replace(/<\?xml[^>]*>\s*/, '').replace(/<!--[\s\S]*?-->\s*/, '');
const DE_BLOCK = /<rim:ExtrinsicObject[\s\S]*?<\/rim:ExtrinsicObject>/;
const ASSOC_BLOCK = /<rim:Association[\s\S]*?<\/rim:Association>/;

/** The transaction table with the repository handlers attached (the lead wires the real one). */
/**
 * ITI-41 as in front of a remote registry (register, then commit the documents), with this server's own
 * registry: the path whose commit can fail after a registration, which the in-process default never takes.
 */
export const iti41CommittingAfterRegistration: Handler = createIti41Handler((deps, peer) => ({
  ...localRegistry(deps, peer),
  writesDocumentRows: false,
}));

export function repositoryTransactions(iti41: Handler = handleIti41): readonly TransactionDef[] {
  return implementedTransactions().map((t) => {
    if (t.id === 'ITI-41') return { ...t, handler: iti41, errorBody: iti41ErrorBody };
    if (t.id === 'ITI-43') return { ...t, handler: handleIti43, errorBody: iti43ErrorBody };
    return t;
  });
}

export interface DocSpec {
  readonly id?: string;
  readonly uid?: string;
  readonly mimeType?: string;
  /** undefined → slot removed; a string → that value. */
  readonly hash?: string;
  readonly size?: string;
  readonly repositoryUniqueId?: string;
  /** Patient of this DocumentEntry (default: the submission's). */
  readonly pid?: string;
}

const slotRe = (name: string) => new RegExp(`\\s*<rim:Slot name="${name}">[\\s\\S]*?</rim:Slot>`);
const setSlot = (xml: string, name: string, value: string | undefined): string =>
  value === undefined ? xml.replace(slotRe(name), '') : xml.replace(slotRe(name), `<rim:Slot name="${name}"><rim:ValueList><rim:Value>${escapeXml(value)}</rim:Value></rim:ValueList></rim:Slot>`);

/** A SubmitObjectsRequest with one DocumentEntry (+ HasMember) per spec; returns it with the uids used. */
export function pnrMetadata(pid: string, docs: readonly DocSpec[], ssUid = newOid()) {
  const de = DE_BLOCK.exec(GOLDEN)![0];
  const assoc = ASSOC_BLOCK.exec(GOLDEN)![0];
  const filled = docs.map((d, i) => ({ ...d, id: d.id ?? `Document${String(i + 1).padStart(2, '0')}`, uid: d.uid ?? newOid() }));
  const entries = filled.map((d) => {
    let x = de.replaceAll('Document01', d.id).replaceAll('id="cl-', `id="${d.id}-cl-`).replaceAll('id="ei-de-', `id="${d.id}-ei-`);
    x = x.replace('$DOCUID$', d.uid).replace('mimeType="text/xml"', `mimeType="${d.mimeType ?? 'text/plain'}"`);
    x = x.replace('value="$PID$"', `value="${escapeXml(d.pid ?? pid)}"`);
    x = setSlot(setSlot(setSlot(x, 'hash', d.hash), 'size', d.size), 'repositoryUniqueId', d.repositoryUniqueId);
    return x;
  });
  const links = filled.map((d) => assoc.replaceAll('Document01', d.id).replace('id="as-01"', `id="as-${d.id}"`));
  const xml = GOLDEN.replace(ASSOC_BLOCK, links.join('\n'))
    .replace(DE_BLOCK, entries.join('\n'))
    .replaceAll('$PID$', escapeXml(pid))
    .replaceAll('$SSUID$', ssUid);
  return { xml, ssUid, docs: filled };
}

export interface Content {
  readonly id: string;
  readonly contentType?: string;
  /** Bytes, or a factory for large generated content. */
  readonly bytes: Buffer | (() => Readable);
  /** Send inline as base64 text instead of an MTOM part. */
  readonly inline?: boolean;
}

/** The ITI-41 body + the HTTP framing (MTOM when any part is not inline). */
export function pnrRequest(metadataXml: string, contents: readonly Content[]): { contentType: string; body: Readable | Buffer } {
  const parts: MtomPart[] = [];
  const documents = contents.map((c, i) => {
    if (c.inline) return `<xdsb:Document id="${c.id}">${(c.bytes as Buffer).toString('base64')}</xdsb:Document>`;
    const cid = `part${i}.${Date.now()}@test`;
    const bytes = c.bytes;
    parts.push({ contentId: cid, contentType: c.contentType ?? 'application/octet-stream', stream: typeof bytes === 'function' ? bytes : () => Readable.from([bytes]) });
    return `<xdsb:Document id="${c.id}">${xopInclude(cid)}</xdsb:Document>`;
  });
  const body = `<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="${NS.xdsb}">${metadataXml}${documents.join('')}</xdsb:ProvideAndRegisterDocumentSetRequest>`;
  const envelope = soapRequest(SoapAction.iti41, body);
  if (parts.length === 0) return { contentType: 'application/soap+xml; charset=UTF-8', body: Buffer.from(envelope) };
  return writeMtom(envelope, parts);
}

export interface ReceivedPart {
  readonly sha1: string;
  readonly size: number;
  /** The bytes when at most 1 MiB, else undefined (large parts are only hashed). */
  readonly bytes?: Buffer;
  readonly contentType: string;
}

/** POSTs a streamed body with the trusted client certificate and reads the reply as a SOAP message. */
export function post(server: TestServer, path: string, msg: { contentType: string; body: Readable | Buffer }): Promise<{ status: number; soap: SoapRequest<ReceivedPart> }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(path, server.url), { method: 'POST', ca: server.ca, cert: server.cert, key: server.key, headers: { 'Content-Type': msg.contentType } }, (res) => {
      readSoapRequest<ReceivedPart>({ headers: res.headers, stream: res }, { maxEnvelopeBytes: 50 * 1024 * 1024, maxAttachmentBytes: 2 ** 40, attachmentSink: collect })
        .then((soap) => resolve({ status: res.statusCode ?? 0, soap }), reject);
    });
    req.on('error', reject);
    if (Buffer.isBuffer(msg.body)) req.end(msg.body);
    else msg.body.on('error', reject).pipe(req);
  });
}

async function collect(stream: Readable, info: { contentType: string }): Promise<ReceivedPart> {
  const h = createHash('sha1');
  const kept: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    const b = c as Buffer;
    h.update(b);
    size += b.length;
    if (size <= 1024 * 1024) kept.push(b);
  }
  return { sha1: h.digest('hex'), size, bytes: size <= 1024 * 1024 ? Buffer.concat(kept) : undefined, contentType: info.contentType };
}

export const provide = (server: TestServer, metadataXml: string, contents: readonly Content[]) => post(server, '/xds/repository', pnrRequest(metadataXml, contents));

export function retrieve(server: TestServer, requests: readonly { uid: string; repo?: string; home?: string }[]) {
  const repo = server.deps.repository.repositoryUniqueId;
  const body =
    `<xdsb:RetrieveDocumentSetRequest xmlns:xdsb="${NS.xdsb}">` +
    requests
      .map((r) => `<xdsb:DocumentRequest>${r.home ? `<xdsb:HomeCommunityId>${r.home}</xdsb:HomeCommunityId>` : ''}<xdsb:RepositoryUniqueId>${r.repo ?? repo}</xdsb:RepositoryUniqueId><xdsb:DocumentUniqueId>${r.uid}</xdsb:DocumentUniqueId></xdsb:DocumentRequest>`)
      .join('') +
    '</xdsb:RetrieveDocumentSetRequest>';
  return post(server, '/xds/repository', { contentType: 'application/soap+xml; charset=UTF-8', body: Buffer.from(soapRequest(SoapAction.iti43, body)) });
}

export interface Outcome {
  readonly status: string;
  readonly errors: readonly { errorCode: string; codeContext: string; severity: string }[];
}

const lastSegment = (s: string | undefined) => (s ?? '').split(':').pop() ?? '';

export function registryResponseOf(el: XmlElement): Outcome {
  const rr = el.ns === NS.rs && el.local === 'RegistryResponse' ? el : childOf(el, NS.rs, 'RegistryResponse');
  if (!rr) throw new Error(`no rs:RegistryResponse in {${el.ns}}${el.local}`);
  const list = childOf(rr, NS.rs, 'RegistryErrorList');
  const errors = (list ? childrenOf(list, NS.rs, 'RegistryError') : []).map((e) => ({
    errorCode: e.attrs.errorCode ?? '',
    codeContext: e.attrs.codeContext ?? '',
    severity: lastSegment(e.attrs.severity),
  }));
  return { status: lastSegment(rr.attrs.status), errors };
}

export interface Retrieved extends Outcome {
  readonly documents: readonly { home?: string; repo: string; uid: string; mimeType: string; part?: ReceivedPart }[];
}

export function retrievedOf(soap: SoapRequest<ReceivedPart>): Retrieved {
  const docs = childrenOf(soap.body, NS.xdsb, 'DocumentResponse').map((d) => {
    const text = (local: string) => childOf(d, NS.xdsb, local)?.text;
    const docEl = childOf(d, NS.xdsb, 'Document');
    const inc = docEl?.children[0];
    const id = inc?.attrs.href ? decodeURIComponent(inc.attrs.href.replace(/^cid:/, '')) : undefined;
    return { home: text('HomeCommunityId'), repo: text('RepositoryUniqueId') ?? '', uid: text('DocumentUniqueId') ?? '', mimeType: text('mimeType') ?? '', part: id ? soap.attachments.get(id)?.stored : undefined };
  });
  return { ...registryResponseOf(soap.body), documents: docs };
}

export const sha1 = (b: Buffer): string => createHash('sha1').update(b).digest('hex');
