/**
 * IdentityStore on SQLite (better-sqlite3): the PIX/PDQ cross-reference. Records keep the demographics as
 * JSON plus indexed blocking keys; merges are rows (with the person redirect they imply), so an unmerge is
 * a delete. `IDENTITY_SCHEMA_SQL` is the migration to append to db-sqlite.ts; tests run it on a temp database.
 */
import type Database from 'better-sqlite3';
import type {
  IdentityBatch,
  IdentityRecord,
  IdentityStore,
  MatchCandidate,
  PendingWrite,
  RecordRead,
  SearchBlock,
  MergeRow,
  ReviewItem,
  ReviewResolution,
  StoredReview,
} from '../../patient-identity/identity-ports';
import type { Patient, PatientKey } from '../../patient-identity/model';
import { recordMatchKeys } from '../../patient-identity/matching/blocking';
import { comparable, packComparable, unpackComparable, type Comparable } from '../../patient-identity/matching/normalise';
import { searchColumns } from '../../patient-identity/matching/search-keys';
import { GroupCommit, type GroupCommitOptions } from './group-commit';

export const IDENTITY_SCHEMA_SQL = `
  CREATE TABLE identity_records (
    id TEXT NOT NULL,
    authority TEXT NOT NULL,
    person_id TEXT NOT NULL,
    demographics TEXT,
    birth_year TEXT,
    name_key1 TEXT,
    name_key2 TEXT,
    updated TEXT NOT NULL,
    PRIMARY KEY (id, authority)
  );
  CREATE INDEX identity_records_person ON identity_records (person_id);
  CREATE INDEX identity_records_birth ON identity_records (birth_year);
  CREATE INDEX identity_records_name1 ON identity_records (name_key1);
  CREATE INDEX identity_records_name2 ON identity_records (name_key2);
  CREATE TABLE identity_merges (
    from_id TEXT NOT NULL, from_authority TEXT NOT NULL,
    into_id TEXT NOT NULL, into_authority TEXT NOT NULL,
    from_person TEXT, into_person TEXT,
    time TEXT NOT NULL,
    PRIMARY KEY (from_id, from_authority)
  );
  -- A person is redirected by at most one merge, so that person resolution is a simple chain.
  CREATE UNIQUE INDEX identity_merges_from_person ON identity_merges (from_person) WHERE from_person IS NOT NULL;
  CREATE TABLE identity_reviews (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL, authority TEXT NOT NULL,
    candidate_id TEXT NOT NULL, candidate_authority TEXT NOT NULL,
    score REAL NOT NULL,
    time TEXT NOT NULL
  );
`;

/**
 * Review decisions (issue 6 review queue): a resolution row per decided review item and the pairs declared
 * distinct (stored once, smaller CX first). `IF NOT EXISTS` so tests can apply it to a database that may
 * already carry it as a migration.
 */
export const REVIEW_SCHEMA_SQL = `
  CREATE TABLE IF NOT EXISTS identity_review_decisions (
    seq INTEGER PRIMARY KEY REFERENCES identity_reviews (seq),
    decision TEXT NOT NULL,
    operator TEXT NOT NULL,
    time TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS identity_reviews_pair ON identity_reviews (id, authority, candidate_id, candidate_authority);
  CREATE TABLE IF NOT EXISTS identity_distinct (
    a_id TEXT NOT NULL, a_authority TEXT NOT NULL,
    b_id TEXT NOT NULL, b_authority TEXT NOT NULL,
    operator TEXT NOT NULL,
    time TEXT NOT NULL,
    PRIMARY KEY (a_id, a_authority, b_id, b_authority)
  );
`;

/**
 * Migration 6: the first blocking keys (birth year, 3-letter name prefixes; migration 1) are no longer written
 * or read: the compound keys of migration 4 replaced them. Their columns stay (NULL in new rows); the indexes go.
 */
export const DROP_COARSE_BLOCKING_SQL = `
  DROP INDEX identity_records_birth;
  DROP INDEX identity_records_name1;
  DROP INDEX identity_records_name2;
`;

