/**
 * Joins the metadata of an ITI-41 submission to the bytes that came with it, and sets what the repository
 * owns: hash (SHA-1, lower-case hex), size and repositoryUniqueId (ITI TF-2b §3.41.4.1.3; ITI TF-3
 * §4.2.3.2.11/.18/.21). Every problem is collected, so the Document Source sees all of them at once.
 */
import { XdsCode, type RegistryErrorEntry } from '../errors';
import type { DocumentEntry, Submission } from '../metadata/model';
import type { DocumentRecord, DocumentStore } from './ports';
import type { ProvidedDocument } from './read-documents';

export interface MatchSettings {
  readonly repositoryUniqueId: string;
  /** Allowed MIME types (affinity domain); empty = any. */
  readonly mimeTypes: readonly string[];
}

export interface Matched {
  /** The submission with hash, size and repositoryUniqueId set on every DocumentEntry. */
  readonly submission: Submission;
  /** Documents to commit after registration (already-stored identical documents left out). */
  readonly records: readonly DocumentRecord[];
  readonly errors: readonly RegistryErrorEntry[];
}

const err = (errorCode: string, codeContext: string): RegistryErrorEntry => ({ errorCode, codeContext, severity: 'Error' });
const label = (d: DocumentEntry): string => `DocumentEntry ${d.id}${d.uniqueId ? ` (uniqueId ${d.uniqueId})` : ''}`;
const bareMime = (m: string): string => (m.split(';')[0] ?? '').trim().toLowerCase();

/** Provided values must equal the computed ones (NIST 11981, 12369); upper-case hex is accepted. */
function checkProvided(d: DocumentEntry, doc: ProvidedDocument, s: MatchSettings): RegistryErrorEntry[] {
  const out: RegistryErrorEntry[] = [];
  const code = XdsCode.RepositoryMetadataError;
  if (d.hash !== undefined && d.hash.toLowerCase() !== doc.blob.sha1) {
    out.push(err(code, `${label(d)}: hash ${d.hash} does not match the document's SHA-1 ${doc.blob.sha1}`));
  }
  if (d.size !== undefined && !(/^\d+$/.test(d.size) && Number(d.size) === doc.blob.size)) {
    out.push(err(code, `${label(d)}: size ${d.size} does not match the document's size ${doc.blob.size}`));
  }
  if (d.repositoryUniqueId !== undefined && d.repositoryUniqueId !== s.repositoryUniqueId) {
    out.push(err(code, `${label(d)}: repositoryUniqueId ${d.repositoryUniqueId} is not this repository (${s.repositoryUniqueId})`));
  }
  if (s.mimeTypes.length > 0 && d.mimeType !== undefined && !s.mimeTypes.some((m) => bareMime(m) === bareMime(d.mimeType ?? ''))) {
    out.push(err(code, `${label(d)}: mimeType ${d.mimeType} is not accepted by this repository`));
  }
  return out;
}

/** The same uniqueId stored before: identical bytes are fine (a replay or re-registration), others not. */
function compareStored(d: DocumentEntry, doc: ProvidedDocument, stored: DocumentRecord): RegistryErrorEntry[] {
  if (stored.sha1 !== doc.blob.sha1) {
    return [err(XdsCode.NonIdenticalHash, `${label(d)}: a document with this uniqueId is stored with hash ${stored.sha1}, this one has ${doc.blob.sha1}`)];
  }
  if (stored.size !== doc.blob.size) {
    return [err(XdsCode.NonIdenticalSize, `${label(d)}: a document with this uniqueId is stored with size ${stored.size}, this one has ${doc.blob.size}`)];
  }
  return [];
}

function pairUp(s: Submission, docs: ReadonlyMap<string, ProvidedDocument>, errors: RegistryErrorEntry[]) {
  const entryIds = new Set(s.documentEntries.map((d) => d.id));
  for (const id of docs.keys()) {
    if (!entryIds.has(id)) errors.push(err(XdsCode.MissingDocumentMetadata, `xdsb:Document ${id} matches no DocumentEntry`));
  }
  const seenUids = new Set<string>();
  const pairs: { d: DocumentEntry; doc: ProvidedDocument }[] = [];
  for (const d of s.documentEntries) {
    const doc = docs.get(d.id);
    if (!doc) errors.push(err(XdsCode.MissingDocument, `${label(d)} has no xdsb:Document`));
    if (d.uniqueId !== undefined && seenUids.has(d.uniqueId)) {
      errors.push(err(XdsCode.RepositoryDuplicateUniqueIdInMessage, `${label(d)}: uniqueId used by another DocumentEntry of this message`));
    }
    if (d.uniqueId !== undefined) seenUids.add(d.uniqueId);
    if (doc) pairs.push({ d, doc });
  }
  return pairs;
}

export async function matchDocuments(
  s: Submission,
  docs: ReadonlyMap<string, ProvidedDocument>,
  store: DocumentStore,
  settings: MatchSettings,
): Promise<Matched> {
  const errors: RegistryErrorEntry[] = [];
  const pairs = pairUp(s, docs, errors);
  const completed = new Map<string, DocumentEntry>();
  const records: DocumentRecord[] = [];
  for (const { d, doc } of pairs) {
    errors.push(...checkProvided(d, doc, settings));
    const filled = { ...d, hash: doc.blob.sha1, size: String(doc.blob.size), repositoryUniqueId: settings.repositoryUniqueId };
    completed.set(d.id, filled);
    if (d.uniqueId === undefined) continue; // the registry's metadata rules report it
    const stored = await store.find(d.uniqueId, settings.repositoryUniqueId);
    if (stored) errors.push(...compareStored(d, doc, stored));
    else records.push(recordOf(filled, d.uniqueId, doc, settings.repositoryUniqueId));
  }
  const submission = { ...s, documentEntries: s.documentEntries.map((d) => completed.get(d.id) ?? d) };
  return { submission, records, errors };
}

const recordOf = (d: DocumentEntry, uniqueId: string, doc: ProvidedDocument, repositoryUniqueId: string): DocumentRecord => ({
  documentUniqueId: uniqueId,
  repositoryUniqueId,
  blobId: doc.blob.blobId,
  // The registry requires mimeType; a missing one never gets this far.
  mimeType: d.mimeType ?? 'application/octet-stream',
  sha1: doc.blob.sha1,
  size: doc.blob.size,
});
