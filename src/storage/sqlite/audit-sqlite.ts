/**
 * AuditStore on SQLite: an append-only table (nothing updates or deletes rows).
 *
 * Records appended in the same event-loop turn are inserted in one transaction: an autocommit INSERT per
 * record wrote its own WAL frames (the table's last page, again and again) and took the write lock once per
 * audited request. `append` resolves once its record is committed (synchronous = NORMAL on this
 * connection, see open-sqlite.ts).
 */
import type { AuditRecord, AuditStore } from '../../security/ports';
import type { Db } from './db-sqlite';

interface Queued {
  readonly record: AuditRecord;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class SqliteAuditStore implements AuditStore {
  private readonly insertAll: (records: readonly AuditRecord[]) => void;
  private queue: Queued[] = [];

  constructor(private readonly db: Db) {
    const insert = db.prepare('INSERT INTO audit (time, json) VALUES (?, ?)');
    this.insertAll = db.transaction((records: readonly AuditRecord[]) => {
      for (const r of records) insert.run(r.time, JSON.stringify(r));
    });
  }

  append(record: AuditRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    try {
      this.insertAll(batch.map((q) => q.record));
    } catch (err) {
      for (const q of batch) q.reject(err);
      return;
    }
    for (const q of batch) q.resolve();
  }

  /** The latest `limit` records, newest first. */
  async recent(limit: number): Promise<AuditRecord[]> {
    const rows = this.db.prepare('SELECT json FROM audit ORDER BY seq DESC LIMIT ?').all(limit) as { json: string }[];
    return rows.map((r) => JSON.parse(r.json) as AuditRecord);
  }
}
