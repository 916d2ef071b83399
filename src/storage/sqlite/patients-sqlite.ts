/**
 * PatientIndex on SQLite: known identifiers and merges (ITI-8/44 merge: the subsumed id is then
 * rejected by the registry). The merge graph is kept acyclic so that survivor resolution terminates.
 * Writes are group-committed (group-commit.ts): the WAL fsync runs on the thread pool instead of blocking the
 * event loop (an ITI-44 merge answered after its identity commit paid one synchronous fsync here, B7), and each
 * promise settles once durable.
 */
import type { Statement } from 'better-sqlite3';
import type { PatientIndex, PatientKey, PatientStatus } from '../../patient-identity/ports';
import type { Db } from './db-sqlite';
import { GroupCommit, type GroupCommitOptions } from './group-commit';

interface KeyRow {
  readonly id: string;
  readonly authority: string;
}

const same = (a: PatientKey, b: PatientKey): boolean => a.id === b.id && a.authority === b.authority;

export class SqlitePatientIndex implements PatientIndex {
  private readonly writes: GroupCommit<() => void>;
  /** Statements prepared once: status() runs for every registration and aliases() for every patient query. */
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: Db,
    commits: GroupCommitOptions = {},
  ) {
    this.writes = new GroupCommit(db, (work: () => void) => work(), commits);
  }

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** Runs `work` in its own savepoint of a group-committed transaction; its result once durable. */
  private async write<T>(work: () => T): Promise<T> {
    let result: T | undefined;
    await this.writes.submit(() => {
      result = work();
    });
    return result as T;
  }

  async add(key: PatientKey): Promise<boolean> {
    return this.write(() => this.insert(key));
  }

  private insert(key: PatientKey): boolean {
    const r = this.stmt('INSERT OR IGNORE INTO patient_ids (id, authority) VALUES (?, ?)').run(key.id, key.authority);
    return r.changes === 1;
  }

  private mergedInto(key: PatientKey): PatientKey | undefined {
    const row = this.stmt('SELECT into_id AS id, into_authority AS authority FROM patient_merges WHERE from_id = ? AND from_authority = ?')
      .get(key.id, key.authority) as KeyRow | undefined;
    return row ? { id: row.id, authority: row.authority } : undefined;
  }

  /** Follows merges to the surviving identifier (the graph is acyclic: merge() refuses cycles). */
  private survivor(key: PatientKey): PatientKey {
    let current = key;
    for (let next = this.mergedInto(current); next; next = this.mergedInto(current)) current = next;
    return current;
  }

  async status(key: PatientKey): Promise<PatientStatus> {
    if (this.mergedInto(key)) return { state: 'merged', survivor: this.survivor(key) };
    const known = this.stmt('SELECT 1 FROM patient_ids WHERE id = ? AND authority = ?').get(key.id, key.authority);
    return known ? { state: 'active' } : { state: 'unknown' };
  }

  async unmerge(from: PatientKey): Promise<void> {
    await this.write(() => this.stmt('DELETE FROM patient_merges WHERE from_id = ? AND from_authority = ?').run(from.id, from.authority));
  }

  async merge(from: PatientKey, into: PatientKey): Promise<void> {
    await this.write(() => {
      if (same(this.survivor(into), from)) {
        throw new Error(`refusing merge: ${into.id} is merged into ${from.id}, the merge would form a cycle`);
      }
      const previous = this.mergedInto(from);
      if (previous && same(previous, into)) return; // repeated message: idempotent
      if (previous) throw new Error(`refusing merge: ${from.id} is already merged into another identifier`);
      this.insert(from);
      this.insert(into);
      this.stmt('INSERT INTO patient_merges (from_id, from_authority, into_id, into_authority) VALUES (?, ?, ?, ?)')
        .run(from.id, from.authority, into.id, into.authority);
    });
  }

  async aliases(key: PatientKey): Promise<PatientKey[]> {
    const rows = this.stmt(
        `WITH RECURSIVE merged(id, authority) AS (
           SELECT ?, ?
           UNION
           SELECT m.from_id, m.from_authority FROM patient_merges m
             JOIN merged ON m.into_id = merged.id AND m.into_authority = merged.authority)
         SELECT id, authority FROM merged`,
      )
      .all(key.id, key.authority) as KeyRow[];
    return rows.map((r) => ({ id: r.id, authority: r.authority }));
  }
}
