/**
 * The backends every contract suite runs against: SQLite always (a fresh temp dir per open), MongoDB only
 * when MONGODB_URI points at a real replica set (a fresh database per open, dropped on close).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { openMongoStores } from '../../src/storage/mongodb/open-mongodb';
import { openSqliteStores } from '../../src/storage/sqlite/open-sqlite';
import type { Stores } from '../../src/storage/stores';

export type OpenStores = () => Promise<Stores>;

export interface Backend {
  readonly name: 'sqlite' | 'mongodb';
  /** Undefined when the backend is not available here (MongoDB without MONGODB_URI). */
  readonly open?: OpenStores;
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'tessera-storage-'));
}

const openSqlite: OpenStores = async () => {
  const dir = await tempDir();
  const stores = await openSqliteStores(dir);
  return {
    ...stores,
    close: async () => {
      await stores.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

const openMongo = (uri: string): OpenStores => async () => {
  const dbName = `tessera_test_${randomBytes(6).toString('hex')}`;
  const stores = await openMongoStores(uri, dbName);
  return {
    ...stores,
    close: async () => {
      await stores.close();
      const client = new MongoClient(uri);
      try {
        await client.db(dbName).dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
};

/**
 * `TESSERA_TEST_STORES=mongodb` (npm run test:mongodb) runs MongoDB only and makes a missing MONGODB_URI an
 * error instead of a skip.
 */
export function backends(): Backend[] {
  const uri = process.env.MONGODB_URI;
  const only = process.env.TESSERA_TEST_STORES;
  if (only === 'mongodb' && !uri) throw new Error('TESSERA_TEST_STORES=mongodb needs MONGODB_URI (a replica set)');
  const all: Backend[] = [
    { name: 'sqlite', open: openSqlite },
    { name: 'mongodb', open: uri ? openMongo(uri) : undefined },
  ];
  return only ? all.filter((b) => b.name === only) : all;
}

/** Runs a contract suite against every backend; an unavailable one is reported as skipped. */
export function forEachBackend(port: string, contract: (open: OpenStores) => void): void {
  for (const b of backends()) {
    describe(`${port} contract on ${b.name}`, function () {
      before(function () {
        if (!b.open) {
          console.log(`      (skipped: set MONGODB_URI to a replica set to run the ${b.name} contract)`);
          this.skip();
        }
      });
      if (b.open) contract(b.open);
      else it('needs MONGODB_URI', () => undefined);
    });
  }
}
