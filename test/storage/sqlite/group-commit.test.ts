/** GroupCommit: one transaction per event-loop turn, a savepoint per item, settle only after COMMIT and its WAL fsync. */
import { expect } from 'chai';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { GroupCommit } from '../../../src/storage/sqlite/group-commit';

describe('storage/sqlite GroupCommit', () => {
  const open = () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)');
    return db;
  };

  it('commits a turn in one transaction; a failing item rolls back alone and later items see earlier ones', async () => {
    const db = open();
    const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    const g = new GroupCommit<[string, string]>(db, ([k, v]) => {
      insert.run(`${k}-a`, v);
      insert.run(k, v); // a duplicate k fails after the first write of its item
    });
    const results = await Promise.allSettled([g.submit(['x', '1']), g.submit(['x', '2']), g.submit(['y', '3'])]);
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect(db.prepare('SELECT k, v FROM t ORDER BY k').all()).to.deep.equal([
      { k: 'x', v: '1' },
      { k: 'x-a', v: '1' },
      { k: 'y', v: '3' },
      { k: 'y-a', v: '3' },
    ]);
  });

  it('settles nothing before the turn ends (one flush for work submitted together)', async () => {
    const db = open();
    const seen: number[] = [];
    const g = new GroupCommit<number>(db, (n) => {
      seen.push(n);
    });
    const all = Promise.all([1, 2, 3].map((n) => g.submit(n)));
    expect(seen, 'not applied synchronously').to.deep.equal([]);
    await all;
    expect(seen).to.deep.equal([1, 2, 3]);
  });
});

describe('storage/sqlite GroupCommit on a WAL file at synchronous=FULL', () => {
  const dirs: string[] = [];
  const dbs: Database.Database[] = [];
  after(() => {
    for (const db of dbs) if (db.open) db.close();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  const openFile = (synchronous = 'FULL') => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-gc-'));
    dirs.push(dir);
    const db = new Database(join(dir, 'x.db'));
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
    dbs.push(db);
    return { db, file: join(realpathSync(dir), 'x.db') };
  };

  /** An fsync the test completes by hand, recording which file was synced and when. */
  const manualFsync = () => {
    const calls: { path: string; done: () => void; fail: (e: Error) => void }[] = [];
    const fsyncFile = (path: string) => new Promise<void>((resolve, reject) => calls.push({ path, done: resolve, fail: reject }));
    return { calls, fsyncFile };
  };
  const turn = () => new Promise<void>((r) => setImmediate(r));
  const settled = (p: Promise<unknown>) => {
    const s = { done: false };
    p.then(() => (s.done = true), () => (s.done = true));
    return s;
  };

  it('commits without the inline fsync, then settles only after the WAL file was fsynced; FULL is restored', async () => {
    const { db, file } = openFile();
    const { calls, fsyncFile } = manualFsync();
    const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
    const syncDuringApply: number[] = [];
    const g = new GroupCommit<string>(db, (k) => {
      syncDuringApply.push(db.pragma('synchronous', { simple: true }) as number);
      insert.run(k);
    }, { fsyncFile });
    const p = g.submit('a');
    const s = settled(p);
    await turn();
    await turn();
    expect(db.prepare('SELECT k FROM t').pluck().all(), 'committed').to.deep.equal(['a']);
    expect(syncDuringApply).to.deep.equal([1]);
    expect(db.pragma('synchronous', { simple: true }), 'restored').to.equal(2);
    expect(calls.map((c) => c.path)).to.deep.equal([`${file}-wal`]);
    expect(s.done, 'not acknowledged before the fsync').to.equal(false);
    calls[0]!.done();
    await p;
  });

  it('submitNow commits within the call (earlier queued items first), and still settles only after the fsync', async () => {
    const { db } = openFile();
    const { calls, fsyncFile } = manualFsync();
    const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
    const g = new GroupCommit<string>(db, (k) => void insert.run(k), { fsyncFile });
    const queued = g.submit('a');
    const now = g.submitNow('b');
    const s = settled(now);
    expect(db.prepare('SELECT k FROM t ORDER BY rowid').pluck().all(), 'both committed, in order, before the turn ends').to.deep.equal(['a', 'b']);
    await turn();
    await turn();
    expect(s.done, 'not acknowledged before the fsync').to.equal(false);
    expect(calls).to.have.length(1); // the end-of-turn flush found nothing left to commit
    calls[0]!.done();
    await Promise.all([queued, now]);
  });

  it('batches committed while an fsync runs share the next fsync (each served by one that started after it)', async () => {
    const { db } = openFile();
    const { calls, fsyncFile } = manualFsync();
    const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
    const g = new GroupCommit<string>(db, (k) => void insert.run(k), { fsyncFile });
    const a = g.submit('a');
    await turn();
    expect(calls).to.have.length(1);
    const b = g.submit('b');
    await turn();
    const c = g.submit('c');
    await turn();
    const sb = settled(b);
    expect(calls, 'b and c wait for the running fsync to end').to.have.length(1);
    calls[0]!.done();
    await a;
    await turn();
    expect(sb.done, 'b committed after the first fsync started: not covered by it').to.equal(false);
    expect(calls).to.have.length(2);
    calls[1]!.done();
    await Promise.all([b, c]);
    expect(calls).to.have.length(2);
  });

  it('a failed fsync rejects every promise of its batch', async () => {
    const { db } = openFile();
    const { calls, fsyncFile } = manualFsync();
    const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
    const g = new GroupCommit<string>(db, (k) => void insert.run(k), { fsyncFile });
    const all = Promise.allSettled([g.submit('a'), g.submit('b')]);
    await turn();
    calls[0]!.fail(new Error('EIO'));
    expect((await all).map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
  });

  it('never fsyncs itself for in-memory or synchronous=NORMAL/OFF connections (as configured)', async () => {
    const { calls, fsyncFile } = manualFsync();
    const mem = new Database(':memory:');
    mem.exec('CREATE TABLE t (k TEXT)');
    for (const db of [mem, openFile('NORMAL').db, openFile('OFF').db]) {
      const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
      await new GroupCommit<string>(db, (k) => void insert.run(k), { fsyncFile }).submit('a');
    }
    expect(calls).to.have.length(0);
  });

  it('the default fdatasync of the WAL works on a real file and the rows survive reopening', async () => {
    const { db, file } = openFile();
    const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
    const g = new GroupCommit<string>(db, (k) => void insert.run(k));
    await Promise.all(['a', 'b', 'c'].map((k) => g.submit(k)));
    db.close();
    const again = new Database(file);
    expect(again.prepare('SELECT k FROM t ORDER BY k').pluck().all()).to.deep.equal(['a', 'b', 'c']);
    again.close();
  });
});
