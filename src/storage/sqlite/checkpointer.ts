/**
 * WAL checkpoints off the event loop.
 *
 * By default SQLite checkpoints from the connection whose COMMIT takes the WAL past 1,000 pages: it copies
 * those pages into the database file and fsyncs the WAL and the database, inside that COMMIT. better-sqlite3
 * is synchronous, so each checkpoint stalled every request of the process. strace on a B1 run (session 3)
 * showed the main thread's fsync(WAL) + fsync(db) pairs taking 20–40 ms every few seconds, which matched the
 * server's event-loop lag maximum (48 ms) at 300 registrations/s.
 *
 * Here a worker thread with its own connection runs a PASSIVE checkpoint every `intervalMs`: PASSIVE never
 * blocks readers or writers of the other connections (sqlite.org/c3ref/wal_checkpoint_v2.html), and its fsyncs
 * wait on the worker's thread. Durability does not depend on it: every commit is durable in the WAL before it
 * is acknowledged (group-commit.ts), and a checkpoint only moves already durable pages. The connections of the
 * main thread keep a far larger auto-checkpoint threshold (`BACKSTOP_PAGES`) so that the WAL stays bounded if
 * the worker ever falls behind or dies. A WAL that has been checkpointed completely is reused from its start by
 * the next writer, so it does not grow.
 *
 * NOT the default (SQLITE_CHECKPOINT=background opts in): measured on our 2-core benchmark machine with the
 * server pinned to one core, the worker shares that core and cost more than it saved. B4 at 1M entries,
 * back to back: FindDocuments(10) 658/s at 1.47 CPU-ms with the worker against 914/s at 1.07 in the foreground,
 * open-loop p99 at 500/s 54 against 20 ms (BENCHMARKS.md, session 3). It may pay off where the process is not
 * confined to one core; measure before switching.
 */
import { Worker } from 'node:worker_threads';
import type { Db } from './db-sqlite';

/** Auto-checkpoint threshold left on the main thread's connections: 64 MiB of 4 KiB pages. */
export const BACKSTOP_PAGES = 16_384;

export interface Checkpointer {
  /** Stops the worker; resolves once its connection is closed (call before closing the main connections). */
  stop(): Promise<void>;
}

// Plain JavaScript so that the worker needs no TypeScript loader. It only checkpoints: it never writes rows.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma('wal_autocheckpoint = 0');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try { checkpoint.get(); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

/**
 * Starts the checkpoint worker for the database file of `db` and lowers the main connections' own
 * checkpoints to a backstop. `onError` hears about failed checkpoints (they are retried at the next tick).
 */
export function startCheckpointer(
  file: string,
  connections: readonly Db[],
  o: { readonly intervalMs?: number; readonly onError?: (message: string) => void } = {},
): Checkpointer {
  for (const c of connections) c.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, driver: require.resolve('better-sqlite3'), intervalMs: o.intervalMs ?? 200 },
  });
  worker.unref(); // never keeps the process alive on its own
  let stopped = false;
  let exited = false;
  worker.once('exit', () => (exited = true));
  worker.on('message', (m: { error?: string }) => {
    if (m.error) o.onError?.(m.error);
  });
  worker.on('error', (err) => o.onError?.(err.message));
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (stopped || exited) return resolve();
        stopped = true;
        const done = () => resolve();
        worker.once('exit', done);
        worker.on('message', (m: { stopped?: boolean }) => {
          if (m.stopped) void worker.terminate();
        });
        worker.postMessage('stop');
      }),
  };
}
