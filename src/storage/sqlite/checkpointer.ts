/**
 * WAL checkpoints on a worker thread (sqlite.org/wal.html, "Automatic Checkpoint": an application may turn
 * them off and run them in a separate thread). SQLite's automatic checkpoint runs inside the COMMIT that
 * crosses 1,000 WAL pages, on the main thread: it copies ~4 MB into the database file and fsyncs it, and
 * the event loop stood still for it. Measured in BENCHMARKS.md (session 5): a 9 ms stall every ~0.2 s at 150
 * small ITI-41/s, and the 8–10 ms audit commits under PIX load.
 *
 * Here the connections of the process run with `wal_autocheckpoint = 0`, and a worker thread with its own
 * connection runs `PRAGMA wal_checkpoint(PASSIVE)` every `intervalMs` while writes keep going. PASSIVE never
 * blocks a writer or a reader. Durability is unchanged: every commit's WAL frames are fsync'ed before it is
 * acknowledged (group-commit.ts), and the checkpoint fsyncs the database file before the WAL can be reused.
 *
 * Rewinding the WAL. A writer starts the WAL again from its first frame only when the WAL is wholly copied
 * at the moment its transaction begins. Under steady writes (an audit row per PIX query, every ~1 ms) some
 * commit always lands while the worker copies and syncs, so its checkpoints never end complete and the WAL
 * grew without bound: 8.7 MB/s at 1,000 audited queries/s (BENCHMARKS.md, session 5), with reads slowing as
 * the WAL index grew. So once the WAL holds `restartFrames` or more, the worker's checkpoint is followed by
 * `finish` on the event loop: a PASSIVE checkpoint on a connection of the process, which copies only what
 * arrived during the worker's run (a few pages) plus one fsync, and which no commit can interleave with, so the
 * next writer rewinds. With `journal_size_limit` (db-sqlite.ts) the file shrinks back after a burst.
 */
import { Worker } from 'node:worker_threads';

/** The worker's whole program: plain JavaScript, so it runs the same under tsx and compiled. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 10000');
parentPort.on('message', () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
});
`;

/** Frames in the WAL and frames copied into the database by one checkpoint. */
export interface CheckpointResult {
  readonly log: number;
  readonly checkpointed: number;
}

const FAILED: CheckpointResult = { log: -1, checkpointed: -1 };

export class Checkpointer {
  /** Started by the first checkpoint: a store opened and closed within `intervalMs` (tests) never pays for it. */
  private worker: Worker | undefined;
  private readonly timer: NodeJS.Timeout;
  private waiting: ((r: CheckpointResult) => void)[] = [];
  private running: Promise<CheckpointResult> | undefined;
  private closed = false;

  /**
   * `onError` hears a failed checkpoint (the next one retries); the database stays correct either way.
   * `finish` runs a PASSIVE checkpoint on the event loop's own connection (see above), after a worker
   * checkpoint that found `restartFrames` (default 1,000, SQLite's own auto-checkpoint size) or more.
   */
  constructor(
    private readonly file: string,
    private readonly o: {
      readonly intervalMs?: number;
      readonly onError?: (message: string) => void;
      readonly finish?: () => void;
      readonly restartFrames?: number;
    } = {},
  ) {
    this.timer = setInterval(() => void this.checkpoint(), o.intervalMs ?? 200);
    this.timer.unref();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: this.file, driver: require.resolve('better-sqlite3') } });
    w.unref();
    w.on('message', (m: CheckpointResult & { error?: string }) => {
      if (m.error !== undefined) this.o.onError?.(m.error);
      else if (m.log >= (this.o.restartFrames ?? 1000)) this.finish();
      this.settle(m.error === undefined ? m : FAILED);
    });
    w.on('error', (err) => {
      this.o.onError?.(err.message);
      this.worker = undefined; // the next checkpoint starts a new one
      this.settle(FAILED);
    });
    this.worker = w;
    return w;
  }

  private finish(): void {
    if (this.closed || !this.o.finish) return;
    try {
      this.o.finish();
    } catch (err) {
      this.o.onError?.((err as Error).message);
    }
  }

  private settle(r: CheckpointResult): void {
    const done = this.waiting;
    this.waiting = [];
    for (const w of done) w(r);
  }

  /** Runs a checkpoint now, or joins the one running; resolves with its result (-1 when it failed). */
  checkpoint(): Promise<CheckpointResult> {
    if (this.closed) return Promise.resolve(FAILED);
    this.running ??= new Promise<CheckpointResult>((resolve) => {
      this.waiting.push(resolve);
      this.started().postMessage('checkpoint');
    }).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Waits for a running checkpoint, then stops the worker (its connection closes with it). */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    await this.running;
    this.closed = true;
    await this.worker?.terminate();
  }
}
