/**
 * Group commit (performance.md §5.3, B1: "group-committed fsync"): work submitted in the same event-loop
 * turn shares one SQLite transaction, so concurrent submissions pay for one fsync instead of one each.
 * Each item runs in its own savepoint (a nested better-sqlite3 transaction), so a failing item rolls back
 * alone and later items see the writes of earlier ones, exactly as if they had been committed in order.
 * Every promise settles only after the shared COMMIT returned: with synchronous=FULL the batch is durable
 * before anyone is told it succeeded (nothing acknowledged is ever lost).
 */
import type { Db } from './db-sqlite';

interface Pending<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class GroupCommit<T> {
  private queue: Pending<T>[] = [];
  private scheduled = false;
  private readonly runBatch: (items: readonly T[]) => unknown[];

  constructor(
    db: Db,
    apply: (item: T) => void,
    private readonly maxBatch = 128,
  ) {
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

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length > 0) this.schedule();
    let outcomes: unknown[];
    try {
      outcomes = this.runBatch(batch.map((p) => p.item));
    } catch (err) {
      for (const p of batch) p.reject(err); // the batch did not commit: nobody succeeded
      return;
    }
    batch.forEach((p, i) => (outcomes[i] === undefined ? p.resolve() : p.reject(outcomes[i])));
  }
}