/**
 * Migration 7, identity comparables (issue 6, B7 feed at 1M): `match_cmp` holds the fields the matcher compares
 * (matching/normalise.ts packComparable), so blocking candidates are read without their demographics JSON;
 * `block_key5` holds a record's second year key (matching/blocking.ts: year + initials + day; block_key1 now
 * holds year + initials + month), which cut a probe's candidates from ~100–500 to ~10–40 at 1M. Rows written
 * before it are filled by `SqliteIdentityStore` on open (the normalisation is JavaScript: NFD, diacritics),
 * flagged by identity_backfill; until then the old year keys still meet new probes (they ask the year-only key).
 */
export const IDENTITY_COMPARABLES_SQL = `
  ALTER TABLE identity_records ADD COLUMN match_cmp TEXT;
  ALTER TABLE identity_records ADD COLUMN block_key5 TEXT;
  CREATE INDEX identity_records_block5 ON identity_records (block_key5) WHERE block_key5 IS NOT NULL;
  INSERT OR IGNORE INTO identity_backfill SELECT 7 WHERE EXISTS (SELECT 1 FROM identity_records WHERE demographics IS NOT NULL);
`;

/** A pair in its stored order (smaller `authority`, then `id`, first), so (a, b) and (b, a) are one row. */
const orderedPair = (a: PatientKey, b: PatientKey): [PatientKey, PatientKey] =>
  a.authority < b.authority || (a.authority === b.authority && a.id <= b.id) ? [a, b] : [b, a];

interface ReviewRow {
  readonly seq: number;
  readonly id: string;
  readonly authority: string;
  readonly candidate_id: string;
  readonly candidate_authority: string;
  readonly score: number;
  readonly time: string;
  readonly decision: string | null;
  readonly operator: string | null;
  readonly decided: string | null;
}

const SELECT_REVIEW = `SELECT r.seq, r.id, r.authority, r.candidate_id, r.candidate_authority, r.score, r.time,
    d.decision, d.operator, d.time AS decided
  FROM identity_reviews r LEFT JOIN identity_review_decisions d ON d.seq = r.seq`;

function toStoredReview(row: ReviewRow): StoredReview {
  const resolution: ReviewResolution | undefined = row.decision
    ? { seq: row.seq, decision: row.decision as ReviewResolution['decision'], operator: row.operator!, time: row.decided! }
    : undefined;
  return {
    seq: row.seq,
    key: { id: row.id, authority: row.authority },
    candidate: { id: row.candidate_id, authority: row.candidate_authority },
    score: row.score,
    time: row.time,
    ...(resolution ? { resolution } : {}),
  };
}

/**
 * Migration 4 (issue 6, B7 at 1M identities): compound blocking keys (matching/blocking.ts recordMatchKeys)
 * and PDQ search columns (matching/search-keys.ts), each indexed. Rows written before it get their values
 * from `SqliteIdentityStore` on open (the normalisation is JavaScript), flagged by identity_backfill.
 */
export const IDENTITY_SEARCH_SQL = `
  ALTER TABLE identity_records ADD COLUMN block_key1 TEXT;
  ALTER TABLE identity_records ADD COLUMN block_key2 TEXT;
  ALTER TABLE identity_records ADD COLUMN block_key3 TEXT;
  ALTER TABLE identity_records ADD COLUMN block_key4 TEXT;
  ALTER TABLE identity_records ADD COLUMN pdq_family TEXT;
  ALTER TABLE identity_records ADD COLUMN pdq_given TEXT;
  ALTER TABLE identity_records ADD COLUMN pdq_birth TEXT;
  CREATE INDEX identity_records_block1 ON identity_records (block_key1) WHERE block_key1 IS NOT NULL;
  CREATE INDEX identity_records_block2 ON identity_records (block_key2) WHERE block_key2 IS NOT NULL;
  CREATE INDEX identity_records_block3 ON identity_records (block_key3) WHERE block_key3 IS NOT NULL;
  CREATE INDEX identity_records_block4 ON identity_records (block_key4) WHERE block_key4 IS NOT NULL;
  CREATE INDEX identity_records_pdq_family ON identity_records (pdq_family, pdq_birth) WHERE pdq_family IS NOT NULL;
  CREATE INDEX identity_records_pdq_given ON identity_records (pdq_given, pdq_birth) WHERE pdq_given IS NOT NULL;
  CREATE INDEX identity_records_pdq_birth ON identity_records (pdq_birth, pdq_family) WHERE pdq_birth IS NOT NULL;
  -- members() walks merges backwards (into_person → from_person): without this index SQLite builds an
  -- automatic index over every merge row on each call (~1 ms at 500 merges, B7 profile).
  CREATE INDEX identity_merges_into_person ON identity_merges (into_person) WHERE into_person IS NOT NULL;
  CREATE TABLE identity_backfill (version INTEGER PRIMARY KEY);
  INSERT INTO identity_backfill SELECT 4 WHERE EXISTS (SELECT 1 FROM identity_records WHERE demographics IS NOT NULL);
`;

