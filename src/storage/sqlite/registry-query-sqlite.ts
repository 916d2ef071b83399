/**
 * Query criteria of registry/ports.ts → one SQL WHERE clause over `objects o`. Lists are bound as one JSON
 * parameter (`IN (SELECT value FROM json_each(?))`) so the SQL text depends only on which criteria are
 * present and prepared statements can be reused. An empty list matches nothing, as SQL `IN ()` would.
 *
 * Codes, author persons and referenceIds live in columns of the object's own row (migration 8, "registry
 * write indexes"), not in side tables: each side-table row was one more B-tree insert keyed by a random
 * entryUUID, 40% of the WAL pages an ITI-42 registration wrote (BENCHMARKS.md B1). Every query that filters
 * on them is patient-scoped, so they are read from rows the patient index already found.
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
import type { CodeField, IndexedCode } from '../object-index';

/**
 * The `codes` column: `US field RS code RS scheme US` per code, one leading US, so a code filter is a
 * substring test (`instr`) with an exact, delimited needle. Values are escaped so the separators (and the
 * escape FS) never occur inside one; XML 1.0 (§2.2 Char) cannot carry them anyway.
 */
const US = '\x1f';
const RS = '\x1e';
const escapeCodePart = (s: string): string =>
  /[\x1c\x1e\x1f]/.test(s) ? s.replace(/[\x1c\x1e\x1f]/g, (c) => `\x1c${String.fromCharCode(c.charCodeAt(0) + 32)}`) : s;

/** Needle for one code; without a scheme it matches the code under any scheme. */
const codeNeedle = (field: CodeField, code: string, scheme: string | undefined): string =>
  `${US}${field}${RS}${escapeCodePart(code)}${RS}${scheme === undefined ? '' : `${escapeCodePart(scheme)}${US}`}`;

export function codesColumn(codes: readonly IndexedCode[]): string | null {
  if (codes.length === 0) return null;
  let s = US;
  for (const c of codes) s += `${c.field}${RS}${escapeCodePart(c.code)}${RS}${escapeCodePart(c.scheme)}${US}`;
  return s;
}

/** author_persons / reference_ids columns: a JSON array of strings, NULL when empty. */
export const listColumn = (values: readonly string[]): string | null => (values.length ? JSON.stringify(values) : null);

/** The same encoding in SQL, for the migration that moves the old side-table rows into the columns. */
const sqlEscapeCodePart = (col: string) =>
  `replace(replace(replace(${col}, char(28), char(28) || '<'), char(30), char(28) || '>'), char(31), char(28) || '?')`;

/**
 * Migration 8, registry write indexes (BENCHMARKS.md B1): side tables → columns; document_uids without a
 * separate rowid B-tree; no (kind, id) index (id lookups use the primary key, see `base`); the uniqueId and
 * association indexes hold only the rows that have the value.
 */
export const REGISTRY_WRITE_INDEXES_SQL = `
  ALTER TABLE objects ADD COLUMN codes TEXT;
  ALTER TABLE objects ADD COLUMN author_persons TEXT;
  ALTER TABLE objects ADD COLUMN reference_ids TEXT;
  UPDATE objects SET
    codes = (SELECT char(31) || group_concat(c.field || char(30) || ${sqlEscapeCodePart('c.code')} || char(30) ||
      ${sqlEscapeCodePart('c.scheme')}, char(31)) || char(31) FROM codes c WHERE c.object_id = objects.id),
    author_persons = (SELECT CASE WHEN count(*) > 0 THEN json_group_array(a.person) END FROM author_persons a WHERE a.object_id = objects.id),
    reference_ids = (SELECT CASE WHEN count(*) > 0 THEN json_group_array(r.ref) END FROM reference_ids r WHERE r.object_id = objects.id)
  WHERE kind <> 'Association';
  DROP TABLE codes;
  DROP TABLE author_persons;
  DROP TABLE reference_ids;
  CREATE TABLE document_uids_new (unique_id TEXT PRIMARY KEY, hash TEXT, size TEXT) WITHOUT ROWID;
  INSERT INTO document_uids_new (unique_id, hash, size) SELECT unique_id, hash, size FROM document_uids;
  DROP TABLE document_uids;
  ALTER TABLE document_uids_new RENAME TO document_uids;
  DROP INDEX objects_kind_id;
  DROP INDEX objects_kind_unique_id;
  DROP INDEX objects_kind_assoc_source;
  DROP INDEX objects_kind_assoc_target;
  CREATE INDEX objects_kind_unique_id ON objects (kind, unique_id) WHERE unique_id IS NOT NULL;
  CREATE INDEX objects_kind_assoc_source ON objects (kind, assoc_source) WHERE assoc_source IS NOT NULL;
  CREATE INDEX objects_kind_assoc_target ON objects (kind, assoc_target) WHERE assoc_target IS NOT NULL;
`;

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
    const needles = filter.anyOf.map((a) => codeNeedle(field, a.code, a.codingScheme ?? undefined));
    return this.add(`EXISTS (SELECT 1 FROM json_each(?) j WHERE instr(o.codes, j.value) > 0)`, JSON.stringify(needles));
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
      `EXISTS (SELECT 1 FROM json_each(o.author_persons) a, json_each(?) j WHERE tessera_like(a.value, j.value))`,
      JSON.stringify(patterns),
    );
  }

  refs(values: readonly string[] | undefined): this {
    if (values === undefined) return this;
    return this.add(
      `EXISTS (SELECT 1 FROM json_each(o.reference_ids) r WHERE r.value IN (SELECT value FROM json_each(?)))`,
      JSON.stringify(values),
    );
  }

  done(): SqlWhere {
    return { sql: this.parts.join(' AND '), params: this.params };
  }
}

/**
 * With ids, `+o.kind` keeps the kind term from being used as an index prefix: without planner statistics
 * SQLite would otherwise walk objects_patient (kind=?) instead of the primary key.
 */
const base = (kind: string, c: { patientIds?: readonly string[]; statuses?: readonly string[]; ids?: readonly string[]; uniqueIds?: readonly string[] }): Where =>
  new Where()
    .add(c.ids === undefined ? 'o.kind = ?' : '+o.kind = ?', kind)
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
  // With endpointIds the UNION yields ids: `+o.kind` leaves the primary key to the planner (see `base`).
  const w = new Where().add(c.endpointIds === undefined ? 'o.kind = ?' : '+o.kind = ?', 'Association');
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
