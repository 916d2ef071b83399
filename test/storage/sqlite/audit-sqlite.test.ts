/** The embedded backend's audit connection: records of one turn share one transaction. */
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStores } from '../../../src/storage/sqlite/open-sqlite';
import { SqliteAuditStore } from '../../../src/storage/sqlite/audit-sqlite';
import type { AuditRecord } from '../../../src/security/ports';

const record = (i: number): AuditRecord => ({
  eventId: '110107',
  eventTypeCode: 'ITI-42',
  action: 'C',
  outcome: 0,
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)).toISOString(),
  messageId: `urn:uuid:m-${i}`,
  objects: [{ type: 'test', id: String(i) }],
});

describe('storage/sqlite SqliteAuditStore', function () {
  this.timeout(30_000);
  const dirs: string[] = [];
  after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  const newDir = async () => {
    const d = await mkdtemp(join(tmpdir(), 'tessera-open-'));
    dirs.push(d);
    return d;
  };

  it('inserts audit records of one turn in one transaction, in order, and resolves each', async () => {
    const dir = await newDir();
    const stores = await openSqliteStores(dir);
    try {
      await Promise.all([0, 1, 2, 3, 4].map((i) => stores.audit.append(record(i))));
      await stores.audit.append(record(5));
      expect((await stores.audit.recent(10)).map((r) => r.messageId)).to.deep.equal([5, 4, 3, 2, 1, 0].map((i) => `urn:uuid:m-${i}`));
    } finally {
      await stores.close();
    }
    const db = new Database(join(dir, 'tessera.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) FROM audit').pluck().get()).to.equal(6);
    db.close();
  });

  it('commits a turn all or nothing: a record that cannot be stored fails its whole turn, not the next', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, json TEXT NOT NULL)');
    const audit = new SqliteAuditStore(db);
    const broken = { ...record(1), time: null } as unknown as AuditRecord; // NOT NULL fails inside the batch
    const turn = await Promise.allSettled([audit.append(record(0)), audit.append(broken), audit.append(record(2))]);
    expect(turn.map((r) => r.status)).to.deep.equal(['rejected', 'rejected', 'rejected']);
    expect(db.prepare('SELECT count(*) FROM audit').pluck().get(), 'one transaction: nothing of that turn').to.equal(0);
    await audit.append(record(3));
    expect((await audit.recent(5)).map((r) => r.messageId)).to.deep.equal(['urn:uuid:m-3']);
    db.close();
  });
});
