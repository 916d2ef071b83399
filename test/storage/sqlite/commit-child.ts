/**
 * Child process for SQLite multi-process tests.
 *   race <dir> <uniqueId> <startAtMs>: commits one DocumentEntry with that uniqueId at the given time and
 *     prints "ok" or "conflict <kind>".
 *   loop <dir>: stores and commits documents forever, printing "acked <uid> <sha1>" after each commit.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ConflictError } from '../../../src/errors';
import { openSqliteStores } from '../../../src/storage/sqlite/open-sqlite';
import { docEntry, oid, submission } from '../fixtures';

async function race(dir: string, uniqueId: string, startAt: number): Promise<void> {
  const stores = await openSqliteStores(dir);
  await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
  try {
    // Different content under one uniqueId: only one may be registered.
    await stores.registry.commit(submission([docEntry({ uniqueId, hash: randomBytes(20).toString('hex'), size: '20' })]));
    process.stdout.write('ok\n');
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    process.stdout.write(`conflict ${err.kind}\n`);
  }
  await stores.close();
}

async function loop(dir: string): Promise<void> {
  const stores = await openSqliteStores(dir);
  for (let i = 0; ; i++) {
    const blob = await stores.documents.putPending(Readable.from([randomBytes(1 + (i % 7) * 50_000)]));
    const uid = oid();
    await stores.documents.commit([{ documentUniqueId: uid, repositoryUniqueId: '1.2.3', blobId: blob.blobId, mimeType: 'text/plain', sha1: blob.sha1, size: blob.size }]);
    process.stdout.write(`acked ${uid} ${blob.sha1}\n`);
  }
}

const [mode, dir, a, b] = process.argv.slice(2);
(mode === 'race' ? race(dir, a, Number(b)) : loop(dir)).catch((err: unknown) => {
  process.stdout.write(`error ${String(err)}\n`);
  process.exit(1);
});
