/**
 * Query criteria of registry/ports.ts → one SQL WHERE clause over `objects o`. Lists are bound as one JSON
 * parameter (`IN (SELECT value FROM json_each(?))`) so the SQL text depends only on which criteria are
 * present and prepared statements can be reused. An empty list matches nothing, as SQL `IN ()` would.
 */
import type {
  AssociationCriteria,
  CodeFilter,
  DocumentEntryCriteria,
  FolderCriteria,
  SubmissionSetCriteria,
  TimeRange,
} from '../../registry/ports';
import { dtmKey } from '../dtm-key';
import type { CodeField } from '../object-index';

export interface SqlWhere {
  readonly sql: string;
  readonly params: readonly unknown[];
}

class Where {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];

  add(sql: string, ...params: unknown[]): this {
    this.parts.push(sql);
    this.params.push(...params);
    return this;
  }

  in(column: string, values: readonly string[] | undefined): this {
    return values === undefined ? this : this.add(`${column} IN (SELECT value FROM json_each(?))`, JSON.stringify(values));
  }

  /** ITI TF-2a §3.18.4.1.2.3.6: `from` inclusive, `to` exclusive, on 14-digit keys. */
  time(column: string, range: TimeRange | undefined): this {
    if (range?.from !== undefined) this.add(`${column} >= ?`, dtmKey(range.from));
    if (range?.to !== undefined) this.add(`${column} < ?`, dtmKey(range.to));
    return this;
  }

  /** OR within anyOf; a missing codingScheme matches any scheme. */
  code(field: CodeField, filter: CodeFilter | undefined): this {
    if (filter === undefined) return this;
    const alternatives = filter.anyOf.map((a) => ({ code: a.code, scheme: a.codingScheme ?? null }));
    return this.add(
      `EXISTS (SELECT 1 FROM codes c, json_each(?) j WHERE c.object_id = o.id AND c.field = ?` +
        ` AND c.code = j.value ->> '$.code' AND (j.value ->> '$.scheme' IS NULL OR c.scheme = j.value ->> '$.scheme'))`,
      JSON.stringify(alternatives),
      field,
    );
  }

  /** A list of CodeFilters is ANDed. */
  codes(field: CodeField, filters: readonly CodeFilter[] | undefined): this {
    for (const f of filters ?? []) this.code(field, f);
    return this;
  }

  /** LIKE patterns, OR across patterns (like-pattern.ts semantics). */
  authors(patterns: readonly string[] | undefined): this {
    if (patterns === undefined) return this;
    return this.add(
      `EXISTS (SELECT 1 FROM author_persons a, json_each(?) j WHERE a.object_id = o.id AND tessera_like(a.person, j.value))`,
      JSON.stringify(patterns),
    );
  }

  refs(values: readonly string[] | undefined): this {
    if (values === undefined) return this;
    return this.add(
      `EXISTS (SELECT 1 FROM reference_ids r WHERE r.object_id = o.id AND r.ref IN (SELECT value FROM json_each(?)))`,
      JSON.stringify(values),
    );
  }

  done(): SqlWhere {
    return { sql: this.parts.join(' AND '), params: this.params };
  }
}

const base = (kind: string, c: { patientIds?: readonly string[]; statuses?: readonly string[]; ids?: readonly string[]; uniqueIds?: readonly string[] }): Where =>
  new Where()
    .add('o.kind = ?', kind)
    .in('o.patient_id', c.patientIds)
    .in('o.status', c.statuses)
    .in('o.id', c.ids)
    .in('o.unique_id', c.uniqueIds);

export function documentEntryWhere(c: DocumentEntryCriteria): SqlWhere {
  return base('DocumentEntry', c)
    .in('o.type', c.types)
    .code('classCode', c.classCode)
    .code('typeCode', c.typeCode)
    .code('formatCode', c.formatCode)
    .code('practiceSettingCode', c.practiceSettingCode)
    .code('healthcareFacilityTypeCode', c.healthcareFacilityTypeCode)
    .codes('eventCode', c.eventCodes)
    .codes('confidentialityCode', c.confidentialityCodes)
    .time('o.t_creation', c.creationTime)
    .time('o.t_service_start', c.serviceStartTime)
    .time('o.t_service_stop', c.serviceStopTime)
    .authors(c.authorPersons)
    .refs(c.referenceIds)
    .done();
}

export function submissionSetWhere(c: SubmissionSetCriteria): SqlWhere {
  return base('SubmissionSet', c)
    .in('o.ss_source_id', c.sourceIds)
    .time('o.t_submission', c.submissionTime)
    .authors(c.authorPersons)
    .code('contentTypeCode', c.contentTypeCode)
    .done();
}

export function folderWhere(c: FolderCriteria): SqlWhere {
  return base('Folder', c).time('o.t_last_update', c.lastUpdateTime).codes('codeList', c.codeList).done();
}

export function associationWhere(c: AssociationCriteria): SqlWhere {
  const w = new Where().add('o.kind = ?', 'Association');
  if (c.endpointIds !== undefined) {
    const list = JSON.stringify(c.endpointIds);
    // A UNION of two indexed lookups: an OR across the two columns makes SQLite walk every association, and
    // without statistics it may prefer the covering (kind, id) index in each arm, so the arms name their index.
    w.add(
      `o.id IN (SELECT id FROM objects INDEXED BY objects_kind_assoc_source WHERE kind = 'Association' AND assoc_source IN (SELECT value FROM json_each(?))
        UNION SELECT id FROM objects INDEXED BY objects_kind_assoc_target WHERE kind = 'Association' AND assoc_target IN (SELECT value FROM json_each(?)))`,
      list,
      list,
    );
  }
  return w.in('o.assoc_source', c.sourceIds).in('o.assoc_target', c.targetIds).in('o.type', c.types).in('o.status', c.statuses).done();
}
