/**
 * The xdsb:Document elements of a ProvideAndRegisterDocumentSetRequest (ITI TF-2b §3.41.4.1.2), each
 * resolved to stored bytes: an xop:Include names an MTOM part the endpoint already streamed into a pending
 * blob; otherwise the element holds the document inline as base64 text (XOP is optional: .NET/WCF
 * clients send it so, see shared/reference/libraries.md §1). The SOAP reader decodes that text into a
 * pending blob while the request arrives (`req.inline`, B3); text that reached the tree anyway (a request
 * built another way) is decoded and stored as pending here.
 */
import { Readable } from 'node:stream';
import { XdsCode, XdsError, type RegistryErrorEntry } from '../errors';
import { NS } from '../ebxml/vocabulary';
import { resolveXopInclude, type SoapRequest } from '../soap/read-request';
import { XOP_NS } from '../soap/namespaces';
import { childrenOf, type XmlElement } from '../soap/xml';
import type { DocumentStore, StoredBlob } from './ports';
import { isOutOfSpace, outOfResources } from './out-of-resources';
import { DecodedTooLargeError, InvalidBase64Error, decodeBase64Slices } from './base64-stream';

export interface ProvidedDocument {
  /** The xdsb:Document id attribute = the DocumentEntry's id in the metadata. */
  readonly id: string;
  readonly blob: StoredBlob;
}

export interface ProvidedDocuments {
  readonly byId: ReadonlyMap<string, ProvidedDocument>;
  /** Pending blobs created here from inline base64; the caller discards them (the endpoint does not know them). */
  readonly inlineBlobIds: readonly string[];
}

const metadataError = (codeContext: string): RegistryErrorEntry => ({
  errorCode: XdsCode.RepositoryMetadataError,
  codeContext,
  severity: 'Error',
});

/**
 * Reads every xdsb:Document. Throws XdsError (XDSRepositoryMetadataError) for a missing or repeated id or
 * bad base64; whatever was stored inline before the error is discarded first.
 */
export async function readProvidedDocuments(
  pnr: XmlElement,
  req: SoapRequest<StoredBlob>,
  store: DocumentStore,
  maxBytes: number,
): Promise<ProvidedDocuments> {
  const byId = new Map<string, ProvidedDocument>();
  const inlineBlobIds: string[] = [];
  try {
    for (const el of childrenOf(pnr, NS.xdsb, 'Document')) {
      const id = el.attrs.id;
      if (!id) throw new XdsError(metadataError('an xdsb:Document has no id attribute'));
      if (byId.has(id)) throw new XdsError(metadataError(`xdsb:Document id ${id} appears more than once`));
      const blob = await blobOf(el, id, req, store, maxBytes, inlineBlobIds);
      byId.set(id, { id, blob });
    }
  } catch (e) {
    await store.discard(inlineBlobIds).catch(() => undefined);
    throw e;
  }
  return { byId, inlineBlobIds };
}

async function blobOf(
  el: XmlElement,
  id: string,
  req: SoapRequest<StoredBlob>,
  store: DocumentStore,
  maxBytes: number,
  inlineBlobIds: string[],
): Promise<StoredBlob> {
  if (el.children.some((c) => c.ns === XOP_NS && c.local === 'Include')) {
    const part = resolveXopInclude(el, req);
    // read-request already refused an xop:Include naming no part; this guards a plain-SOAP request faking one.
    if (!part) throw new XdsError(metadataError(`xdsb:Document ${id}: its xop:Include names no MIME part`));
    return part.stored;
  }
  const streamed = req.inline?.get(el);
  if (streamed) {
    // The SOAP reader already decoded this text into a pending blob as it arrived (B3); the endpoint discards it.
    if (!('stored' in streamed)) throw inlineError(streamed.error, id, maxBytes);
    if (streamed.stored.size > maxBytes) throw inlineError(new DecodedTooLargeError(maxBytes), id, maxBytes);
    return streamed.stored;
  }
  const blob = await storeInline(el.text, id, store, maxBytes);
  inlineBlobIds.push(blob.blobId);
  return blob;
}

/** Errors of inline content keep their specific codes, each naming the document. */
function inlineError(e: unknown, id: string, maxBytes: number): unknown {
  if (e instanceof InvalidBase64Error) {
    return new XdsError(metadataError(`xdsb:Document ${id}: content is neither an xop:Include nor valid base64`));
  }
  if (e instanceof DecodedTooLargeError) {
    return XdsError.of(XdsCode.RepositoryOutOfResources, `xdsb:Document ${id}: larger than ${Math.min(maxBytes, e.maxBytes)} bytes`);
  }
  if (isOutOfSpace(e)) return outOfResources(`xdsb:Document ${id}`, e);
  return e;
}

/**
 * Text that reached the tree (a request not read by readSoapRequest with a sink): decoded in slices
 * straight into a pending blob (base64-stream.ts: the event loop stays free, the document is never whole). Errors keep their specific codes: bad base64 →
 * XDSRepositoryMetadataError, too large → XDSRepositoryOutOfResources, each naming the document.
 */
async function storeInline(text: string, id: string, store: DocumentStore, maxBytes: number): Promise<StoredBlob> {
  try {
    return await store.putPending(Readable.from(decodeBase64Slices(text, maxBytes), { objectMode: false }), { maxBytes });
  } catch (e) {
    throw inlineError(e, id, maxBytes);
  }
}
