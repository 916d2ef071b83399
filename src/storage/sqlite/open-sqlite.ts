/** The embedded backend: `<dataDir>/tessera.db` plus document files under `<dataDir>/documents/`. */
import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { Checkpointer } from './checkpointer';
import { join } from 'node:path';
import type { Stores } from '../stores';
import { SqliteAuditStore } from './audit-sqlite';
import { openDb } from './db-sqlite';
import { FileDocumentStore } from './documents-sqlite';
import { SqlitePatientIndex } from './patients-sqlite';
import { SqliteRegistryStore } from './registry-sqlite';
import { SqliteIdentityStore } from './identity-sqlite';

export interface SqliteStores extends Stores {
  readonly kind: 'sqlite';
  readonly registry: SqliteRegistryStore;
  readonly checkpointer: Checkpointer;
}

export async function openSqliteStores(dataDir: string, o: { readonly log?: Logger } = {}): Promise<SqliteStores> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, 'tessera.db');
  // WAL checkpoints run on a worker thread, never inside a commit of the event loop (checkpointer.ts).
  const db = openDb(file, { autoCheckpoint: false });
  // Audit records get their own connection without an fsync per record: in WAL mode NORMAL survives a
  // process crash, only an OS crash or power loss can drop the latest records. Submissions stay FULL.
  // One fsync per audited request was 18% of a query's main-thread time (BENCHMARKS.md, hot spot 2).
  const auditDb = openDb(file, { synchronous: 'NORMAL', autoCheckpoint: false });
  const checkpointer = new Checkpointer(file, {
    onError: (message) => o.log?.warn({ message }, 'WAL checkpoint failed; the next one retries'),
    finish: () => db.pragma('wal_checkpoint(PASSIVE)'),
  });
  try {
    const documents = await FileDocumentStore.open(db, join(dataDir, 'documents'));
    return {
      kind: 'sqlite',
      // The registry writes an in-process ITI-41's document rows in the registration's own transaction.
      registry: new SqliteRegistryStore(db, documents.applyRows),
      documents,
      patients: new SqlitePatientIndex(db),
      audit: new SqliteAuditStore(auditDb),
      identity: new SqliteIdentityStore(db),
      checkpointer,
      close: async () => {
        await checkpointer.close();
        if (auditDb.open) auditDb.close();
        if (db.open) db.close();
      },
    };
  } catch (err) {
    await checkpointer.close();
    auditDb.close();
    db.close();
    throw err;
  }
}
