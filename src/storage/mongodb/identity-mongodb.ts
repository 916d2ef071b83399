/**
 * IdentityStore on MongoDB: the PIX/PDQ cross-reference, with the same rules as identity-sqlite.ts.
 * Records keep the demographics as a sub-document plus the blocking keys; merges are their own documents (with
 * the person redirect they imply), so an unmerge is a delete and nothing else is rewritten. A record is
 * "merged away" when a merge document names it: that is joined at read time ($lookup), never copied.
 * `k` is the composite `authority|id` key both collections are indexed on.
 */
import type { ClientSession, Collection, Document } from 'mongodb';
import type {
  IdentityBatch,
  IdentityRecord,
  IdentityStore,
  DistinctPair,
  MatchCandidate,
  MergeRow,
  PendingWrite,
  RecordRead,
  ReviewItem,
  ReviewResolution,
  SearchBlock,
  StoredReview,
} from '../../patient-identity/identity-ports';
import { recordMatchKeys } from '../../patient-identity/matching/blocking';
import { comparable } from '../../patient-identity/matching/normalise';
import { searchColumns } from '../../patient-identity/matching/search-keys';
import type { Patient, PatientKey } from '../../patient-identity/model';
import type { MongoHandle } from './db-mongodb';

export const IDENTITY_COLLECTIONS = ['identity_records', 'identity_merges', 'identity_reviews', 'identity_distinct'] as const;

interface RecordDoc {
  _id: string; // k
  id: string;
  authority: string;
  personId: string;
  patient?: Patient;
  /** Compound blocking keys (matching/blocking.ts recordMatchKeys). */
  blockKeys: string[];
  /** PDQ search columns (matching/search-keys.ts); absent fields are left out. */
  pdq?: SearchBlock;
  updated: string;
}

interface MergeDoc {
  _id: string; // k of `from`: an identifier is merged at most once
  from: PatientKey;
  into: PatientKey;
  fromPerson?: string;
  intoPerson?: string;
  time: string;
}

interface ReviewDoc {
  seq: number;
  key: PatientKey;
  candidate: PatientKey;
  score: number;
  time: string;
  /** Set once, when an operator decides the item (review-queue.ts). */
  resolution?: { decision: ReviewResolution['decision']; operator: string; time: string };
}

interface DistinctDoc {
  _id: string; // the unordered pair: the two `k`s sorted, joined by a space
  a: PatientKey;
  b: PatientKey;
  operator: string;
  time: string;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const definedOnly = (b: SearchBlock): SearchBlock => Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined));
const kOf = (key: PatientKey): string => `${key.authority}|${key.id}`;
const pairId = (a: PatientKey, b: PatientKey): string => [kOf(a), kOf(b)].sort().join(' ');
/** Review rows naming the pair in either order. */
const pairFilter = (a: PatientKey, b: PatientKey): Document => ({
  $or: [
    { 'key.id': a.id, 'key.authority': a.authority, 'candidate.id': b.id, 'candidate.authority': b.authority },
    { 'key.id': b.id, 'key.authority': b.authority, 'candidate.id': a.id, 'candidate.authority': a.authority },
  ],
});
const plainKey = (key: PatientKey): PatientKey => ({ id: key.id, authority: key.authority });

/** Joins the merge document of each record (at most one) as `merge`. */
const JOIN_MERGE: Document[] = [
  { $lookup: { from: 'identity_merges', localField: '_id', foreignField: '_id', as: 'merge' } },
];

/** Drops `patient` from the documents when the caller reads links only (RecordRead). */
const withoutDemographics = (read?: RecordRead): Document[] => (read?.demographics === false ? [{ $project: { patient: 0 } }] : []);

function toRecord(doc: RecordDoc & { merge?: MergeDoc[] }): IdentityRecord {
  const merge = doc.merge?.[0];
  return {
    key: { id: doc.id, authority: doc.authority },
    personId: doc.personId,
    updated: doc.updated,
    ...(doc.patient ? { patient: doc.patient } : {}),
    ...(merge ? { mergedInto: plainKey(merge.into) } : {}),
  };
}

