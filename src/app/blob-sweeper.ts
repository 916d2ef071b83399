/**
 * Removes pending document blobs that never got committed: what an upload left behind when the process
 * was killed mid-request or a registration failed without clean-up (security.md §4.1, step 5).
 * Runs once at start and then every `everyMs`; only blobs older than `olderThanMs` go, so uploads in
 * flight (in this process or another one sharing the store) are never touched.
 */
import type { Logger } from 'pino';
import type { DocumentStore } from '../repository/ports';

export interface Sweeper {
  stop(): Promise<void>;
}

export function startBlobSweeper(documents: DocumentStore, o: { olderThanMs: number; everyMs: number; log: Logger }): Sweeper {
  let running: Promise<void> = Promise.resolve();
  const sweepOnce = () => {
    running = documents
      .sweep(o.olderThanMs)
      .then((removed) => {
        if (removed > 0) o.log.info({ removed }, 'swept pending document blobs');
      })
      .catch((err: unknown) => o.log.warn({ err: (err as Error).message }, 'pending blob sweep failed'));
  };
  sweepOnce();
  const timer = setInterval(sweepOnce, o.everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
