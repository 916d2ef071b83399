/**
 * Picks the storage backend: MongoDB when a URI is configured, else embedded SQLite under dataDir.
 * Nothing connects at import time: a backend connects only inside openStores().
 */
import type { Logger } from 'pino';
import { openMongoStores } from './mongodb/open-mongodb';
import { openSqliteStores } from './sqlite/open-sqlite';
import type { Stores } from './stores';

export interface OpenStoresOptions {
  readonly dataDir: string;
  readonly mongodbUri?: string;
  readonly log?: Logger;
}

export async function openStores(o: OpenStoresOptions): Promise<Stores> {
  const started = Date.now();
  let stores: Stores;
  if (o.mongodbUri) {
    stores = await openMongoStores(o.mongodbUri);
  } else {
    stores = await openSqliteStores(o.dataDir, { log: o.log });
  }
  // The URI may carry credentials: log the backend kind only.
  o.log?.info({ store: stores.kind, ms: Date.now() - started }, 'stores opened');
  return stores;
}
