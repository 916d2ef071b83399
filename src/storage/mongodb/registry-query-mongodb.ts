/**
 * Query criteria of registry/ports.ts → MongoDB filters over the `objects` collection, with the same
 * semantics as the SQLite adapter: lists are `$in` (an empty list matches nothing), CodeFilters OR within
 * anyOf and AND across the list, DTM ranges on 14-digit keys (`from` inclusive, `to` exclusive), LIKE as an
 * anchored, escaped regular expression (like-pattern.ts).
 */
import type { Document } from 'mongodb';
import type {
  AssociationCriteria,
  CodeFilter,
  DocumentEntryCriteria,
  FolderCriteria,
  SubmissionSetCriteria,
  TimeRange,
} from '../../registry/ports';
import { dtmKey } from '../dtm-key';
import { likeToRegexSource } from '../like-pattern';
import type { CodeField } from '../object-index';

class Filter {
  readonly and: Document[] = [];

  in(field: string, values: readonly string[] | undefined): this {
    if (values !== undefined) this.and.push({ [field]: { $in: [...values] } });
    return this;
  }

  time(field: string, range: TimeRange | undefined): this {
    const cond: Document = {};
    if (range?.from !== undefined) cond.$gte = dtmKey(range.from);
    if (range?.to !== undefined) cond.$lt = dtmKey(range.to);
    if (Object.keys(cond).length > 0) this.and.push({ [field]: cond });
    return this;
  }

  code(field: CodeField, filter: CodeFilter | undefined): this {
    if (filter === undefined) return this;
    const alternatives = filter.anyOf.map((a) => (a.codingScheme === undefined ? { c: a.code } : { c: a.code, s: a.codingScheme }));
    // $or: [] is invalid in MongoDB; an empty anyOf matches nothing, as in SQLite.
    const match = alternatives.length > 0 ? { f: field, $or: alternatives } : { f: field, c: { $in: [] } };
    this.and.push({ codes: { $elemMatch: match } });
    return this;
  }

  codes(field: CodeField, filters: readonly CodeFilter[] | undefined): this {
    for (const f of filters ?? []) this.code(field, f);
    return this;
  }

  authors(patterns: readonly string[] | undefined): this {
    // No 'u' flag: the server's PCRE runs in UTF-8 mode already.
    if (patterns !== undefined) this.and.push({ authorPersons: { $in: patterns.map((p) => new RegExp(likeToRegexSource(p))) } });
    return this;
  }

  done(): Document {
    return { $and: this.and };
  }
}

const base = (kind: string, c: { patientIds?: readonly string[]; statuses?: readonly string[]; ids?: readonly string[]; uniqueIds?: readonly string[] }): Filter => {
  const f = new Filter();
  f.and.push({ kind });
  return f.in('patientId', c.patientIds).in('status', c.statuses).in('_id', c.ids).in('uniqueId', c.uniqueIds);
};

export const documentEntryFilter = (c: DocumentEntryCriteria): Document =>
  base('DocumentEntry', c)
    .in('type', c.types)
    .code('classCode', c.classCode)
    .code('typeCode', c.typeCode)
    .code('formatCode', c.formatCode)
    .code('practiceSettingCode', c.practiceSettingCode)
    .code('healthcareFacilityTypeCode', c.healthcareFacilityTypeCode)
    .codes('eventCode', c.eventCodes)
    .codes('confidentialityCode', c.confidentialityCodes)
    .time('tCreation', c.creationTime)
    .time('tServiceStart', c.serviceStartTime)
    .time('tServiceStop', c.serviceStopTime)
    .authors(c.authorPersons)
    .in('referenceIds', c.referenceIds)
    .done();

export const submissionSetFilter = (c: SubmissionSetCriteria): Document =>
  base('SubmissionSet', c)
    .in('ssSourceId', c.sourceIds)
    .time('tSubmission', c.submissionTime)
    .authors(c.authorPersons)
    .code('contentTypeCode', c.contentTypeCode)
    .done();

export const folderFilter = (c: FolderCriteria): Document =>
  base('Folder', c).time('tLastUpdate', c.lastUpdateTime).codes('codeList', c.codeList).done();

export function associationFilter(c: AssociationCriteria): Document {
  const f = new Filter();
  f.and.push({ kind: 'Association' });
  if (c.endpointIds !== undefined) {
    const ids = [...c.endpointIds];
    f.and.push({ $or: [{ assocSource: { $in: ids } }, { assocTarget: { $in: ids } }] });
  }
  return f.in('assocSource', c.sourceIds).in('assocTarget', c.targetIds).in('type', c.types).in('status', c.statuses).done();
}