/** Upper bound of a prefix range: every string starting with `p` sorts below it (keys are A-Z, 0-9, '|'). */
const prefixEnd = (p: string): string => `${p}\u{10FFFF}`;

interface RecordRow {
  readonly id: string;
  readonly authority: string;
  readonly person_id: string;
  readonly demographics: string | null;
  readonly updated: string;
  readonly into_id: string | null;
  readonly into_authority: string | null;
}

const SELECT_RECORD = `SELECT r.id, r.authority, r.person_id, r.demographics, r.updated, m.into_id, m.into_authority
  FROM identity_records r LEFT JOIN identity_merges m ON m.from_id = r.id AND m.from_authority = r.authority`;
/** SELECT_RECORD without the demographics (RecordRead `demographics: false`). */
const SELECT_LINK = SELECT_RECORD.replace('r.demographics', 'NULL AS demographics');
const selectOf = (read?: RecordRead): string => (read?.demographics === false ? SELECT_LINK : SELECT_RECORD);

function toRecord(row: RecordRow): IdentityRecord {
  return {
    key: { id: row.id, authority: row.authority },
    personId: row.person_id,
    updated: row.updated,
    ...(row.demographics ? { patient: JSON.parse(row.demographics) as Patient } : {}),
    ...(row.into_id && row.into_authority ? { mergedInto: { id: row.into_id, authority: row.into_authority } } : {}),
  };
}

/** The columns `searchValues` fills, in order. */
const SEARCH_COLUMNS = ['block_key1', 'block_key2', 'block_key3', 'block_key4', 'block_key5', 'pdq_family', 'pdq_given', 'pdq_birth', 'match_cmp'] as const;
const NO_SEARCH_VALUES: readonly null[] = SEARCH_COLUMNS.map(() => null);

/** block_key1..5, pdq_family, pdq_given, pdq_birth, match_cmp of a record's demographics (SEARCH_COLUMNS). */
function searchValues(p: Patient): (string | null)[] {
  const keys = recordMatchKeys(p);
  const c = searchColumns(p);
  return [...keys.map((k) => k ?? null), c.family ?? null, c.given ?? null, c.birth ?? null, packComparable(comparable(p))];
}

/** Blocking keys grouped by the columns that can hold them: [columns, keys][]. */
function routeKeys(keys: readonly string[]): [readonly string[], string[]][] {
  const tag = (k: string) => (k.includes('|') ? k[0] : '');
  const of = (...tags: string[]) => keys.filter((k) => tags.includes(tag(k)));
  return [
    [['block_key1', 'block_key5'], of('Y')],
    [['block_key2', 'block_key3'], of('N', 'M')],
    [['block_key4'], of('D')],
  ];
}

/** One write for the group commit, with the hook that tells its writer it ran (committed or rolled back). */
interface StagedBatch {
  readonly batch: IdentityBatch;
  readonly ran: () => void;
}

const noop = (): void => undefined;

export class SqliteIdentityStore implements IdentityStore {
  /** Prepared once per SQL text: better-sqlite3 prepare costs tens of µs, a PIX query needs three statements. */
  private readonly statements = new Map<string, Database.Statement>();
  /**
   * Identity writes share transactions and their WAL fsync runs on the thread pool (group-commit.ts), so the
   * serial feed queue (cross-reference.ts) does not wait for the disk: B7 had one synchronous fsync per feed.
   */
  private readonly commits: GroupCommit<StagedBatch>;

