/** AuditStore on SQLite: an append-only table (nothing updates or deletes rows). */
import type { AuditRecord, AuditStore } from '../../security/ports';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db-sqlite';

export class SqliteAuditStore implements AuditStore {
  private readonly insert: Statement;

  constructor(private readonly db: Db) {
    this.insert = db.prepare('INSERT INTO audit (time, json) VALUES (?, ?)');
  }

  async append(record: AuditRecord): Promise<void> {
    this.insert.run(record.time, JSON.stringify(record));
  }

  /** The latest `limit` records, newest first. */
  async recent(limit: number): Promise<AuditRecord[]> {
    const rows = this.db.prepare('SELECT json FROM audit ORDER BY seq DESC LIMIT ?').all(limit) as { json: string }[];
    return rows.map((r) => JSON.parse(r.json) as AuditRecord);
  }
}
