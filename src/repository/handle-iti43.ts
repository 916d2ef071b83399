/**
 * ITI-43 Retrieve Document Set (ITI TF-2b §3.43), Document Repository side: each DocumentRequest is looked
 * up in the document store; found documents are returned as MTOM parts opened lazily, one at a time, while
 * the endpoint writes the reply (streaming from storage, never buffering a document).
 *
 * Status (§3.43.4.2.3): all found → Success; some → PartialSuccess with an error per missing one;
 * none → Failure. A repositoryUniqueId that is not ours → XDSUnknownRepositoryId; an unknown document →
 * XDSDocumentUniqueIdError.
 */
import { randomUUID } from 'node:crypto';
import { SoapFaultError, XdsCode, XdsError, type RegistryErrorEntry } from '../errors';
import { NS, ResponseStatus } from '../ebxml/vocabulary';
import { writeRegistryErrorList } from '../ebxml/write-registry-response';
import { xopInclude, type MtomPart } from '../soap/mtom-write';
import { childOf, childrenOf, escapeXml, is, type XmlElement } from '../soap/xml';
import type { Deps, Handler, HandlerContext } from '../transactions';
import type { DocumentRecord } from './ports';

export interface DocumentRequest {
  readonly homeCommunityId?: string;
  readonly repositoryUniqueId: string;
  readonly documentUniqueId: string;
}

export interface Found {
  readonly request: DocumentRequest;
  readonly record: DocumentRecord;
  readonly contentId: string;
}

const textOf = (el: XmlElement, local: string): string | undefined => {
  const v = childOf(el, NS.xdsb, local)?.text.trim();
  return v === undefined || v === '' ? undefined : v;
};

function readRequests(body: XmlElement): DocumentRequest[] {
  if (!is(body, NS.xdsb, 'RetrieveDocumentSetRequest')) {
    throw new SoapFaultError('Sender', 'ITI-43 expects an xdsb:RetrieveDocumentSetRequest in the SOAP Body');
  }
  const els = childrenOf(body, NS.xdsb, 'DocumentRequest');
  if (els.length === 0) throw XdsError.of(XdsCode.RepositoryError, 'RetrieveDocumentSetRequest has no DocumentRequest');
  return els.map((el) => ({
    homeCommunityId: textOf(el, 'HomeCommunityId'),
    repositoryUniqueId: textOf(el, 'RepositoryUniqueId') ?? '',
    documentUniqueId: textOf(el, 'DocumentUniqueId') ?? '',
  }));
}

async function lookUp(r: DocumentRequest, deps: Deps): Promise<DocumentRecord | RegistryErrorEntry> {
  const ours = deps.repository.repositoryUniqueId;
  if (r.repositoryUniqueId !== ours) {
    return { errorCode: XdsCode.UnknownRepositoryId, codeContext: `repositoryUniqueId ${r.repositoryUniqueId || '(missing)'} is not this repository (${ours})`, severity: 'Error', location: r.repositoryUniqueId };
  }
  const record = r.documentUniqueId === '' ? undefined : await deps.stores.documents.find(r.documentUniqueId, ours);
  return (
    record ?? {
      errorCode: XdsCode.DocumentUniqueIdError,
      codeContext: `document ${r.documentUniqueId || '(missing uniqueId)'} is not available in repository ${ours}`,
      severity: 'Error',
      location: r.documentUniqueId,
    }
  );
}

const el = (local: string, value: string): string => `<xdsb:${local}>${escapeXml(value)}</xdsb:${local}>`;

function documentResponse(f: Found): string {
  return (
    '<xdsb:DocumentResponse>' +
    (f.request.homeCommunityId === undefined ? '' : el('HomeCommunityId', f.request.homeCommunityId)) +
    el('RepositoryUniqueId', f.record.repositoryUniqueId) +
    el('DocumentUniqueId', f.record.documentUniqueId) +
    el('mimeType', f.record.mimeType) +
    `<xdsb:Document>${xopInclude(f.contentId)}</xdsb:Document>` +
    '</xdsb:DocumentResponse>'
  );
}

/** xdsb:RetrieveDocumentSetResponse; also the error body of ITI-43 (no DocumentResponse then). */
export function writeRetrieveResponse(status: keyof typeof ResponseStatus, errors: readonly RegistryErrorEntry[], found: readonly Found[]): string {
  return (
    `<xdsb:RetrieveDocumentSetResponse xmlns:xdsb="${NS.xdsb}">` +
    `<rs:RegistryResponse xmlns:rs="${NS.rs}" status="${ResponseStatus[status]}">${writeRegistryErrorList(errors)}</rs:RegistryResponse>` +
    found.map(documentResponse).join('') +
    '</xdsb:RetrieveDocumentSetResponse>'
  );
}

export const handleIti43: Handler = async (req, deps, ctx) => {
  const requests = readRequests(req.body);
  const found: Found[] = [];
  const errors: RegistryErrorEntry[] = [];
  const batch = randomUUID().replace(/-/g, '');
  for (const r of requests) {
    const hit = await lookUp(r, deps);
    if ('errorCode' in hit) errors.push(hit);
    else found.push({ request: r, record: hit, contentId: `doc${found.length + 1}.${batch}@tessera` });
  }
  await auditExport(deps, ctx, requests, found);
  if (found.length === 0) throw new XdsError(errors);
  const status = errors.length === 0 ? 'Success' : 'PartialSuccess';
  const store = deps.stores.documents;
  const parts: MtomPart[] = found.map((f) => ({ contentId: f.contentId, contentType: f.record.mimeType, stream: () => store.open(f.record) }));
  return { body: writeRetrieveResponse(status, errors, found), parts, count: found.length };
};

/** DCM Export (110106) per requested document (ITI TF-2b §3.43.5.1.1); outcome 4 for one not returned. */
async function auditExport(deps: Deps, ctx: HandlerContext, requests: readonly DocumentRequest[], found: readonly Found[]): Promise<void> {
  const returned = new Set(found.map((f) => f.request));
  for (const r of requests) {
    await deps.stores.audit.append({
      eventId: '110106',
      eventTypeCode: 'ITI-43',
      action: 'R',
      outcome: returned.has(r) ? 0 : 4,
      time: deps.now().toISOString(),
      sourceNode: ctx.peer.subject,
      messageId: ctx.messageId,
      objects: [
        { type: 'repository', id: r.repositoryUniqueId },
        { type: 'document', id: r.documentUniqueId },
        ...(r.homeCommunityId ? [{ type: 'homeCommunity', id: r.homeCommunityId }] : []),
      ],
    });
  }
}

export const iti43ErrorBody = (errors: readonly RegistryErrorEntry[]): string => writeRetrieveResponse('Failure', errors, []);
