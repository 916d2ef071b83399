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
  return {
    kind: 'mongodb',
    registry: new MongoRegistryStore(h),
    documents: new GridFsDocumentStore(h),
    patients: new MongoPatientIndex(h),
    audit: new MongoAuditStore(h),
    identity: new MongoIdentityStore(h),
    close: () => h.client.close(),
  };
}
