/**
 * DocumentStore on MongoDB + GridFS (bucket `blobs`). GridFS writes cannot join a transaction (the
 * driver's upload options take no session), so: upload as `pending` while hashing, then commit the
 * document records and flip the blobs to `committed` in ONE transaction; a sweeper deletes blobs still
 * pending after T and chunks whose upload never finished (security.md §4.1).
 */
import type { Readable } from 'node:stream';
import { GridFSBucket, ObjectId, type Collection, type GridFSBucketWriteStream } from 'mongodb';
import { ConflictError } from '../../errors';
import type { DocumentRecord, DocumentStore, StoredBlob } from '../../repository/ports';
import { meter } from '../blob-meter';
import { isDuplicateKey, type MongoHandle } from './db-mongodb';

interface DocumentDoc {
  repositoryUniqueId: string;
  documentUniqueId: string;
  blobId: string;
  mimeType: string;
  sha1: string;
  size: number;
}

interface BlobFile {
  _id: ObjectId;
  length: number;
  uploadDate: Date;
  metadata?: { state?: 'pending' | 'committed'; sha1?: string; size?: number };
}

const toObjectId = (blobId: string): ObjectId | undefined => (ObjectId.isValid(blobId) && /^[0-9a-f]{24}$/.test(blobId) ? new ObjectId(blobId) : undefined);

function writeChunk(stream: GridFSBucketWriteStream, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    stream.once('error', onError);
    const ok = stream.write(chunk, (err) => {
      if (err) reject(err);
    });
    const done = (): void => {
      stream.off('error', onError);
      resolve();
    };
    if (ok) done();
    else stream.once('drain', done);
  });
}

function finish(stream: GridFSBucketWriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

export class GridFsDocumentStore implements DocumentStore {
  private readonly bucket: GridFSBucket;
  private readonly files: Collection<BlobFile>;
  private readonly documents: Collection<DocumentDoc>;

  constructor(private readonly h: MongoHandle) {
    this.bucket = new GridFSBucket(h.db, { bucketName: 'blobs', writeConcern: { w: 'majority', journal: true } });
    this.files = h.db.collection<BlobFile>('blobs.files');
    this.documents = h.db.collection<DocumentDoc>('documents');
  }

  async putPending(source: Readable, options?: { readonly maxBytes?: number }): Promise<StoredBlob> {
    const stream = this.bucket.openUploadStream('blob', { metadata: { state: 'pending' } });
    try {
      const m = await meter(source, (c) => writeChunk(stream, c), options?.maxBytes);
      await finish(stream);
      await this.files.updateOne({ _id: stream.id }, { $set: { 'metadata.sha1': m.sha1, 'metadata.size': m.size } });
      return { blobId: stream.id.toHexString(), sha1: m.sha1, size: m.size };
    } catch (err) {
      await stream.abort().catch(() => undefined);
      await this.files.deleteOne({ _id: stream.id, 'metadata.state': 'pending' }).catch(() => undefined);
      source.destroy();
      throw err;
    }
  }

  async commit(records: readonly DocumentRecord[]): Promise<void> {
    await this.h.tx(async (session) => {
      for (const r of records) {
        const id = toObjectId(r.blobId);
        const blob = id && (await this.files.findOne({ _id: id }, { session }));
        if (!blob || blob.metadata?.sha1 !== r.sha1 || blob.length !== r.size) throw new Error(`unknown blob ${r.blobId}`);
        await this.files.updateOne({ _id: id }, { $set: { 'metadata.state': 'committed' } }, { session });
        try {
          await this.documents.insertOne({ ...r }, { session });
        } catch (err) {
          if (isDuplicateKey(err)) throw new ConflictError('uniqueId', r.documentUniqueId, { cause: err });
          throw err;
        }
      }
    });
  }

  async discard(blobIds: readonly string[]): Promise<void> {
    // Only pending blobs go: discarding a committed one is a harmless no-op.
    for (const blobId of blobIds) {
      const id = toObjectId(blobId);
      if (!id) continue;
      const pending = await this.files.findOne({ _id: id, 'metadata.state': 'pending' });
      if (pending) await this.bucket.delete(id).catch(() => undefined);
    }
  }

  async find(documentUniqueId: string, repositoryUniqueId: string): Promise<DocumentRecord | undefined> {
    const d = await this.documents.findOne({ documentUniqueId, repositoryUniqueId }, { projection: { _id: 0 } });
    return d ?? undefined;
  }

  open(record: DocumentRecord): Readable {
    const id = toObjectId(record.blobId);
    if (!id) throw new Error(`unknown blob ${record.blobId}`);
    return this.bucket.openDownloadStream(id);
  }

  async sweep(olderThanMs: number): Promise<number> {
    const cutoff = new Date(Date.now() - olderThanMs);
    let removed = 0;
    const stale = await this.files.find({ 'metadata.state': 'pending', uploadDate: { $lt: cutoff } }, { projection: { _id: 1 } }).toArray();
    for (const f of stale) {
      await this.bucket.delete(f._id).catch(() => undefined);
      removed++;
    }
    return removed + (await this.sweepOrphanChunks(cutoff));
  }

  /** Chunks of an upload killed before its files document was written (ids are ObjectIds: time-ordered). */
  private async sweepOrphanChunks(cutoff: Date): Promise<number> {
    const chunks = this.h.db.collection('blobs.chunks');
    const ids = (await chunks.distinct('files_id', { files_id: { $lt: ObjectId.createFromTime(Math.floor(cutoff.getTime() / 1000)) } })) as ObjectId[];
    let removed = 0;
    for (const id of ids) {
      if (await this.files.findOne({ _id: id }, { projection: { _id: 1 } })) continue;
      await chunks.deleteMany({ files_id: id });
      removed++;
    }
    return removed;
  }
}
