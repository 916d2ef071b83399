/**
 * ITI-43 response checks (README "Checks on the response", item 5): one document per requested uniqueId
 * with the requested repositoryUniqueId and non-empty content; with ReferenceMetadata, mimeType, SHA-1 hash
 * and size must equal what the referenced query returned; and the bytes must equal what we submitted
 * (NIST's ReferenceDocument never matches — README quirk — so we compare with the submitted bytes).
 */
import { createHash } from 'node:crypto';
import { DocumentEntryScheme } from '../ebxml/vocabulary';
import { type Node, child, kids, findAll } from './xml-tree';
import type { Problem } from './checks';

export interface RetrievedDocument {
  readonly repositoryUniqueId: string;
  readonly documentUniqueId: string;
  readonly mimeType: string;
  readonly bytes: Buffer;
}

/** Reads DocumentResponse elements; `xop:Include` content comes from the MTOM parts (cid: URLs may be %-encoded). */
export function retrievedDocuments(body: Node, parts: ReadonlyMap<string, Buffer>): RetrievedDocument[] {
  return kids(body, 'DocumentResponse').map((r) => {
    const doc = child(r, 'Document');
    const include = doc ? child(doc, 'Include') : undefined;
    let bytes: Buffer = Buffer.alloc(0);
    if (include) {
      const cid = decodeURIComponent((include.attrs.href ?? '').replace(/^cid:/, ''));
      bytes = parts.get(cid) ?? Buffer.alloc(0);
    } else if (doc) bytes = Buffer.from(doc.text.replace(/\s+/g, ''), 'base64');
    return {
      repositoryUniqueId: child(r, 'RepositoryUniqueId')?.text.trim() ?? '',
      documentUniqueId: child(r, 'DocumentUniqueId')?.text.trim() ?? '',
      mimeType: child(r, 'mimeType')?.text.trim() ?? '',
      bytes,
    };
  });
}

/** Replaces each xop:Include with the base64 of its part, so the reply can be schema-validated and logged. */
export function inlineXop(body: Node, parts: ReadonlyMap<string, Buffer>): void {
  for (const doc of findAll(body, 'Document')) {
    const include = child(doc, 'Include');
    if (!include) continue;
    const cid = decodeURIComponent((include.attrs.href ?? '').replace(/^cid:/, ''));
    doc.children = [];
    doc.text = (parts.get(cid) ?? Buffer.alloc(0)).toString('base64');
  }
}

export interface ReferenceEntry {
  readonly mimeType?: string;
  readonly hash?: string;
  readonly size?: string;
}

/** DocumentEntry facts by uniqueId from a stored-query result. */
export function referenceEntries(queryResult: Node | undefined): Map<string, ReferenceEntry> {
  const out = new Map<string, ReferenceEntry>();
  for (const eo of queryResult ? findAll(queryResult, 'ExtrinsicObject') : []) {
    const uid = eo.children.find((c) => c.local === 'ExternalIdentifier' && c.attrs.identificationScheme === DocumentEntryScheme.uniqueId)?.attrs.value;
    const slot = (name: string) => eo.children.find((c) => c.local === 'Slot' && c.attrs.name === name);
    const value = (name: string) => findAll(slot(name) ?? { ns: '', local: '', prefix: '', attrs: {}, children: [], text: '' }, 'Value')[0]?.text.trim();
    if (uid) out.set(uid, { mimeType: eo.attrs.mimeType, hash: value('hash'), size: value('size') });
  }
  return out;
}

export function checkRetrieve(
  requested: ReadonlyArray<{ repositoryUniqueId: string; documentUniqueId: string }>,
  got: readonly RetrievedDocument[],
  reference: ReadonlyMap<string, ReferenceEntry> | undefined,
  submitted: (uid: string) => Buffer | undefined,
): Problem[] {
  const problems: Problem[] = [];
  for (const req of requested) {
    const d = got.find((g) => g.documentUniqueId === req.documentUniqueId);
    const what = `document ${req.documentUniqueId}`;
    if (!d) {
      problems.push({ what, expected: 'a DocumentResponse', got: `${got.length} DocumentResponse(s): ${got.map((g) => g.documentUniqueId).join(', ')}` });
      continue;
    }
    if (d.repositoryUniqueId !== req.repositoryUniqueId) problems.push({ what: `${what} RepositoryUniqueId`, expected: req.repositoryUniqueId, got: d.repositoryUniqueId });
    if (d.bytes.length === 0) problems.push({ what: `${what} content`, expected: 'non-empty content', got: 'empty' });
    const ref = reference?.get(req.documentUniqueId);
    if (ref) {
      const hash = createHash('sha1').update(d.bytes).digest('hex');
      if (ref.mimeType !== undefined && ref.mimeType !== d.mimeType) problems.push({ what: `${what} mimeType`, expected: ref.mimeType, got: d.mimeType });
      if (ref.hash !== undefined && ref.hash.toLowerCase() !== hash) problems.push({ what: `${what} hash`, expected: ref.hash, got: hash });
      if (ref.size !== undefined && ref.size !== String(d.bytes.length)) problems.push({ what: `${what} size`, expected: ref.size, got: String(d.bytes.length) });
    }
    const orig = submitted(req.documentUniqueId);
    if (orig && !orig.equals(d.bytes)) problems.push({ what: `${what} bytes`, expected: `the ${orig.length} bytes submitted`, got: `${d.bytes.length} different bytes` });
  }
  return problems;
}
