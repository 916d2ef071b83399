/**
 * RegistryStore on MongoDB: one multi-document transaction per submission (ITI TF-2 §3.42.4.1.3),
 * unique keys decide races (security.md §4.2 R6). Same behaviour as registry-sqlite.ts.
 */
import { ObjectId, type ClientSession, type Collection, type Document } from 'mongodb';
import { ConflictError } from '../../errors';
import type { Association, DocumentEntry, Folder, RegistryObject, SubmissionSet } from '../../metadata/model';
import {
  attachStoredEbrim,
  type AssociationCriteria,
  type DocumentEntryCriteria,
  type DocumentRow,
  type EbrimToKeep,
  type FolderCriteria,
  type QueryOptions,
  type RegistryCommit,
  type RegistryStore,
  type SubmissionSetCriteria,
} from '../../registry/ports';
import { dtmKey } from '../dtm-key';
import { canonicalSize } from '../object-index';
import { indexObject } from '../object-index';
import { isDuplicateKey, isIdDuplicate, type MongoHandle } from './db-mongodb';
import { associationFilter, documentEntryFilter, folderFilter, submissionSetFilter } from './registry-query-mongodb';

interface ObjectDoc extends Document {
  _id: string;
  status: string;
  model: RegistryObject;
  /** The stored ebRIM form (registry/ports.ts STORED_EBRIM), kept by the first LeafClass answer (as SQLite's `ebrim`). */
  ebrim?: string;
}

/** With `withEbrim` (the projection included it) the stored form, or null when none is kept, is attached. */
const toModel = <T extends RegistryObject>(d: ObjectDoc, withEbrim = true): T => {
  const o = { ...d.model, availabilityStatus: d.status } as T;
  return withEbrim ? attachStoredEbrim(o, d.ebrim) : o;
};

const PROJECTION = { model: 1, status: 1, ebrim: 1 } as const;
const PROJECTION_WITHOUT_EBRIM = { model: 1, status: 1 } as const;

function toDoc(o: RegistryObject, fingerprint: string): ObjectDoc {
  const ix = indexObject(o);
  const doc: Document = {
    _id: o.id,
    // ObjectIds grow with time: insertion order for stable query results, like SQLite's rowid.
    seq: new ObjectId(),
    kind: ix.kind,
    // Only SubmissionSet and Folder uniqueIds are unique (partial unique index on uidGroup + uniqueId).
    uidGroup: (ix.kind === 'SubmissionSet' || ix.kind === 'Folder') && ix.uniqueId !== undefined ? ix.kind : undefined,
    uniqueId: ix.uniqueId,
    patientId: ix.patientId,
    status: ix.status,
    type: ix.type,
    assocSource: ix.assocSource,
    assocTarget: ix.assocTarget,
    ssSourceId: ix.ssSourceId,
    tCreation: ix.times.creationTime,
    tServiceStart: ix.times.serviceStartTime,
    tServiceStop: ix.times.serviceStopTime,
    tSubmission: ix.times.submissionTime,
    tLastUpdate: ix.times.lastUpdateTime,
    codes: ix.codes.map((c) => ({ f: c.field, c: c.code, s: c.scheme })),
    authorPersons: ix.authorPersons,
    referenceIds: ix.referenceIds,
    fingerprint: ix.kind === 'SubmissionSet' ? fingerprint : undefined,
    model: { ...o, availabilityStatus: ix.status },
  };
  // Absent fields stay absent (partial indexes use $exists).
  for (const k of Object.keys(doc)) if (doc[k] === undefined) delete doc[k];
  return doc as ObjectDoc;
}

export class MongoRegistryStore implements RegistryStore {
  private readonly objects: Collection<ObjectDoc>;
  private readonly uids: Collection<{ _id: string; hash: string | null; size: string | null }>;

  /**
   * `documentRows` writes RegistryCommit.documents inside the registration's transaction: the GridFS
   * document store's row writer (open-mongodb.ts). Without it such a commit is refused.
   */
  constructor(
    private readonly h: MongoHandle,
    private readonly documentRows?: (rows: readonly DocumentRow[], session: ClientSession) => Promise<void>,
  ) {
    this.objects = h.db.collection<ObjectDoc>('objects');
    this.uids = h.db.collection('document_uids');
  }

  async commit(change: RegistryCommit): Promise<void> {
    await this.h.tx((session) => this.apply(change, session));
  }

