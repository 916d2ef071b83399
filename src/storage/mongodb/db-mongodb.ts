/**
 * Connection and collections of the MongoDB backend. Transactions need a replica set (a single-node one
 * works): open() checks `hello.setName` and fails fast otherwise. Durability: w:'majority', j:true
 * (security.md §4.1).
 */
import { MongoClient, MongoServerError, WriteConcern, type ClientSession, type Db } from 'mongodb';
import { ensureIdentityIndexes, IDENTITY_COLLECTIONS } from './identity-mongodb';

export const majority = new WriteConcern('majority', undefined, true);

export interface MongoHandle {
  readonly client: MongoClient;
  readonly db: Db;
  /** Runs fn in one transaction with majority/journaled commit; retries transient errors (withTransaction). */
  tx<T>(fn: (session: ClientSession) => Promise<T>): Promise<T>;
}

/** The database named in the URI path, else `tessera`. */
export function dbNameFromUri(uri: string): string {
  const m = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]+)/.exec(uri);
  return m ? decodeURIComponent(m[1]) : 'tessera';
}

export async function connect(uri: string, dbName: string = dbNameFromUri(uri)): Promise<MongoHandle> {
  const client = new MongoClient(uri, { writeConcern: { w: 'majority', journal: true }, readConcern: { level: 'majority' } });
  await client.connect();
  try {
    const hello = await client.db('admin').command({ hello: 1 });
    if (typeof hello.setName !== 'string') {
      throw new Error('MongoDB transactions need a replica set; MONGODB_URI points at a standalone server');
    }
    const db = client.db(dbName);
    await ensureIndexes(db);
    return {
      client,
      db,
      tx: async <T>(fn: (session: ClientSession) => Promise<T>): Promise<T> => {
        const session = client.startSession();
        try {
          return await session.withTransaction(() => fn(session), {
            writeConcern: majority,
            readConcern: { level: 'snapshot' },
            readPreference: 'primary',
          });
        } finally {
          await session.endSession();
        }
      },
    };
  } catch (err) {
    await client.close();
    throw err;
  }
}

/**
 * Every collection a transaction writes to is created up front: implicit creation inside concurrent
 * transactions conflicts, and is refused on sharded clusters.
 */
const collections = [
  'objects', 'document_uids', 'documents', 'blobs.files', 'blobs.chunks', 'blobs.uploads', 'patient_ids', 'patient_merges', 'audit',
  ...IDENTITY_COLLECTIONS,
];

async function ensureIndexes(db: Db): Promise<void> {
  const present = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of collections) {
    if (present.has(name)) continue;
    await db.createCollection(name).catch((err: unknown) => {
      // Another server created it meanwhile (NamespaceExists).
      if (!(err instanceof MongoServerError && err.code === 48)) throw err;
    });
  }
  const objects = db.collection('objects');
  await objects.createIndexes([
    // SubmissionSet and Folder uniqueIds appear once (uidGroup = kind, set for those two only); DocumentEntry
    // uniqueIds are bound to their hash and size in `document_uids` (registry-mongodb.ts).
    { key: { uidGroup: 1, uniqueId: 1 }, name: 'package_uid', unique: true, partialFilterExpression: { uidGroup: { $exists: true } } },
    { key: { uniqueId: 1 }, name: 'unique_id' },
    // seq last: with IN lists on patientId/status the planner merges the sorted ranges ("explode for sort")
    // instead of sorting, or worse, walking the seq index over every patient.
    { key: { kind: 1, patientId: 1, status: 1, seq: 1 }, name: 'patient' },
    { key: { assocSource: 1 }, name: 'assoc_source', partialFilterExpression: { assocSource: { $exists: true } } },
    { key: { assocTarget: 1 }, name: 'assoc_target', partialFilterExpression: { assocTarget: { $exists: true } } },
    { key: { 'codes.f': 1, 'codes.c': 1, 'codes.s': 1 }, name: 'codes' },
    { key: { referenceIds: 1 }, name: 'reference_ids' },
    { key: { seq: 1 }, name: 'seq' },
  ]);
  await db.collection('documents').createIndex({ repositoryUniqueId: 1, documentUniqueId: 1 }, { unique: true });
  await db.collection('patient_ids').createIndex({ id: 1, authority: 1 }, { unique: true });
  await db.collection('patient_merges').createIndex({ 'from.id': 1, 'from.authority': 1 }, { unique: true });
  await db.collection('patient_merges').createIndex({ 'into.id': 1, 'into.authority': 1 });
  await db.collection('blobs.files').createIndex({ 'metadata.state': 1, uploadDate: 1 });
  await db.collection('blobs.uploads').createIndex({ startedAt: 1 });
  await ensureIdentityIndexes({ db });
}

export const isDuplicateKey = (err: unknown): err is MongoServerError =>
  err instanceof MongoServerError && err.code === 11000;

/** Whether a duplicate-key error is on `_id` (entryUUID) rather than a uniqueId index. */
export const isIdDuplicate = (err: MongoServerError): boolean =>
  (typeof err.keyPattern === 'object' && err.keyPattern !== null && '_id' in err.keyPattern) || / index: _id_ /.test(err.message);
