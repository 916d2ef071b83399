/**
 * IdentityStore on SQLite (better-sqlite3): the PIX/PDQ cross-reference. Records keep the demographics as
 * JSON plus indexed blocking keys; merges are rows (with the person redirect they imply), so an unmerge is
 * a delete. `IDENTITY_SCHEMA_SQL` is the migration to append to db-sqlite.ts; tests run it on a temp database.
 */
import type Database from 'better-sqlite3';
import type {
  BlockingKeys,
  IdentityBatch,
  IdentityRecord,
  IdentityStore,
  MergeRow,
  ReviewItem,
} from '../../patient-identity/identity-ports';
import type { Patient, PatientKey } from '../../patient-identity/model';
import { blockingKeys } from '../../patient-identity/matching/blocking';

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

function toRecord(row: RecordRow): IdentityRecord {
  return {
    key: { id: row.id, authority: row.authority },
    personId: row.person_id,
    updated: row.updated,
    ...(row.demographics ? { patient: JSON.parse(row.demographics) as Patient } : {}),
    ...(row.into_id && row.into_authority ? { mergedInto: { id: row.into_id, authority: row.into_authority } } : {}),
  };
}

export class SqliteIdentityStore implements IdentityStore {
  constructor(private readonly db: Database.Database) {}

  async getRecord(key: PatientKey): Promise<IdentityRecord | undefined> {
    const row = this.db.prepare(`${SELECT_RECORD} WHERE r.id = ? AND r.authority = ?`).get(key.id, key.authority) as RecordRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  async commit(batch: IdentityBatch): Promise<void> {
    const put = this.db.prepare(
      `INSERT INTO identity_records (id, authority, person_id, demographics, birth_year, name_key1, name_key2, updated)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id, authority) DO UPDATE SET person_id = excluded.person_id, demographics = excluded.demographics,
         birth_year = excluded.birth_year, name_key1 = excluded.name_key1, name_key2 = excluded.name_key2, updated = excluded.updated`,
    );
    const review = this.db.prepare(
      'INSERT INTO identity_reviews (id, authority, candidate_id, candidate_authority, score, time) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const merge = this.db.prepare(
      `INSERT INTO identity_merges (from_id, from_authority, into_id, into_authority, from_person, into_person, time)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db
      .transaction(() => {
        for (const r of batch.records ?? []) {
          const b: BlockingKeys = r.patient ? blockingKeys(r.patient) : { nameKeys: [] };
          const json = r.patient ? JSON.stringify(r.patient) : null;
          put.run(r.key.id, r.key.authority, r.personId, json, b.birthYear ?? null, b.nameKeys[0] ?? null, b.nameKeys[1] ?? null, r.updated);
        }
        for (const v of batch.reviews ?? []) review.run(v.key.id, v.key.authority, v.candidate.id, v.candidate.authority, v.score, v.time);
        const m = batch.merge;
        if (m) merge.run(m.from.id, m.from.authority, m.into.id, m.into.authority, m.fromPerson ?? null, m.intoPerson ?? null, m.time);
      })
      .immediate();
  }

  async resolvePerson(personId: string): Promise<string> {
    const next = this.db.prepare('SELECT into_person FROM identity_merges WHERE from_person = ?').pluck();
    let current = personId;
    // The chain is acyclic (a redirect always targets an unredirected person); the bound guards corruption.
    for (let i = 0; i < 1000; i++) {
      const to = next.get(current) as string | undefined;
      if (!to) return current;
      current = to;
    }
    throw new Error('person redirect chain too long');
  }

  async members(personId: string): Promise<IdentityRecord[]> {
    const rows = this.db
      .prepare(
        `WITH RECURSIVE persons(p) AS (
           SELECT ? UNION SELECT m.from_person FROM identity_merges m JOIN persons ON m.into_person = persons.p)
         ${SELECT_RECORD} WHERE r.person_id IN (SELECT p FROM persons) ORDER BY r.authority, r.id`,
      )
      .all(personId) as RecordRow[];
    return rows.map(toRecord);
  }

  async candidates(keys: BlockingKeys, limit: number): Promise<IdentityRecord[]> {
    const names = keys.nameKeys.length > 0 ? keys.nameKeys : [''];
    const marks = names.map(() => '?').join(',');
    const rows = this.db
      .prepare(
        `${SELECT_RECORD} WHERE r.demographics IS NOT NULL AND m.into_id IS NULL
           AND (r.birth_year = ? OR r.name_key1 IN (${marks}) OR r.name_key2 IN (${marks})) LIMIT ?`,
      )
      .all(keys.birthYear ?? '', ...names, ...names, limit) as RecordRow[];
    return rows.map(toRecord);
  }

  async scan(limit: number): Promise<IdentityRecord[]> {
    const rows = this.db
      .prepare(`${SELECT_RECORD} WHERE r.demographics IS NOT NULL AND m.into_id IS NULL LIMIT ?`)
      .all(limit) as RecordRow[];
    return rows.map(toRecord);
  }

  async mergedInto(key: PatientKey): Promise<PatientKey | undefined> {
    const row = this.db
      .prepare('SELECT into_id AS id, into_authority AS authority FROM identity_merges WHERE from_id = ? AND from_authority = ?')
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
}
