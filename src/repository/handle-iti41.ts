/**
 * ITI-41 Provide and Register Document Set-b (ITI TF-2b §3.41), Document Repository side.
 *
 * Order (security.md §4.1, write protocol; README "Consistency"): documents are already pending blobs →
 * match them to the DocumentEntries and set hash/size/repositoryUniqueId → then one of two paths:
 * - In-process registry (the default): place the bytes durably (DocumentStore.prepare), then register with
 *   the document rows in the registration's own transaction. Metadata and documents become visible
 *   together, in one commit with one fsync; a failed registration removes the placed bytes at once.
 * - Remote registry: register → ONLY THEN commit the documents. A document is never retrievable before its
 *   metadata is registered, and a failed registration leaves only pending blobs, which the endpoint
 *   discards (and the sweeper would). Commit failures after registration are made unlikely by checking the
 *   store first, and compensated by withdrawing (deprecating) the registered entries.
 */
import { SoapFaultError, XdsCode, XdsError, type RegistryErrorEntry } from '../errors';
import type { Submission } from '../metadata/model';
import { submissionImported, type AuditOutcome } from '../security/audit-events';
import { NS } from '../ebxml/vocabulary';
import { readSubmitObjectsRequest } from '../ebxml/read-submit-objects';
import { writeRegistryResponse } from '../ebxml/write-registry-response';
import { childOf, is } from '../soap/xml';
import type { Deps, Handler, HandlerContext } from '../transactions';
import type { DocumentRecord, DocumentStore } from './ports';
import { matchDocuments } from './match-documents';
import { isOutOfSpace, outOfResources } from './out-of-resources';
import { readProvidedDocuments, type ProvidedDocuments } from './read-documents';
import { localRegistry, type RegistryClient, type RegistryClientOf } from './registry-client';

const hasErrors = (xs: readonly RegistryErrorEntry[]): boolean => xs.some((e) => e.severity === 'Error');

/** Builds the handler with the registry it forwards to (in process by default; remote when configured). */
export function createIti41Handler(registryOf: RegistryClientOf = localRegistry): Handler {
  return async (req, deps, ctx) => {
    if (!is(req.body, NS.xdsb, 'ProvideAndRegisterDocumentSetRequest')) {
      throw new SoapFaultError('Sender', 'ITI-41 expects an xdsb:ProvideAndRegisterDocumentSetRequest in the SOAP Body');
    }
    const sor = childOf(req.body, NS.lcm, 'SubmitObjectsRequest');
    if (!sor) throw XdsError.of(XdsCode.RepositoryMetadataError, 'ProvideAndRegisterDocumentSetRequest has no lcm:SubmitObjectsRequest');
    const read = readSubmitObjectsRequest(sor, 'repository');
    const store = deps.stores.documents;
    const audit = (outcome: AuditOutcome) => auditImport(deps, ctx, read.submission, outcome);
    let docs: ProvidedDocuments | undefined;
    try {
      if (hasErrors(read.errors)) throw new XdsError(read.errors);
      docs = await readProvidedDocuments(req.body, req, store, deps.repository.maxDocumentBytes);
      const warnings = await provideAndRegister(read.submission, docs.byId, deps, registryOf(deps, ctx.peer), ctx);
      await audit(0);
      return { body: writeRegistryResponse([...read.errors, ...warnings]), count: docs.byId.size };
    } catch (e) {
      await audit(e instanceof XdsError ? 4 : 8);
      throw e;
    } finally {
      // Committed blobs are unaffected; inline ones that were not committed must not linger.
      if (docs && docs.inlineBlobIds.length > 0) await store.discard(docs.inlineBlobIds).catch(() => undefined);
    }
  };
}

async function provideAndRegister(
  input: Submission,
  docs: Parameters<typeof matchDocuments>[1],
  deps: Deps,
  registry: RegistryClient,
  ctx: HandlerContext,
): Promise<readonly RegistryErrorEntry[]> {
  const store = deps.stores.documents;
  const matched = await matchDocuments(input, docs, store, {
    repositoryUniqueId: deps.repository.repositoryUniqueId,
    mimeTypes: deps.registry.affinity.mimeTypes,
  });
  if (matched.errors.length > 0) throw new XdsError(matched.errors);
  if (registry.writesDocumentRows) return registerWithDocuments(matched.submission, matched.records, store, registry, ctx);
  const warnings = await registry.register(matched.submission, { messageId: ctx.messageId });
  await commitAfterRegistration(matched.records, matched.submission, store, registry, ctx);
  return warnings;
}

/** Bytes placed first, then one transaction for metadata and document rows; nothing of it stays on failure. */
async function registerWithDocuments(
  s: Submission,
  records: readonly DocumentRecord[],
  store: DocumentStore,
  registry: RegistryClient,
  ctx: HandlerContext,
): Promise<readonly RegistryErrorEntry[]> {
  let written = false;
  try {
    const prepared = await store.prepare(records);
    try {
      const warnings = await registry.register(s, { messageId: ctx.messageId, documents: records });
      written = true;
      return warnings;
    } finally {
      await prepared.settle(written);
    }
  } catch (e) {
    // A full disk while placing the bytes or committing (SQLITE_FULL) is the repository's resource problem.
    if (!(e instanceof XdsError) && isOutOfSpace(e)) throw outOfResources(`the documents of SubmissionSet ${s.submissionSets[0]?.uniqueId ?? ''}`, e);
    throw e;
  }
}

/**
 * The registration succeeded at a remote registry: make the documents durable. The store keeps a document
 * that a concurrent identical submission stored first; any failure is the inconsistency the write order
 * cannot rule out, answered by withdrawing the registered entries.
 */
async function commitAfterRegistration(
  records: readonly DocumentRecord[],
  s: Submission,
  store: DocumentStore,
  registry: RegistryClient,
  ctx: HandlerContext,
): Promise<void> {
  if (records.length === 0) return;
  try {
    await store.commit(records);
    return;
  } catch (e) {
    const ssUid = s.submissionSets[0]?.uniqueId ?? '';
    const withdrawn = await registry.withdraw(ssUid, records.map((r) => r.documentUniqueId)).catch(() => false);
    ctx.log.error({ err: e, submissionSet: ssUid, withdrawn }, 'ITI-41: documents could not be stored after registration');
    // A full disk at this point (SQLite's SQLITE_FULL, a new content directory) is still a resource problem.
    const code = isOutOfSpace(e) ? XdsCode.RepositoryOutOfResources : XdsCode.RepositoryError;
    throw XdsError.of(
      code,
      `the documents of SubmissionSet ${ssUid} (${records.map((r) => r.documentUniqueId).join(', ')}) could not be stored; ${withdrawn ? 'their registration was withdrawn (Deprecated)' : 'their registration could not be withdrawn'}`,
    );
  }
}

/** DCM Import (110107) for ITI-41 (ITI TF-2b §3.41.5.1.2). */
const auditImport = (deps: Deps, ctx: HandlerContext, s: Submission, outcome: AuditOutcome): Promise<void> =>
  deps.stores.audit.append(submissionImported('ITI-41', s, outcome, { time: deps.now(), sourceNode: ctx.peer.subject, messageId: ctx.messageId }));

export const handleIti41: Handler = createIti41Handler();

export const iti41ErrorBody = (errors: readonly RegistryErrorEntry[]): string => writeRegistryResponse(errors);
