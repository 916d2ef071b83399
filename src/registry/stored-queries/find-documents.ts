/**
 * FindDocuments and FindDocumentsByReferenceId (ITI TF-2a §3.18.4.1.2.3.7.1, .7.14): DocumentEntries of
 * one patient (and the identifiers merged into it) matching the shared filter set.
 */
import type { QueryParams } from './params';
import { DOCUMENT_FILTER_PARAMS, documentFilters, multi, opts, patientScope, single, withinLimit } from './shared';
import type { QueryContext, QueryOutcome, StoredQueryDef } from './types';

const PID = '$XDSDocumentEntryPatientId';
const STATUS = '$XDSDocumentEntryStatus';
const REFERENCE_IDS = '$XDSDocumentEntryReferenceIdList';

async function findDocuments(p: QueryParams, ctx: QueryContext): Promise<QueryOutcome> {
  const patientIds = await patientScope(ctx, [p.string(PID)!]);
  const statuses = p.statuses(STATUS)!;
  if (statuses.length === 0) return { objects: [], patientScope: patientIds };
  const rows = await ctx.store.findDocumentEntries(
    { ...documentFilters(p), patientIds, statuses, referenceIds: p.strings(REFERENCE_IDS) },
    opts(ctx),
  );
  return { objects: withinLimit(rows, ctx), patientScope: patientIds };
}

export const FindDocuments: StoredQueryDef = {
  name: 'FindDocuments',
  id: 'urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d',
  params: [single(PID, 'string', true), multi(STATUS, 'status', true), ...DOCUMENT_FILTER_PARAMS],
  execute: findDocuments,
};

export const FindDocumentsByReferenceId: StoredQueryDef = {
  name: 'FindDocumentsByReferenceId',
  id: 'urn:uuid:12941a89-e02e-4be5-967c-ce4bfc8fe492',
  params: [
    single(PID, 'string', true),
    multi(STATUS, 'status', true),
    multi(REFERENCE_IDS, 'string', true),
    ...DOCUMENT_FILTER_PARAMS,
  ],
  execute: findDocuments,
};