  /** `commits`: group-commit options (tests replace the WAL fsync). */
  constructor(
    private readonly db: Database.Database,
    commits: GroupCommitOptions = {},
  ) {
    this.backfill();
    this.commits = new GroupCommit(db, (staged: StagedBatch) => {
      try {
        this.apply(staged.batch);
      } finally {
        // Continuations run after the flush, so the next feed sees the batch committed (or rolled back).
        staged.ran();
      }
    }, commits);
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Fills the migration-4 and migration-7 columns of rows written before them (once; 50k rows per transaction). */
  private backfill(): void {
    const pending = this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'identity_backfill'").get() && this.db.prepare('SELECT 1 FROM identity_backfill').get();
    if (!pending) return;
    const page = this.db.prepare('SELECT rowid, demographics FROM identity_records WHERE rowid > ? AND demographics IS NOT NULL ORDER BY rowid LIMIT 50000');
    const set = this.db.prepare(`UPDATE identity_records SET ${SEARCH_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE rowid = ?`);
    let after = 0;
    for (;;) {
      const rows = page.all(after) as { rowid: number; demographics: string }[];
      if (rows.length === 0) break;
      this.db.transaction(() => rows.forEach((r) => set.run(...searchValues(JSON.parse(r.demographics) as Patient), r.rowid)))();
      after = rows[rows.length - 1]!.rowid;
    }
    this.db.prepare('DELETE FROM identity_backfill').run();
  }

  async getRecord(key: PatientKey, read?: RecordRead): Promise<IdentityRecord | undefined> {
    const row = this.stmt(`${selectOf(read)} WHERE r.id = ? AND r.authority = ?`).get(key.id, key.authority) as RecordRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  commit(batch: IdentityBatch): Promise<void> {
    return this.write(batch).durable;
  }

  write(batch: IdentityBatch): PendingWrite {
    let ran = noop;
    const applied = new Promise<void>((resolve) => (ran = resolve));
    const durable = this.commits.submitNow({ batch, ran }); // feeds are serial: apply now, not next turn
    // A batch that never ran (its transaction could not begin) settles `applied` through `durable`'s rejection.
    return { applied: Promise.race([applied, durable]).then(noop, noop), durable };
  }

  /** One batch's rows (inside the group commit's savepoint: a failure rolls back this batch alone). */
  private apply(batch: IdentityBatch): void {
    const put = this.stmt(
      `INSERT INTO identity_records (id, authority, person_id, demographics, updated, ${SEARCH_COLUMNS.join(', ')})
       VALUES (?, ?, ?, ?, ?, ${SEARCH_COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT (id, authority) DO UPDATE SET person_id = excluded.person_id, demographics = excluded.demographics,
         updated = excluded.updated, ${SEARCH_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
    const review = this.stmt(
      'INSERT INTO identity_reviews (id, authority, candidate_id, candidate_authority, score, time) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const merge = this.stmt(
      `INSERT INTO identity_merges (from_id, from_authority, into_id, into_authority, from_person, into_person, time)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    // The registry's PatientIndex table (patients-sqlite.ts), same database.
    const known = this.stmt('INSERT OR IGNORE INTO patient_ids (id, authority) VALUES (?, ?)');
    for (const r of batch.records ?? []) {
      const json = r.patient ? JSON.stringify(r.patient) : null;
      const search = r.patient ? searchValues(r.patient) : NO_SEARCH_VALUES;
      put.run(r.key.id, r.key.authority, r.personId, json, r.updated, ...search);
    }
    for (const v of batch.reviews ?? []) review.run(v.key.id, v.key.authority, v.candidate.id, v.candidate.authority, v.score, v.time);
    const m = batch.merge;
    if (m) merge.run(m.from.id, m.from.authority, m.into.id, m.into.authority, m.fromPerson ?? null, m.intoPerson ?? null, m.time);
    this.writeDecisions(batch);
    for (const k of batch.registryIds ?? []) known.run(k.id, k.authority);
  }

  async resolvePerson(personId: string): Promise<string> {
    const next = this.stmt('SELECT into_person FROM identity_merges WHERE from_person = ?').pluck();
    let current = personId;
    // The chain is acyclic (a redirect always targets an unredirected person); the bound guards corruption.
    for (let i = 0; i < 1000; i++) {
      const to = next.get(current) as string | undefined;
      if (!to) return current;
      current = to;
    }
    throw new Error('person redirect chain too long');
  }

  async members(personId: string, read?: RecordRead): Promise<IdentityRecord[]> {
    const rows = this
      .stmt(
        `WITH RECURSIVE persons(p) AS (
           SELECT ? UNION SELECT m.from_person FROM identity_merges m JOIN persons ON m.into_person = persons.p)
         ${selectOf(read)} WHERE r.person_id IN (SELECT p FROM persons) ORDER BY r.authority, r.id`,
      )
      .all(personId) as RecordRow[];
    return rows.map(toRecord);
  }

  async candidates(keys: readonly string[], limit: number, otherThan?: string): Promise<MatchCandidate[]> {
    // Each key is looked up only in the columns that can hold its kind (matching/blocking.ts tags). Only the
    // key, person and packed comparables are read (EXPLAIN QUERY PLAN: MULTI-INDEX OR over the block indexes,
    // then the merges primary key per row); no demographics JSON crosses into JavaScript.
    const terms: string[] = [];
    const args: string[] = [];
    for (const [columns, list] of routeKeys(keys)) {
      if (list.length === 0) continue;
      const marks = list.map(() => '?').join(',');
      for (const c of columns) {
        terms.push(`r.${c} IN (${marks})`);
        args.push(...list);
      }
    }
    if (terms.length === 0) return [];
    const rows = this.stmt(
      `SELECT r.id, r.authority, r.person_id, r.match_cmp
       FROM identity_records r LEFT JOIN identity_merges m ON m.from_id = r.id AND m.from_authority = r.authority
       WHERE r.demographics IS NOT NULL AND m.into_id IS NULL AND r.authority IS NOT ? AND (${terms.join(' OR ')}) LIMIT ?`,
    )
      .raw(true)
      .all(otherThan ?? null, ...args, limit) as [string, string, string, string | null][];
    return rows.map(([id, authority, personId, cmp]) => ({
      key: { id, authority },
      personId,
      // match_cmp is NULL only on a row the backfill has not reached (it runs on open): read its demographics.
      comparable: cmp === null ? this.comparableOf(id, authority) : unpackComparable(cmp),
    }));
  }

  private comparableOf(id: string, authority: string): Comparable {
    const json = this.stmt('SELECT demographics FROM identity_records WHERE id = ? AND authority = ?').pluck().get(id, authority) as string;
    return comparable(JSON.parse(json) as Patient);
  }

  async scan(limit: number): Promise<IdentityRecord[]> {
    const rows = this.db
      .prepare(`${SELECT_RECORD} WHERE r.demographics IS NOT NULL AND m.into_id IS NULL LIMIT ?`)
      .all(limit) as RecordRow[];
    return rows.map(toRecord);
  }

  /** PDQ narrowing on the indexed search columns (matching/search-keys.ts): prefix ranges, ANDed. */
  async searchCandidates(block: SearchBlock, limit: number): Promise<IdentityRecord[]> {
    const terms: string[] = [];
    const args: string[] = [];
    for (const [column, value] of [['pdq_family', block.family], ['pdq_given', block.given], ['pdq_birth', block.birth]] as const) {
      if (!value) continue;
      // A full birth date is an equality (the column holds 8 digits): SQLite then walks (pdq_birth, pdq_family)
      // on ~30 rows at 1M instead of every record of a common family name.
      if (column === 'pdq_birth' && value.length >= 8) {
        terms.push(`r.${column} = ?`);
        args.push(value.slice(0, 8));
        continue;
      }
      terms.push(`r.${column} >= ? AND r.${column} < ?`);
      args.push(value, prefixEnd(value));
    }
    if (terms.length === 0) return this.scan(limit);
    const rows = this.stmt(`${SELECT_RECORD} WHERE ${terms.join(' AND ')} AND m.into_id IS NULL LIMIT ?`).all(...args, limit) as RecordRow[];
    return rows.map(toRecord);
  }

  async mergedInto(key: PatientKey): Promise<PatientKey | undefined> {
    const row = this
      .stmt('SELECT into_id AS id, into_authority AS authority FROM identity_merges WHERE from_id = ? AND from_authority = ?')
      .get(key.id, key.authority) as PatientKey | undefined;
    return row ? { id: row.id, authority: row.authority } : undefined;
  }

  async removeMerge(from: PatientKey): Promise<MergeRow | undefined> {
    return this.db
      .transaction(() => {
        const row = this.db
          .prepare('SELECT * FROM identity_merges WHERE from_id = ? AND from_authority = ?')
          .get(from.id, from.authority) as Record<string, string | null> | undefined;
        if (!row) return undefined;
        this.db.prepare('DELETE FROM identity_merges WHERE from_id = ? AND from_authority = ?').run(from.id, from.authority);
        return {
          from,
          into: { id: row.into_id!, authority: row.into_authority! },
          ...(row.from_person ? { fromPerson: row.from_person, intoPerson: row.into_person! } : {}),
          time: row.time!,
        };
      })
      .immediate();
  }

  async reviews(limit: number): Promise<ReviewItem[]> {
    const rows = this.db.prepare('SELECT * FROM identity_reviews ORDER BY seq LIMIT ?').all(limit) as Record<string, string & number>[];
    return rows.map((r) => ({
      key: { id: r.id, authority: r.authority },
      candidate: { id: r.candidate_id, authority: r.candidate_authority },
      score: r.score,
      time: r.time,
    }));
  }

  /** Review resolution and distinct pair of a batch (inside commit's transaction). */
  private writeDecisions(batch: IdentityBatch): void {
    const r = batch.resolve;
    if (r) {
      this.stmt('INSERT INTO identity_review_decisions (seq, decision, operator, time) VALUES (?, ?, ?, ?)').run(r.seq, r.decision, r.operator, r.time);
    }
    const d = batch.distinct;
    if (d) {
      const [a, b] = orderedPair(d.a, d.b);
      this.db
        .prepare('INSERT OR IGNORE INTO identity_distinct (a_id, a_authority, b_id, b_authority, operator, time) VALUES (?, ?, ?, ?, ?, ?)')
        .run(a.id, a.authority, b.id, b.authority, d.operator, d.time);
    }
  }

  async review(seq: number): Promise<StoredReview | undefined> {
    const row = this.db.prepare(`${SELECT_REVIEW} WHERE r.seq = ?`).get(seq) as ReviewRow | undefined;
    return row ? toStoredReview(row) : undefined;
  }

  async openReviews(limit: number, after = 0): Promise<StoredReview[]> {
    const rows = this.db.prepare(`${SELECT_REVIEW} WHERE d.seq IS NULL AND r.seq > ? ORDER BY r.seq LIMIT ?`).all(after, limit) as ReviewRow[];
    return rows.map(toStoredReview);
  }

  async hasOpenReview(a: PatientKey, b: PatientKey): Promise<boolean> {
    const row = this
      .stmt(
        `SELECT 1 FROM identity_reviews r LEFT JOIN identity_review_decisions d ON d.seq = r.seq
         WHERE d.seq IS NULL AND ((r.id = ? AND r.authority = ? AND r.candidate_id = ? AND r.candidate_authority = ?)
           OR (r.id = ? AND r.authority = ? AND r.candidate_id = ? AND r.candidate_authority = ?)) LIMIT 1`,
      )
      .get(a.id, a.authority, b.id, b.authority, b.id, b.authority, a.id, a.authority);
    return row !== undefined;
  }

  async isDistinct(a: PatientKey, b: PatientKey): Promise<boolean> {
    const [x, y] = orderedPair(a, b);
    const row = this
      .stmt('SELECT 1 FROM identity_distinct WHERE a_id = ? AND a_authority = ? AND b_id = ? AND b_authority = ?')
      .get(x.id, x.authority, y.id, y.authority);
    return row !== undefined;
  }
}
