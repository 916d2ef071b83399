/** WAL checkpoints run on a worker thread; the connections of the process never run one in a commit. */
import { randomBytes } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { openSqliteStores, type SqliteStores } from '../../../src/storage/sqlite/open-sqlite';
import { tempDir } from '../backends';
import { oid } from '../fixtures';

describe('SQLite WAL checkpointer', () => {
  let dir: string;
  let s: SqliteStores;
  beforeEach(async () => {
    dir = await tempDir();
    s = await openSqliteStores(dir);
  });
  afterEach(async () => {
    await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  const walBytes = async () => (await stat(join(dir, 'tessera.db-wal'))).size;

  /** ~1.2 MB of WAL: forty 30 KB documents, kept in the database. */
  async function writeRound(): Promise<void> {
    for (let i = 0; i < 40; i++) {
      const blob = await s.documents.putPending(Readable.from([randomBytes(30_000)]));
      await s.documents.commit([{ documentUniqueId: oid(), repositoryUniqueId: '1.2.3', blobId: blob.blobId, mimeType: 'text/plain', sha1: blob.sha1, size: blob.size }]);
    }
  }

  it('turns automatic checkpoints off on the connections of the process', () => {
    expect(s.registry['db'].pragma('wal_autocheckpoint', { simple: true })).to.equal(0);
  });

  it('copies the WAL into the database on its worker, so the WAL is reused instead of growing', async () => {
    for (let round = 0; round < 10; round++) {
      await writeRound();
      const r = await s.checkpointer.checkpoint();
      expect(r.log, 'frames in the WAL').to.be.greaterThan(0);
      expect(r.checkpointed, 'a quiet checkpoint copies every frame').to.equal(r.log);
    }
    // 10 rounds wrote ~12 MB of WAL; rewound after each checkpoint, the file holds about one round.
    expect(await walBytes()).to.be.below(4 * 1024 * 1024);
  });

  it('rewinds the WAL while commits never stop (audit rows back to back, as under PIX load)', async function () {
    this.timeout(20_000);
    const record = { eventId: '110112', eventTypeCode: 'ITI-45', action: 'E' as const, outcome: 0 as const, time: new Date().toISOString(), objects: [{ type: 'patient', id: 'x'.repeat(500) }] };
    const logs: number[] = [];
    let writing = true;
    let commits = 0;
    let last: Promise<void> = Promise.resolve();
    // One audit transaction per event-loop turn: some commit always lands while the worker copies.
    const write = () => {
      if (!writing) return;
      last = s.audit.append(record).then(() => void commits++);
      setImmediate(write);
    };
    write();
    try {
      while (logs.length < 12) {
        await new Promise((r) => setTimeout(r, 100));
        logs.push((await s.checkpointer.checkpoint()).log);
      }
    } finally {
      writing = false;
      await last; // the store closes after the test: no append may still be queued then
    }
    expect(commits, 'commits went on throughout').to.be.greaterThan(1000);
    // Without a rewind the WAL only grows, and every checkpoint reports more frames than the one before.
    const rewinds = logs.filter((n, i) => i > 0 && n < logs[i - 1]!).length;
    expect(rewinds, `frames per checkpoint: ${logs.join(' ')}`).to.be.greaterThan(3);
  });

  it('keeps every committed document readable after checkpoints and a reopen', async () => {
    const blob = await s.documents.putPending(Readable.from([Buffer.from('after the checkpoint')]));
    const rec = { documentUniqueId: oid(), repositoryUniqueId: '1.2.3', blobId: blob.blobId, mimeType: 'text/plain', sha1: blob.sha1, size: blob.size };
    await s.documents.commit([rec]);
    await s.checkpointer.checkpoint();
    await s.close();
    s = await openSqliteStores(dir);
    expect(await s.documents.find(rec.documentUniqueId, '1.2.3')).to.deep.equal(rec);
  });
});
