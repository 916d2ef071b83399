/** AuditStore on MongoDB: an append-only collection; ObjectId _ids give the insertion order. */
import type { Collection, ObjectId } from 'mongodb';
import type { AuditRecord, AuditStore } from '../../security/ports';
import type { MongoHandle } from './db-mongodb';

interface AuditDoc {
  _id?: ObjectId;
  record: AuditRecord;
}

export class MongoAuditStore implements AuditStore {
  private readonly audit: Collection<AuditDoc>;

  constructor(h: MongoHandle) {
    this.audit = h.db.collection<AuditDoc>('audit');
  }

  async append(record: AuditRecord): Promise<void> {
    await this.audit.insertOne({ record });
  }

  /** The latest `limit` records, newest first. */
  async recent(limit: number): Promise<AuditRecord[]> {
    const docs = await this.audit.find({}).sort({ _id: -1 }).limit(limit).toArray();
    return docs.map((d) => d.record);
  }
}
