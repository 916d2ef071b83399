/** The embedded backend: `<dataDir>/tessera.db` plus document files under `<dataDir>/documents/`. */
import { mkdir } from 'node:fs/promises';
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
}

export async function openSqliteStores(dataDir: string): Promise<SqliteStores> {
  await mkdir(dataDir, { recursive: true });
  const db = openDb(join(dataDir, 'tessera.db'));
  try {
    const documents = await FileDocumentStore.open(db, join(dataDir, 'documents'));
    return {
      kind: 'sqlite',
      registry: new SqliteRegistryStore(db),
      documents,
      patients: new SqlitePatientIndex(db),
      audit: new SqliteAuditStore(db),
      identity: new SqliteIdentityStore(db),
      close: async () => {
        if (db.open) db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