/** Creates the identity collections and indexes (called from db-mongodb.ts ensureIndexes). */
export async function ensureIdentityIndexes(h: Pick<MongoHandle, 'db'>): Promise<void> {
  const records = h.db.collection<RecordDoc>('identity_records');
  await records.createIndexes([
    { key: { personId: 1 }, name: 'person' },
    { key: { blockKeys: 1 }, name: 'block_keys' },
    { key: { 'pdq.family': 1, 'pdq.birth': 1 }, name: 'pdq_family', partialFilterExpression: { 'pdq.family': { $exists: true } } },
    { key: { 'pdq.given': 1, 'pdq.birth': 1 }, name: 'pdq_given', partialFilterExpression: { 'pdq.given': { $exists: true } } },
    { key: { 'pdq.birth': 1, 'pdq.family': 1 }, name: 'pdq_birth', partialFilterExpression: { 'pdq.birth': { $exists: true } } },
  ]);
  // A person is redirected by at most one merge, so that person resolution is a simple chain.
  await h.db.collection<MergeDoc>('identity_merges').createIndexes([
    { key: { fromPerson: 1 }, name: 'from_person', unique: true, partialFilterExpression: { fromPerson: { $exists: true } } },
    { key: { intoPerson: 1 }, name: 'into_person', partialFilterExpression: { intoPerson: { $exists: true } } },
  ]);
  await h.db.collection<ReviewDoc>('identity_reviews').createIndexes([
    { key: { seq: 1 }, name: 'seq', unique: true },
    { key: { 'key.id': 1, 'key.authority': 1, 'candidate.id': 1, 'candidate.authority': 1 }, name: 'pair' },
  ]);
}

export class MongoIdentityStore implements IdentityStore {
  private readonly records: Collection<RecordDoc>;
  private readonly merges: Collection<MergeDoc>;
  private readonly reviewItems: Collection<ReviewDoc>;
  private readonly distinctPairs: Collection<DistinctDoc>;
  private readonly patientIds: Collection<PatientKey>;

  constructor(private readonly h: MongoHandle) {
    this.records = h.db.collection<RecordDoc>('identity_records');
    this.merges = h.db.collection<MergeDoc>('identity_merges');
    this.reviewItems = h.db.collection<ReviewDoc>('identity_reviews');
    this.distinctPairs = h.db.collection<DistinctDoc>('identity_distinct');
    this.patientIds = h.db.collection<PatientKey>('patient_ids');
  }

  async getRecord(key: PatientKey, read?: RecordRead): Promise<IdentityRecord | undefined> {
    const [doc] = await this.records
      .aggregate<RecordDoc & { merge: MergeDoc[] }>([{ $match: { _id: kOf(key) } }, ...withoutDemographics(read), ...JOIN_MERGE])
      .toArray();
    return doc ? toRecord(doc) : undefined;
  }

  /** A MongoDB transaction is visible and durable (its write concern) at the same moment. */
  write(batch: IdentityBatch): PendingWrite {
    const durable = this.commit(batch);
    return { applied: durable.then(() => undefined, () => undefined), durable };
  }

  async commit(batch: IdentityBatch): Promise<void> {
    await this.h.tx(async (session) => {
      for (const r of batch.records ?? []) await this.putRecord(r, session);
      if (batch.reviews?.length) await this.addReviews(batch.reviews, session);
      if (batch.resolve) await this.resolveReview(batch.resolve, session);
      if (batch.distinct) await this.addDistinct(batch.distinct, session);
      // The registry's PatientIndex collection (patients-mongodb.ts), same database; upserts keep the transaction alive.
      for (const k of batch.registryIds ?? []) await this.patientIds.updateOne(plainKey(k), { $setOnInsert: plainKey(k) }, { upsert: true, session });
      const m = batch.merge;
      if (m) {
        await this.merges.insertOne(
          {
            _id: kOf(m.from),
            from: plainKey(m.from),
            into: plainKey(m.into),
            ...(m.fromPerson ? { fromPerson: m.fromPerson, intoPerson: m.intoPerson } : {}),
            time: m.time,
          },
          { session },
        );
      }
    });
  }

