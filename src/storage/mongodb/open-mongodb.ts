/** The production backend: MongoDB (replica set) for metadata, GridFS for documents. */
import type { Stores } from '../stores';
import { MongoAuditStore } from './audit-mongodb';
import { connect } from './db-mongodb';
import { GridFsDocumentStore } from './documents-mongodb';
import { MongoIdentityStore } from './identity-mongodb';
import { MongoPatientIndex } from './patients-mongodb';
import { MongoRegistryStore } from './registry-mongodb';

/** `dbName` overrides the database named in the URI (tests use one database per test). */
export async function openMongoStores(uri: string, dbName?: string): Promise<Stores> {
  const h = await connect(uri, dbName);
  const documents = new GridFsDocumentStore(h);
  return {
    kind: 'mongodb',
    // The registry writes an in-process ITI-41's document rows in the registration's own transaction.
    registry: new MongoRegistryStore(h, documents.writeRows),
    documents,
    patients: new MongoPatientIndex(h),
    audit: new MongoAuditStore(h),
    identity: new MongoIdentityStore(h),
    close: () => h.client.close(),
  };
}
