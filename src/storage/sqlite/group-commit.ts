/**
 * Group commit (performance.md §5.3, B1: "group-committed fsync"): work submitted in the same event-loop
 * turn shares one SQLite transaction, so concurrent submissions pay for one fsync instead of one each.
 * Each item runs in its own savepoint (a nested better-sqlite3 transaction), so a failing item rolls back
 * alone and later items see the writes of earlier ones, exactly as if they had been committed in order.
 *
 * Durability without blocking the event loop: better-sqlite3 is synchronous, so with synchronous=FULL the
 * COMMIT's WAL fsync stalled every connection of the process for its whole duration (BENCHMARKS.md B1: the
 * flush was 40% of the main thread's time). When the connection is in WAL mode at FULL (or EXTRA), the
 * batch is committed with synchronous=NORMAL (identical WAL frames and checksums, only the commit fsync is
 * skipped; the WAL header and checkpoints are still synced) and the WAL file is then fdatasync'ed on the
 * libuv thread pool. Every promise of the batch settles only after that fsync returned, so nothing
 * acknowledged is ever lost, as before. A WAL is append-only until a checkpoint has copied and synced all
 * of it, so one fsync covers every batch committed before it started; batches that commit while an fsync
 * runs share the next one.
 *
 * The one observable difference: another reader can see a batch between its COMMIT and its fsync (at most
 * one fsync, ~0.2–10 ms). Nothing built on it can be acknowledged earlier than it: later commits are synced
 * with it, and a replayed submission waits for the sync (register-submission.ts).
 */
import { closeSync, fdatasync, openSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db-sqlite';

const fdatasyncAsync = promisify(fdatasync);

interface Pending<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** SQLite's `PRAGMA synchronous` levels (sqlite.org/pragma.html#pragma_synchronous). */
const SYNC_NORMAL = 1;
const SYNC_FULL = 2;

export interface GroupCommitOptions {
  /** Items per transaction at most (default 128); the rest go to the next turn. */
  readonly maxBatch?: number;
  /** fdatasync of a file by path (default: node:fs on the thread pool); replaceable for tests. */
  readonly fsyncFile?: (path: string) => Promise<void>;
}

export class GroupCommit<T> {
  private queue: Pending<T>[] = [];
  private scheduled = false;
  private readonly runBatch: (items: readonly T[]) => unknown[];
  /** Undefined until the first flush decides; null when commits fsync inline (memory, non-WAL databases). */
  private walSync: WalSync | null | undefined;

  /** PRAGMA statements prepared once: db.pragma() prepares on every call (~25 µs each, three per flush; B7). */
  private readonly pragmas = new Map<string, Statement>();
  private readonly maxBatch: number;
  private readonly fsyncFile: (path: string) => Promise<void>;

  constructor(
    private readonly db: Db,
    apply: (item: T) => void,
    o: GroupCommitOptions = {},
  ) {
    this.maxBatch = o.maxBatch ?? 128;
    this.fsyncFile = o.fsyncFile ?? fdatasyncFile;
    const one = db.transaction(apply); // called inside the batch transaction: a savepoint
    const failed = Symbol('failed');
    this.runBatch = db.transaction((items: readonly T[]) =>
      items.map((item) => {
        try {
          one(item);
          return undefined;
        } catch (err) {
          return err ?? failed;
        }
      }),
    ).immediate;
  }

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Commits `item` (and anything queued before it) right now, in this call, instead of at the end of the turn;
   * the promise still settles only after the WAL fsync. For a caller that is serial anyway and must read its
   * own writes before it can go on (the identity feed queue): waiting for the next turn there cost one
   * event-loop iteration per feed (B7 feed, session 3). Writers that run concurrently should use `submit`,
   * which shares one transaction between them.
   */
  submitNow(item: T): Promise<void> {
    const settled = this.submit(item);
    this.flush();
    return settled;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return; // submitNow already committed what this turn's flush was scheduled for
    if (this.queue.length > 0) this.schedule();
    const sync = this.deferredSync();
    const run = () => this.runBatch(batch.map((p) => p.item));
    let outcomes: unknown[];
    try {
      outcomes = sync ? this.withoutCommitFsync(sync.level, run) : run();
    } catch (err) {
      for (const p of batch) p.reject(err); // the batch did not commit: nobody succeeded
      return;
    }
    const settle = () => batch.forEach((p, i) => (outcomes[i] === undefined ? p.resolve() : p.reject(outcomes[i])));
    if (!sync) return settle();
    // The batch is committed but durable only after the fsync: a failed fsync leaves its fate unknown, as
    // a lost connection would, and the client's retry is answered as a replay once it is durable.
    sync.wal.afterNow().then(settle, (err: unknown) => batch.forEach((p) => p.reject(err)));
  }

  /** The WAL to fsync after COMMIT and the level to restore, when this connection's commits must be durable. */
  private deferredSync(): { wal: WalSync; level: number } | undefined {
    if (this.walSync === undefined) this.walSync = walSyncOf(this.db, this.fsyncFile);
    if (this.walSync === null) return undefined;
    const level = this.pragma('PRAGMA synchronous').pluck().get() as number;
    return level >= SYNC_FULL ? { wal: this.walSync, level } : undefined; // OFF/NORMAL: as configured, no fsync
  }

  private pragma(sql: string): Statement {
    let s = this.pragmas.get(sql);
    if (!s) this.pragmas.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  private withoutCommitFsync<R>(level: number, run: () => R): R {
    this.pragma(`PRAGMA synchronous = ${SYNC_NORMAL}`).run();
    try {
      return run();
    } finally {
      this.pragma(`PRAGMA synchronous = ${level}`).run();
    }
  }
}

function walSyncOf(db: Db, fsyncFile: (path: string) => Promise<void>): WalSync | null {
  if (db.memory || String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return null;
  // SQLite's own absolute path of the main database (the constructor's path may be relative).
  const main = (db.pragma('database_list') as { name: string; file: string }[]).find((d) => d.name === 'main');
  return main?.file ? new WalSync(`${main.file}-wal`, fsyncFile) : null;
}

/**
 * fdatasync of one WAL file on the thread pool, coalesced: each caller is served by an fsync that started
 * after it asked, and callers arriving while one runs share the next.
 */
class WalSync {
  private running = false;
  private waiting: { resolve: () => void; reject: (err: unknown) => void }[] = [];

  constructor(
    private readonly path: string,
    private readonly fsyncFile: (path: string) => Promise<void>,
  ) {}

  afterNow(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.running || this.waiting.length === 0) return;
    const served = this.waiting;
    this.waiting = [];
    this.running = true;
    this.fsyncFile(this.path)
      .then(
        () => served.forEach((w) => w.resolve()),
        (err: unknown) => served.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        this.running = false;
        this.next();
      });
  }
}

/**
 * Open and close inline, fdatasync on the thread pool: a thread-pool round trip costs ~30 µs of CPU here
 * and only the fdatasync waits for the disk (documents-sqlite.ts, "System calls").
 */
async function fdatasyncFile(path: string): Promise<void> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    // The WAL is deleted only when the last connection closes, after checkpointing (and syncing) all of it.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    await fdatasyncAsync(fd);
  } finally {
    closeSync(fd);
  }
}
