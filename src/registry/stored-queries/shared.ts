/**
 * Pieces shared by the query families: parameter-table shorthands, the FindDocuments filter set,
 * merged-patient scoping and the XDSTooManyResults guard.
 */
import { XdsCode, XdsError } from '../../errors';
import { parseCx } from '../../metadata/hl7-types';
import type { Association, RegistryObject } from '../../metadata/model';
import type { PatientKey } from '../../patient-identity/ports';
import type { DocumentEntryCriteria, QueryOptions } from '../ports';
import type { QueryParams } from './params';
import type { ParamDef, ParamKind, QueryContext } from './types';

// ---- parameter-table shorthands ----
export const single = (name: string, kind: ParamKind = 'string', required = false): ParamDef => ({ name, kind, multi: false, required });
export const multi = (name: string, kind: ParamKind = 'string', required = false): ParamDef => ({ name, kind, multi: true, required });
export const andOr = (name: string): ParamDef => ({ name, kind: 'code', multi: true, andOr: true });
export const timeRange = (prefix: string): ParamDef[] => [single(`${prefix}From`, 'time'), single(`${prefix}To`, 'time')];
export const HOME = single('$homeCommunityId');

const DE = '$XDSDocumentEntry';

/**
 * The FindDocuments optional filters (§3.18.4.1.2.3.7.1), shared by FindDocuments,
 * FindDocumentsByReferenceId and the ITI-51 FindDocumentsForMultiplePatients.
 */
export const DOCUMENT_FILTER_PARAMS: readonly ParamDef[] = [
  multi(`${DE}ClassCode`, 'code'),
  multi(`${DE}TypeCode`, 'code'),
  multi(`${DE}PracticeSettingCode`, 'code'),
  multi(`${DE}HealthcareFacilityTypeCode`, 'code'),
  multi(`${DE}FormatCode`, 'code'),
  ...timeRange(`${DE}CreationTime`),
  ...timeRange(`${DE}ServiceStartTime`),
  ...timeRange(`${DE}ServiceStopTime`),
  andOr(`${DE}EventCodeList`),
  andOr(`${DE}ConfidentialityCode`),
  multi(`${DE}AuthorPerson`),
  multi(`${DE}Type`, 'entryType'),
];

export function documentFilters(p: QueryParams): DocumentEntryCriteria {
  return {
    classCode: p.code(`${DE}ClassCode`),
    typeCode: p.code(`${DE}TypeCode`),
    practiceSettingCode: p.code(`${DE}PracticeSettingCode`),
    healthcareFacilityTypeCode: p.code(`${DE}HealthcareFacilityTypeCode`),
    formatCode: p.code(`${DE}FormatCode`),
    creationTime: p.time(`${DE}CreationTimeFrom`, `${DE}CreationTimeTo`),
    serviceStartTime: p.time(`${DE}ServiceStartTimeFrom`, `${DE}ServiceStartTimeTo`),
    serviceStopTime: p.time(`${DE}ServiceStopTimeFrom`, `${DE}ServiceStopTimeTo`),
    eventCodes: p.codeSets(`${DE}EventCodeList`),
    confidentialityCodes: p.codeSets(`${DE}ConfidentialityCode`),
    authorPersons: p.strings(`${DE}AuthorPerson`),
    types: p.entryTypes(),
  };
}

/** The content filters of GetAll / Get…AndContents: FormatCode, ConfidentialityCode, DocumentEntryType. */
export const CONTENT_FILTER_PARAMS: readonly ParamDef[] = [
  multi(`${DE}FormatCode`, 'code'),
  andOr(`${DE}ConfidentialityCode`),
  multi(`${DE}Type`, 'entryType'),
];

export const contentFilters = (p: QueryParams): DocumentEntryCriteria => ({
  formatCode: p.code(`${DE}FormatCode`),
  confidentialityCodes: p.codeSets(`${DE}ConfidentialityCode`),
  types: p.entryTypes(),
});

// ---- patients ----

const keyCx = (k: PatientKey): string => `${k.id}^^^&${k.authority}&ISO`;

/**
 * The queried patient plus every identifier merged into it (ITI TF-2a §3.18.4.1.3: after a merge the
 * survivor's queries return the subsumed patient's documents).
 */
export async function patientScope(ctx: QueryContext, cxs: readonly string[]): Promise<string[]> {
  const out = new Set<string>(cxs);
  for (const cx of cxs) {
    const key = parseCx(cx);
    if (key) for (const alias of await ctx.patients.aliases(key)) out.add(keyCx(alias));
  }
  return [...out];
}

// ---- result guards and helpers ----

/** A store call returns at most limit+1 rows; more than limit means XDSTooManyResults (no results). */
export function withinLimit<T>(rows: T[], ctx: QueryContext): T[] {
  if (rows.length > ctx.limit) {
    throw XdsError.of(XdsCode.TooManyResults, `query matched more than ${ctx.limit} objects`);
  }
  return rows;
}

export const opts = (ctx: QueryContext): QueryOptions => ({ limit: ctx.limit, storedEbrim: ctx.storedEbrim });

export const idsOf = (objects: readonly RegistryObject[]): Set<string> => new Set(objects.map((o) => o.id));

/** An association whose both ends are in `ids`. */
export const linksWithin = (a: Association, ids: ReadonlySet<string>): boolean => ids.has(a.sourceId) && ids.has(a.targetId);

/** Uniquely by id, first occurrence wins. */
export function uniqueById<T extends RegistryObject>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((o) => (seen.has(o.id) ? false : (seen.add(o.id), true)));
}
