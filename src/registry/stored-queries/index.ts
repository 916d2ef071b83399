/**
 * The stored-query tables (ITI-18 and ITI-51) and the one function that runs a request against them:
 * look the query up, check its parameters, execute, then apply the result rules of ITI TF-2a §3.18.4.1.3
 * (XDSTooManyResults, XDSResultNotSinglePatient).
 */
import { XdsCode, XdsError } from '../../errors';
import type { AdhocQueryRequest } from '../../ebxml/read-adhoc-query';
import type { RegistryObject } from '../../metadata/model';
import { FindDocuments, FindDocumentsByReferenceId } from './find-documents';
import { FindFolders } from './find-folders';
import { FindSubmissionSets } from './find-submission-sets';
import { GetAll } from './get-all';
import {
  GetAssociations,
  GetDocuments,
  GetDocumentsAndAssociations,
  GetFolders,
  GetSubmissionSets,
} from './get-by-id';
import { GetFolderAndContents, GetFoldersForDocument, GetRelatedDocuments, GetSubmissionSetAndContents } from './get-contents';
import {
  FindDocumentsByReferenceIdForMultiplePatients,
  FindDocumentsForMultiplePatients,
  FindFoldersForMultiplePatients,
} from './multi-patient';
import { checkParams } from './params';
import type { QueryContext, StoredQueryDef } from './types';

export type { QueryContext, StoredQueryDef } from './types';

const table = (defs: readonly StoredQueryDef[]): ReadonlyMap<string, StoredQueryDef> => new Map(defs.map((d) => [d.id, d]));

/** ITI-18 Registry Stored Query. */
export const ITI18_QUERIES = table([
  FindDocuments,
  FindDocumentsByReferenceId,
  FindSubmissionSets,
  FindFolders,
  GetAll,
  GetDocuments,
  GetFolders,
  GetAssociations,
  GetDocumentsAndAssociations,
  GetSubmissionSets,
  GetSubmissionSetAndContents,
  GetFolderAndContents,
  GetFoldersForDocument,
  GetRelatedDocuments,
]);

/** ITI-51 Multi-Patient Stored Query. */
export const ITI51_QUERIES = table([
  FindDocumentsForMultiplePatients,
  FindDocumentsByReferenceIdForMultiplePatients,
  FindFoldersForMultiplePatients,
]);

const PATIENT_PARAMS = ['$XDSDocumentEntryPatientId', '$XDSSubmissionSetPatientId', '$XDSFolderPatientId', '$patientId'];

export interface StoredQueryResult {
  readonly query: StoredQueryDef;
  readonly objects: readonly RegistryObject[];
}

/** The patient ids named in the request (for the audit record), whatever the query. */
export const requestedPatientIds = (req: AdhocQueryRequest): string[] =>
  PATIENT_PARAMS.flatMap((n) => (req.params.get(n) ?? []).flat());

const patientOf = (o: RegistryObject): string | undefined => (o.kind === 'Association' ? undefined : o.patientId);

/** LeafClass results must concern one patient (merged aliases count as that patient). */
function checkSinglePatient(objects: readonly RegistryObject[], scope: readonly string[] | undefined): void {
  const inScope = new Set(scope ?? []);
  const pids = new Set(objects.map(patientOf).filter((p): p is string => p !== undefined && !inScope.has(p)));
  if (pids.size > (scope ? 0 : 1)) {
    throw XdsError.of(XdsCode.ResultNotSinglePatient, `LeafClass result spans ${pids.size + (scope ? 1 : 0)} patients; use ObjectRef`);
  }
}

export async function runStoredQuery(
  queries: ReadonlyMap<string, StoredQueryDef>,
  req: AdhocQueryRequest,
  ctx: QueryContext,
): Promise<StoredQueryResult> {
  const query = queries.get(req.queryId);
  if (!query) throw XdsError.of(XdsCode.UnknownStoredQuery, `unknown stored query id ${req.queryId}`);
  const outcome = await query.execute(checkParams(query, req.params), ctx);
  if (outcome.objects.length > ctx.limit) {
    throw XdsError.of(XdsCode.TooManyResults, `${query.name} matched ${outcome.objects.length} objects (limit ${ctx.limit})`);
  }
  if (req.returnType === 'LeafClass' && !query.multiPatient) checkSinglePatient(outcome.objects, outcome.patientScope);
  return { query, objects: outcome.objects };
}
