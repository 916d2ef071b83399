/** PatientIndex on MongoDB: same rules as patients-sqlite.ts (acyclic merges, transitive survivor/aliases). */
import type { ClientSession, Collection } from 'mongodb';
import type { PatientIndex, PatientKey, PatientStatus } from '../../patient-identity/ports';
import { isDuplicateKey, type MongoHandle } from './db-mongodb';

interface MergeDoc {
  from: PatientKey;
  into: PatientKey;
}

const key = (k: PatientKey): PatientKey => ({ id: k.id, authority: k.authority });
const same = (a: PatientKey, b: PatientKey): boolean => a.id === b.id && a.authority === b.authority;

export class MongoPatientIndex implements PatientIndex {
  private readonly ids: Collection<PatientKey>;
  private readonly merges: Collection<MergeDoc>;

  constructor(private readonly h: MongoHandle) {
    this.ids = h.db.collection<PatientKey>('patient_ids');
    this.merges = h.db.collection<MergeDoc>('patient_merges');
  }

  async add(k: PatientKey, session?: ClientSession): Promise<boolean> {
    try {
      await this.ids.insertOne(key(k), { session });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  private async mergedInto(k: PatientKey, session?: ClientSession): Promise<PatientKey | undefined> {
    const m = await this.merges.findOne({ 'from.id': k.id, 'from.authority': k.authority }, { session });
    return m ? key(m.into) : undefined;
  }

  private async survivor(k: PatientKey, session?: ClientSession): Promise<PatientKey> {
    let current = key(k);
    for (let next = await this.mergedInto(current, session); next; next = await this.mergedInto(current, session)) current = next;
    return current;
  }

  async status(k: PatientKey): Promise<PatientStatus> {
    if (await this.mergedInto(k)) return { state: 'merged', survivor: await this.survivor(k) };
    return (await this.ids.findOne({ id: k.id, authority: k.authority })) ? { state: 'active' } : { state: 'unknown' };
  }

  async unmerge(from: PatientKey): Promise<void> {
    await this.merges.deleteOne({ 'from.id': from.id, 'from.authority': from.authority });
  }

  async merge(from: PatientKey, into: PatientKey): Promise<void> {
    await this.h.tx(async (session) => {
      if (same(await this.survivor(into, session), from)) {
        throw new Error(`refusing merge: ${into.id} is merged into ${from.id}, the merge would form a cycle`);
      }
      const previous = await this.mergedInto(from, session);
      if (previous && same(previous, into)) return;
      if (previous) throw new Error(`refusing merge: ${from.id} is already merged into another identifier`);
      // Upserts, not insert-and-catch: a failed command would abort the transaction.
      for (const k of [from, into]) await this.ids.updateOne(key(k), { $setOnInsert: key(k) }, { upsert: true, session });
      await this.merges.insertOne({ from: key(from), into: key(into) }, { session });
    });
  }

  async aliases(k: PatientKey): Promise<PatientKey[]> {
    const out: PatientKey[] = [key(k)];
    const seen = new Set([`${k.authority}\u0000${k.id}`]);
    for (let i = 0; i < out.length; i++) {
      const found = await this.merges.find({ 'into.id': out[i].id, 'into.authority': out[i].authority }).toArray();
      for (const m of found) {
        const s = `${m.from.authority}\u0000${m.from.id}`;
        if (!seen.has(s)) {
          seen.add(s);
          out.push(key(m.from));
        }
      }
    }
    return out;
  }
}