  private async apply(change: RegistryCommit, session: ClientSession): Promise<void> {
    for (const p of change.preconditions) {
      const found = await this.objects.findOne({ _id: p.id }, { session, projection: { status: 1 } });
      if (found?.status !== p.status) throw new ConflictError('precondition', p.id);
    }
    for (const o of change.objects) {
      if (o.kind === 'DocumentEntry' && o.uniqueId !== undefined) await this.claimDocumentUid(o.uniqueId, o.hash, o.size, session);
      await this.insert(toDoc(o, change.fingerprint), session);
    }
    for (const u of change.statusUpdates) {
      const r = await this.objects.updateOne({ _id: u.id }, { $set: { status: u.status, 'model.availabilityStatus': u.status } }, { session });
      if (r.matchedCount !== 1) throw new ConflictError('precondition', u.id);
    }
    for (const f of change.folderUpdates) {
      // lastUpdateTime is inside the folder's ebRIM: drop the stored form (as registry-sqlite.ts).
      const r = await this.objects.updateOne(
        { _id: f.id, kind: 'Folder' },
        { $set: { tLastUpdate: dtmKey(f.lastUpdateTime), 'model.lastUpdateTime': f.lastUpdateTime }, $unset: { ebrim: '' } },
        { session },
      );
      if (r.matchedCount !== 1) throw new ConflictError('precondition', f.id);
    }
    if (change.documents?.length) {
      if (!this.documentRows) throw new Error('this registry store was opened without the document store: it cannot write document rows');
      await this.documentRows(change.documents, session);
    }
  }

  /** Same conditions as registry-sqlite.ts: only where absent, and a folder only at the same lastUpdateTime. */
  async keepStoredEbrim(items: readonly EbrimToKeep[]): Promise<void> {
    if (items.length === 0) return;
    await this.objects.bulkWrite(
      items.map(({ object: o, ebrim }) => ({
        updateOne: {
          filter: {
            _id: o.id,
            ebrim: { $exists: false },
            ...(o.kind === 'Folder' ? { 'model.lastUpdateTime': o.lastUpdateTime ?? { $exists: false } } : {}),
          },
          update: { $set: { ebrim } },
        },
      })),
      { ordered: false },
    );
  }

  /**
   * A DocumentEntry uniqueId is bound to one (hash, size): a second entry with it is accepted only when both
   * are identical (ITI TF-2b §3.42.4.1.3.4). Two transactions claiming one uniqueId write-conflict; the
   * loser is retried by withTransaction and then sees the winner's claim.
   */
  private async claimDocumentUid(uniqueId: string, hash: string | undefined, size: string | undefined, session: ClientSession): Promise<void> {
    const h = hash?.toLowerCase() ?? null;
    const claim = await this.uids.findOne({ _id: uniqueId }, { session });
    if (!claim) {
      await this.uids.insertOne({ _id: uniqueId, hash: h, size: canonicalSize(size) }, { session });
    } else if (claim.hash !== h || claim.size !== canonicalSize(size)) {
      throw new ConflictError('uniqueId', uniqueId);
    }
  }

  private async insert(doc: ObjectDoc, session: ClientSession): Promise<void> {
    try {
      await this.objects.insertOne(doc, { session });
    } catch (err) {
      // Only duplicate keys are translated; transient errors must reach withTransaction unchanged.
      if (!isDuplicateKey(err)) throw err;
      if (isIdDuplicate(err)) throw new ConflictError('entryUuid', doc._id, { cause: err });
      throw new ConflictError('uniqueId', String(doc.uniqueId ?? doc._id), { cause: err });
    }
  }

  private async find<T extends RegistryObject>(filter: Document, o: QueryOptions): Promise<T[]> {
    const docs = await this.objects
      .find(filter, { projection: o.storedEbrim ? PROJECTION : PROJECTION_WITHOUT_EBRIM })
      .sort({ seq: 1 })
      .limit(o.limit + 1)
      .toArray();
    return docs.map((d) => toModel<T>(d, o.storedEbrim === true));
  }

  findDocumentEntries(c: DocumentEntryCriteria, o: QueryOptions): Promise<DocumentEntry[]> {
    return this.find<DocumentEntry>(documentEntryFilter(c), o);
  }

  findSubmissionSets(c: SubmissionSetCriteria, o: QueryOptions): Promise<SubmissionSet[]> {
    return this.find<SubmissionSet>(submissionSetFilter(c), o);
  }

  findFolders(c: FolderCriteria, o: QueryOptions): Promise<Folder[]> {
    return this.find<Folder>(folderFilter(c), o);
  }

  findAssociations(c: AssociationCriteria, o: QueryOptions): Promise<Association[]> {
    return this.find<Association>(associationFilter(c), o);
  }

  async getByIds(ids: readonly string[]): Promise<RegistryObject[]> {
    const docs = await this.objects.find({ _id: { $in: [...ids] } }, { projection: PROJECTION }).sort({ seq: 1 }).toArray();
    return docs.map((d) => toModel(d));
  }

  async getSubmissionFingerprint(submissionSetUniqueId: string): Promise<string | undefined> {
    const d = await this.objects.findOne({ uidGroup: 'SubmissionSet', uniqueId: submissionSetUniqueId }, { projection: { fingerprint: 1 } });
    return typeof d?.fingerprint === 'string' ? d.fingerprint : undefined;
  }
}
