import { expect } from 'chai';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStores, type SqliteStores } from '../../../src/storage/sqlite/open-sqlite';
import type { Db } from '../../../src/storage/sqlite/db-sqlite';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The registry connection of a store, for writing filler rows straight into the audit table. */
const dbOf = (s: SqliteStores) => (s.registry as unknown as { db: Db }).db;

async function writeRounds(stores: SqliteStores, dir: string, rounds: number): Promise<number[]> {
  const db = dbOf(stores);
  const insert = db.prepare('INSERT INTO audit (time, json) VALUES (?, ?)');
  const fill = db.transaction(() => {
    for (let i = 0; i < 500; i++) insert.run('2026-11-25T00:00:00Z', 'x'.repeat(4000)); // ~2 MB of pages
  });
  const sizes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    fill();
    await sleep(400); // two worker ticks
    sizes.push((await stat(join(dir, 'tessera.db-wal'))).size);
  }
  return sizes;
}

describe('background WAL checkpoints (checkpointer.ts)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-ckpt-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('keeps the WAL from growing while the main connections do not checkpoint themselves', async () => {
    const stores = await openSqliteStores(dir, { checkpoint: 'background' });
    try {
      expect(dbOf(stores).pragma('wal_autocheckpoint', { simple: true })).to.equal(16_384);
      const sizes = await writeRounds(stores, dir, 5);
      // 5 rounds × ~2 MB: without the worker the WAL would hold all of it (the backstop is 64 MiB).
      expect(Math.max(...sizes)).to.be.below(5 * 1024 * 1024);
      const rows = dbOf(stores).prepare('SELECT count(*) AS n FROM audit').get() as { n: number };
      expect(rows.n).to.equal(2500);
    } finally {
      await stores.close();
    }
  });

  it('the foreground mode leaves SQLite its default threshold', async () => {
    const stores = await openSqliteStores(dir);
    try {
      expect(dbOf(stores).pragma('wal_autocheckpoint', { simple: true })).to.equal(1000);
    } finally {
      await stores.close();
    }
  });

  it('stops cleanly, twice, and the data survives a reopen', async () => {
    const stores = await openSqliteStores(dir, { checkpoint: 'background' });
    await writeRounds(stores, dir, 1);
    await stores.close();
    await stores.close();
    const again = await openSqliteStores(dir);
    try {
      const rows = dbOf(again).prepare('SELECT count(*) AS n FROM audit').get() as { n: number };
      expect(rows.n).to.equal(500);
    } finally {
      await again.close();
    }
  });
});