  private async putRecord(r: IdentityRecord, session: ClientSession): Promise<void> {
    const doc: RecordDoc = {
      _id: kOf(r.key),
      id: r.key.id,
      authority: r.key.authority,
      personId: r.personId,
      blockKeys: r.patient ? recordMatchKeys(r.patient).filter((x): x is string => !!x) : [],
      updated: r.updated,
      ...(r.patient ? { patient: r.patient } : {}),
      ...(r.patient ? { pdq: definedOnly(searchColumns(r.patient)) } : {}),
    };
    // A revise replaces the whole record (demographics and link), as the SQLite upsert does.
    await this.records.replaceOne({ _id: doc._id }, doc, { upsert: true, session });
  }

  /** Review rows keep their arrival order: seq continues from the highest one, inside the transaction. */
  private async addReviews(items: readonly ReviewItem[], session: ClientSession): Promise<void> {
    const last = await this.reviewItems.find({}, { session, sort: { seq: -1 }, limit: 1, projection: { seq: 1 } }).next();
    let seq = last?.seq ?? 0;
    await this.reviewItems.insertMany(
      items.map((v) => ({ seq: ++seq, key: plainKey(v.key), candidate: plainKey(v.candidate), score: v.score, time: v.time })),
      { session },
    );
  }

  /** An item is decided once: resolving an unknown or already decided item fails the whole batch. */
  private async resolveReview(r: ReviewResolution, session: ClientSession): Promise<void> {
    const done = await this.reviewItems.updateOne(
      { seq: r.seq, resolution: { $exists: false } },
      { $set: { resolution: { decision: r.decision, operator: r.operator, time: r.time } } },
      { session },
    );
    if (done.matchedCount !== 1) throw new Error(`review item ${r.seq} is unknown or already decided`);
  }

  private async addDistinct(d: DistinctPair, session: ClientSession): Promise<void> {
    const doc: DistinctDoc = { _id: pairId(d.a, d.b), a: plainKey(d.a), b: plainKey(d.b), operator: d.operator, time: d.time };
    // The first decision on a pair is kept (as SQLite's INSERT OR IGNORE).
    await this.distinctPairs.updateOne({ _id: doc._id }, { $setOnInsert: doc }, { upsert: true, session });
  }

  async resolvePerson(personId: string): Promise<string> {
    let current = personId;
    // The chain is acyclic (a redirect always targets an unredirected person); the bound guards corruption.
    for (let i = 0; i < 1000; i++) {
      const m = await this.merges.findOne({ fromPerson: current }, { projection: { intoPerson: 1 } });
      if (!m?.intoPerson) return current;
      current = m.intoPerson;
    }
    throw new Error('person redirect chain too long');
  }

  /** The person and every person redirected into it, transitively. */
  private async redirectedInto(personId: string): Promise<string[]> {
    const persons = [personId];
    for (let i = 0; i < persons.length; i++) {
      const from = await this.merges.find({ intoPerson: persons[i] }, { projection: { fromPerson: 1 } }).toArray();
      for (const m of from) if (m.fromPerson && !persons.includes(m.fromPerson)) persons.push(m.fromPerson);
    }
    return persons;
  }

  async members(personId: string, read?: RecordRead): Promise<IdentityRecord[]> {
    const persons = await this.redirectedInto(personId);
    const docs = await this.records
      .aggregate<RecordDoc & { merge: MergeDoc[] }>([
        { $match: { personId: { $in: persons } } },
        { $sort: { authority: 1, id: 1 } },
        ...withoutDemographics(read),
        ...JOIN_MERGE,
      ])
      .toArray();
    return docs.map(toRecord);
  }

