/** GroupCommit: one transaction per event-loop turn, a savepoint per item, settle only after COMMIT. */
import { expect } from 'chai';
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
