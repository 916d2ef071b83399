/**
 * ITI-51 Multi-Patient Stored Query (ITI TF-2a §3.51.4.1.2): the FindDocuments / FindFolders families with
 * the patient id optional and multi-valued. Results may span patients, so XDSResultNotSinglePatient does not
 * apply. At least one selective parameter is required so a query cannot dump the whole registry.
 */
import type { QueryParams } from './params';
import {
  andOr,
  DOCUMENT_FILTER_PARAMS,
  documentFilters,
  multi,
  opts,
  patientScope,
  timeRange,
  withinLimit,
} from './shared';
import type { QueryContext, QueryOutcome, StoredQueryDef } from './types';

const DE_PID = '$XDSDocumentEntryPatientId';
const DE_STATUS = '$XDSDocumentEntryStatus';
const REFERENCE_IDS = '$XDSDocumentEntryReferenceIdList';
const F = '$XDSFolder';

async function scope(p: QueryParams, name: string, ctx: QueryContext): Promise<string[] | undefined> {
  const pids = p.strings(name);
  return pids && patientScope(ctx, pids);
}

async function findDocuments(p: QueryParams, ctx: QueryContext): Promise<QueryOutcome> {
  const statuses = p.statuses(DE_STATUS)!;
  if (statuses.length === 0) return { objects: [] };
  const rows = await ctx.store.findDocumentEntries(
    { ...documentFilters(p), patientIds: await scope(p, DE_PID, ctx), statuses, referenceIds: p.strings(REFERENCE_IDS) },
    opts(ctx),
  );
  return { objects: withinLimit(rows, ctx) };
}

export const FindDocumentsForMultiplePatients: StoredQueryDef = {
  name: 'FindDocumentsForMultiplePatients',
  id: 'urn:uuid:3d1bdb10-39a2-11de-89c2-2f44d94eaa9f',
  multiPatient: true,
  params: [multi(DE_PID), multi(DE_STATUS, 'status', true), ...DOCUMENT_FILTER_PARAMS],
  oneOf: [[DE_PID, '$XDSDocumentEntryClassCode', '$XDSDocumentEntryEventCodeList', '$XDSDocumentEntryHealthcareFacilityTypeCode']],
  execute: findDocuments,
};

export const FindDocumentsByReferenceIdForMultiplePatients: StoredQueryDef = {
  name: 'FindDocumentsByReferenceIdForMultiplePatients',
  id: 'urn:uuid:1191642d-86c4-42d8-b784-f95445f9f0d5',
  multiPatient: true,
  params: [multi(DE_PID), multi(DE_STATUS, 'status', true), multi(REFERENCE_IDS, 'string', true), ...DOCUMENT_FILTER_PARAMS],
  execute: findDocuments,
};

export const FindFoldersForMultiplePatients: StoredQueryDef = {
  name: 'FindFoldersForMultiplePatients',
  id: 'urn:uuid:50d3f5ac-39a2-11de-a1ca-b366239e58df',
  multiPatient: true,
  params: [multi(`${F}PatientId`), multi(`${F}Status`, 'status', true), ...timeRange(`${F}LastUpdateTime`), andOr(`${F}CodeList`)],
  oneOf: [[`${F}PatientId`, `${F}CodeList`]],
  async execute(p, ctx) {
    const statuses = p.statuses(`${F}Status`)!;
    if (statuses.length === 0) return { objects: [] };
    const rows = await ctx.store.findFolders(
      {
        patientIds: await scope(p, `${F}PatientId`, ctx),
        statuses,
        lastUpdateTime: p.time(`${F}LastUpdateTimeFrom`, `${F}LastUpdateTimeTo`),
        codeList: p.codeSets(`${F}CodeList`),
      },
      opts(ctx),
    );
    return { objects: withinLimit(rows, ctx) };
  },
};