  /** Records with demographics, not merged away, matching `filter`, at most `limit`. */
  private async active(filter: Document, limit: number): Promise<IdentityRecord[]> {
    const docs = await this.records
      .aggregate<RecordDoc & { merge: MergeDoc[] }>([
        { $match: { ...filter, patient: { $exists: true } } },
        ...JOIN_MERGE,
        { $match: { merge: { $size: 0 } } },
        { $limit: limit },
      ])
      .toArray();
    return docs.map(toRecord);
  }

  /** Comparables are computed from the demographics here (SQLite keeps them packed in a column). */
  async candidates(keys: readonly string[], limit: number, otherThan?: string): Promise<MatchCandidate[]> {
    if (keys.length === 0) return [];
    const records = await this.active({ blockKeys: { $in: [...keys] }, ...(otherThan !== undefined ? { authority: { $ne: otherThan } } : {}) }, limit);
    return records.flatMap((r) => (r.patient ? [{ key: r.key, personId: r.personId, comparable: comparable(r.patient) }] : []));
  }

  /** Prefix matches on the indexed search columns (anchored regexes use the index); a full birth date is equality. */
  async searchCandidates(block: SearchBlock, limit: number): Promise<IdentityRecord[]> {
    const filter: Document = {};
    for (const field of ['family', 'given', 'birth'] as const) {
      const value = block[field];
      if (!value) continue;
      filter[`pdq.${field}`] = field === 'birth' && value.length >= 8 ? value.slice(0, 8) : { $regex: `^${escapeRegExp(value)}` };
    }
    return this.active(filter, limit);
  }

  async scan(limit: number): Promise<IdentityRecord[]> {
    return this.active({}, limit);
  }

  async mergedInto(key: PatientKey): Promise<PatientKey | undefined> {
    const m = await this.merges.findOne({ _id: kOf(key) });
    return m ? plainKey(m.into) : undefined;
  }

  async removeMerge(from: PatientKey): Promise<MergeRow | undefined> {
    const m = await this.merges.findOneAndDelete({ _id: kOf(from) });
    if (!m) return undefined;
    return {
      from: plainKey(m.from),
      into: plainKey(m.into),
      ...(m.fromPerson && m.intoPerson ? { fromPerson: m.fromPerson, intoPerson: m.intoPerson } : {}),
      time: m.time,
    };
  }

  async reviews(limit: number): Promise<ReviewItem[]> {
    const docs = await this.reviewItems.find({}, { sort: { seq: 1 }, limit }).toArray();
    return docs.map((d) => ({ key: plainKey(d.key), candidate: plainKey(d.candidate), score: d.score, time: d.time }));
  }

  async review(seq: number): Promise<StoredReview | undefined> {
    const doc = await this.reviewItems.findOne({ seq });
    return doc ? toStoredReview(doc) : undefined;
  }

  async openReviews(limit: number, after = 0): Promise<StoredReview[]> {
    const docs = await this.reviewItems.find({ seq: { $gt: after }, resolution: { $exists: false } }, { sort: { seq: 1 }, limit }).toArray();
    return docs.map(toStoredReview);
  }

  async hasOpenReview(a: PatientKey, b: PatientKey): Promise<boolean> {
    return (await this.reviewItems.findOne({ ...pairFilter(a, b), resolution: { $exists: false } }, { projection: { _id: 1 } })) !== null;
  }

  async isDistinct(a: PatientKey, b: PatientKey): Promise<boolean> {
    return (await this.distinctPairs.findOne({ _id: pairId(a, b) }, { projection: { _id: 1 } })) !== null;
  }
}

function toStoredReview(d: ReviewDoc): StoredReview {
  return {
    seq: d.seq,
    key: plainKey(d.key),
    candidate: plainKey(d.candidate),
    score: d.score,
    time: d.time,
    ...(d.resolution ? { resolution: { seq: d.seq, ...d.resolution } } : {}),
  };
}
