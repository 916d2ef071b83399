/**
 * The queryable fields of a registry object, extracted once at commit time and used by every adapter
 * (SQLite columns and side tables, MongoDB indexed fields). Pure: no I/O.
 */
import type { AvailabilityStatus, Code, RegistryObject, RegistryObjectKind } from '../metadata/model';
import { optionalDtmKey } from './dtm-key';

/** Names match the criteria fields of registry/ports.ts. */
export type CodeField =
  | 'classCode'
  | 'typeCode'
  | 'formatCode'
  | 'practiceSettingCode'
  | 'healthcareFacilityTypeCode'
  | 'eventCode'
  | 'confidentialityCode'
  | 'contentTypeCode'
  | 'codeList';

export interface IndexedCode {
  readonly field: CodeField;
  readonly code: string;
  readonly scheme: string;
}

export type TimeField = 'creationTime' | 'serviceStartTime' | 'serviceStopTime' | 'submissionTime' | 'lastUpdateTime';

export interface ObjectIndex {
  readonly id: string;
  readonly kind: RegistryObjectKind;
  readonly uniqueId?: string;
  readonly patientId?: string;
  readonly status: AvailabilityStatus;
  /** DocumentEntry type (stable / on-demand) or association type. */
  readonly type?: string;
  readonly assocSource?: string;
  readonly assocTarget?: string;
  readonly ssSourceId?: string;
  /** 14-digit DTM keys (dtm-key.ts). */
  readonly times: Partial<Record<TimeField, string>>;
  readonly codes: readonly IndexedCode[];
  readonly authorPersons: readonly string[];
  readonly referenceIds: readonly string[];
}

/** A status is always stored; the registry sets it, 'Approved' is the ebRS default for new objects. */
const statusOf = (o: RegistryObject): AvailabilityStatus => o.availabilityStatus ?? 'Approved';

const codes = (field: CodeField, list: readonly (Code | undefined)[]): IndexedCode[] =>
  list.filter((c): c is Code => c !== undefined).map((c) => ({ field, code: c.code, scheme: c.codingScheme }));

const persons = (authors: readonly { readonly person?: string }[]): string[] =>
  authors.map((a) => a.person).filter((p): p is string => p !== undefined);

const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function indexObject(o: RegistryObject): ObjectIndex {
  const base = { id: o.id, kind: o.kind, status: statusOf(o) };
  switch (o.kind) {
    case 'DocumentEntry':
      return {
        ...base,
        uniqueId: o.uniqueId,
        patientId: o.patientId,
        type: o.type,
        times: defined({
          creationTime: optionalDtmKey(o.creationTime),
          serviceStartTime: optionalDtmKey(o.serviceStartTime),
          serviceStopTime: optionalDtmKey(o.serviceStopTime),
        }),
        codes: [
          ...codes('classCode', [o.classCode]),
          ...codes('typeCode', [o.typeCode]),
          ...codes('formatCode', [o.formatCode]),
          ...codes('practiceSettingCode', [o.practiceSettingCode]),
          ...codes('healthcareFacilityTypeCode', [o.healthcareFacilityTypeCode]),
          ...codes('eventCode', o.eventCodes),
          ...codes('confidentialityCode', o.confidentialityCodes),
        ],
        authorPersons: persons(o.authors),
        referenceIds: [...o.referenceIdList],
      };
    case 'SubmissionSet':
      return {
        ...base,
        uniqueId: o.uniqueId,
        patientId: o.patientId,
        ssSourceId: o.sourceId,
        times: defined({ submissionTime: optionalDtmKey(o.submissionTime) }),
        codes: codes('contentTypeCode', [o.contentTypeCode]),
        authorPersons: persons(o.authors),
        referenceIds: [],
      };
    case 'Folder':
      return {
        ...base,
        uniqueId: o.uniqueId,
        patientId: o.patientId,
        times: defined({ lastUpdateTime: optionalDtmKey(o.lastUpdateTime) }),
        codes: codes('codeList', o.codeList),
        authorPersons: [],
        referenceIds: [],
      };
    case 'Association':
      return {
        ...base,
        type: o.type,
        assocSource: o.sourceId,
        assocTarget: o.targetId,
        times: {},
        codes: [],
        authorPersons: [],
        referenceIds: [],
      };
  }
}

/** A decimal size compared as a number: leading zeros do not make another size (NIST RPLC messages use them). */
export const canonicalSize = (size: string | undefined): string | null =>
  size === undefined ? null : size.trim().replace(/^0+(?=\d)/, '');
