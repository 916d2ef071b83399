/**
 * DocumentStore on MongoDB + GridFS (bucket `blobs`). GridFS writes cannot join a transaction (the
 * driver's upload options take no session), so: upload as `pending` while hashing, then commit the
 * document records and flip the blobs to `committed` in ONE transaction; a sweeper deletes blobs still
 * pending after T and chunks of uploads that never finished (security.md §4.1).
 */
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { GridFSBucket, ObjectId, type ClientSession, type Collection, type GridFSBucketWriteStream } from 'mongodb';
import { ConflictError } from '../../errors';
import type { DocumentRecord, DocumentStore, PreparedDocuments, StoredBlob } from '../../repository/ports';
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

async function writeChunk(stream: GridFSBucketWriteStream, chunk: Buffer): Promise<void> {
  if (stream.errored) throw stream.errored;
  // events.once rejects when 'error' comes first, so a failed upload never hangs here.
  if (!stream.write(chunk)) await once(stream, 'drain');
}

async function finish(stream: GridFSBucketWriteStream): Promise<void> {
  stream.end();
  await finished(stream);
}

export class GridFsDocumentStore implements DocumentStore {
  private readonly bucket: GridFSBucket;
  private readonly files: Collection<BlobFile>;
  private readonly documents: Collection<DocumentDoc>;
  private readonly uploads: Collection<{ _id: ObjectId; startedAt: Date }>;

  constructor(private readonly h: MongoHandle) {
    this.bucket = new GridFSBucket(h.db, { bucketName: 'blobs', writeConcern: { w: 'majority', journal: true } });
    this.files = h.db.collection<BlobFile>('blobs.files');
    this.documents = h.db.collection<DocumentDoc>('documents');
    this.uploads = h.db.collection('blobs.uploads');
  }

  async putPending(source: Readable, options?: { readonly maxBytes?: number }): Promise<StoredBlob> {
    const id = new ObjectId();
    // GridFS writes its files document last: the marker lets sweep() find chunks of an upload that died.
    await this.uploads.insertOne({ _id: id, startedAt: new Date() });
    const stream = this.bucket.openUploadStreamWithId(id, 'blob', { metadata: { state: 'pending' } });
    stream.on('error', () => undefined); // surfaced by writeChunk/finish; an unheard 'error' would crash the process
    try {
      // GridFS cuts its own 255 KiB chunks from whatever it is given: one buffer per batch.
      const m = await meter(source, (chunks, bytes) => writeChunk(stream, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes)), options?.maxBytes);
      await finish(stream);
      await this.files.updateOne({ _id: id }, { $set: { 'metadata.sha1': m.sha1, 'metadata.size': m.size } });
      await this.uploads.deleteOne({ _id: id });
      return { blobId: id.toHexString(), sha1: m.sha1, size: m.size };
    } catch (err) {
      await stream.abort().catch(() => undefined);
      await this.deletePending(id).catch(() => undefined);
      await this.uploads.deleteOne({ _id: id }).catch(() => undefined);
      source.destroy();
      throw err;
    }
  }

  async commit(records: readonly DocumentRecord[]): Promise<void> {
    await this.h.tx((session) => this.writeRows(records, session));
  }

  /** GridFS blobs become committed inside the rows' transaction (writeRows): nothing to place beforehand. */
  async prepare(): Promise<PreparedDocuments> {
    return { settle: async () => undefined };
  }

  /**
   * Writes the rows and marks their blobs committed inside the caller's transaction: commit()'s own, or the
   * in-process registry's (RegistryCommit.documents). A uniqueId already stored with the same bytes keeps its
   * row, and the new blob stays pending (discarded by the endpoint or swept); other bytes are a conflict.
   */
  readonly writeRows = async (records: readonly DocumentRecord[], session: ClientSession): Promise<void> => {
    for (const r of records) {
      const id = toObjectId(r.blobId);
      const blob = id && (await this.files.findOne({ _id: id }, { session }));
      if (!blob || blob.metadata?.sha1 !== r.sha1 || blob.length !== r.size) throw new Error(`unknown blob ${r.blobId}`);
      const stored = await this.documents.findOne({ documentUniqueId: r.documentUniqueId, repositoryUniqueId: r.repositoryUniqueId }, { session });
      if (stored) {
        if (stored.sha1 === r.sha1 && stored.size === r.size) continue;
        throw new ConflictError('uniqueId', r.documentUniqueId);
      }
      await this.files.updateOne({ _id: id }, { $set: { 'metadata.state': 'committed' } }, { session });
      try {
        await this.documents.insertOne({ ...r }, { session });
      } catch (err) {
        if (isDuplicateKey(err)) throw new ConflictError('uniqueId', r.documentUniqueId, { cause: err });
        throw err;
      }
    }
  };

  async discard(blobIds: readonly string[]): Promise<void> {
    // Only pending blobs go: discarding a committed one is a harmless no-op.
    for (const blobId of blobIds) {
      const id = toObjectId(blobId);
      if (!id) continue;
      await this.deletePending(id);
    }
  }

  /**
   * Deletes a blob only while it is still pending: the conditional delete of its files document is atomic,
   * so a concurrent commit either wins (nothing deleted) or finds the blob gone and fails.
   */
  private async deletePending(id: ObjectId): Promise<boolean> {
    const r = await this.files.deleteOne({ _id: id, 'metadata.state': 'pending' });
    if (r.deletedCount !== 1) return false;
    await this.h.db.collection('blobs.chunks').deleteMany({ files_id: id });
    return true;
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
    for (const f of stale) if (await this.deletePending(f._id)) removed++;
    return removed + (await this.sweepDeadUploads(cutoff));
  }

  /** Chunks of uploads that died before GridFS wrote their files document (found by their markers). */
  private async sweepDeadUploads(cutoff: Date): Promise<number> {
    const chunks = this.h.db.collection('blobs.chunks');
    let removed = 0;
    for (const u of await this.uploads.find({ startedAt: { $lt: cutoff } }).toArray()) {
      if (!(await this.files.findOne({ _id: u._id }, { projection: { _id: 1 } }))) {
        await chunks.deleteMany({ files_id: u._id });
        removed++;
      }
      await this.uploads.deleteOne({ _id: u._id });
    }
    return removed;
  }
}
