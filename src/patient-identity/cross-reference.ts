/**
 * The PIX Manager's cross-reference (ITI TF-2b §3.44.4.1.3; ITI TF-1 §5): every identifier fed is linked
 * to a person. Order of decisions for a record with no known identifier: an identifier in the enterprise
 * domain names the person; then deterministic (exact family, given, birth date and gender); then
 * Fellegi-Sunter scoring (matching/score.ts) → link, review, or a new person with a minted enterprise id.
 * Known identifiers keep their links (a revise never relinks). Merges are rows (identity-ports.ts), so an
 * unmerge restores everything. Feeds are serialised in-process: decisions read then write; operator decisions
 * (review-queue.ts) join the same queue through `exclusive()`. Review rows are not queued again for a pair
 * marked distinct or already waiting.
 */
import type { IdentityDomains } from './domains';
import { isEnterprise, isKnownDomain } from './domains';
import type { IdentityRecord, IdentityStore, MatchCandidate, MergeRow, RecordRead, ReviewItem } from './identity-ports';
import { IdentityError } from './identity-error';
import { keyEquals, keyToCx, type Patient, type PatientKey } from './model';
import { matchKeys } from './matching/blocking';
import { comparable, type Comparable } from './matching/normalise';
import { decide, DEFAULT_THRESHOLDS, scoreComparable, type Thresholds } from './matching/score';

/** Reads that need links only (person, merge), not demographics. */
const LINKS_ONLY: RecordRead = { demographics: false };

export interface CrossReferenceOptions {
  readonly domains: IdentityDomains;
  readonly thresholds?: Thresholds;
  /** Mints the id part of a new enterprise id (e.g. a UUID without dashes). */
  readonly newId: () => string;
  readonly now: () => Date;
  readonly maxCandidates?: number;
}

export type LinkDecision = 'existing' | 'enterprise' | 'deterministic' | 'link' | 'review' | 'new';

export interface FeedOutcome {
  readonly personId: string;
  readonly decision: LinkDecision;
  /** Every identifier now known for this feed (the record's, its accepted asOtherIDs, a minted enterprise id). */
  readonly accepted: readonly PatientKey[];
}

interface Candidate {
  readonly record: MatchCandidate;
  readonly score: number;
  readonly decision: 'deterministic' | 'link' | 'review' | 'new';
}

/** Deterministic rule: family, given, full birth date and gender all present and equal after normalisation. */
const isExact = (a: Comparable, b: Comparable): boolean =>
  a.family !== '' && a.given !== '' && a.birth.length >= 8 && a.gender !== '' &&
  a.family === b.family && a.given === b.given && a.birth === b.birth && a.gender === b.gender;

interface Plan {
  readonly personId: string;
  readonly decision: LinkDecision;
  readonly minted?: PatientKey;
  readonly reviews: readonly ReviewItem[];
}

/**
 * What a step of the serial queue hands back: its result, the durability of its writes (awaited OUTSIDE the
 * queue, so the next feed decides while the WAL is fsync'ed) and the persons to announce once durable.
 */
interface Staged<T> {
  readonly value: T;
  readonly durable: Promise<unknown>;
  readonly changed: readonly (string | undefined)[];
}

/** Told the enterprise id of a person whose set of active identifiers changed (ITI-10 / ITI-46 triggers). */
export type PersonChangeListener = (personId: string) => void;

/** The same promise, marked handled so that a rejection while the queue still works is not reported unhandled. */
function settledLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

export class CrossReference {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<PersonChangeListener>();

  constructor(
    readonly store: IdentityStore,
    private readonly o: CrossReferenceOptions,
  ) {}

  get domains(): IdentityDomains {
    return this.o.domains;
  }

  /** Runs feeds one at a time: a decision must see the writes of the previous feed. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * A serial step whose writes are applied (visible to the next step) before it returns, answered once they are
   * durable: the queue moves on without waiting for the disk, nothing is acknowledged (nor announced) before the
   * fsync, and a failed write fails only its own feed (group commit, identity-sqlite.ts).
   */
  private async serialDurable<T>(work: () => Promise<Staged<T>>): Promise<T> {
    const staged = await this.serial(work);
    await staged.durable;
    this.notify(staged.changed);
    return staged.value;
  }

  /**
   * Runs an operator decision (review-queue.ts) in the same queue as feeds, so that it reads and writes
   * without a feed in between. `work` must not call feed/merge/unmerge itself (they would wait for it).
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.serial(work);
  }

  /** A new enterprise identifier (a new person). */
  mintEnterpriseKey(): PatientKey {
    return { id: this.o.newId(), authority: this.o.domains.enterprise.oid };
  }

  now(): Date {
    return this.o.now();
  }

  private checkDomain(key: PatientKey): void {
    if (!isKnownDomain(this.o.domains, key.authority)) throw new IdentityError('unknown-domain', 'unknown assigning authority', key);
  }

  /** Subscribes to identifier changes of persons (link, merge, unmerge), whichever feed caused them. */
  onPersonChanged(listener: PersonChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells subscribers that these persons' identifiers changed (also used by operator decisions). */
  notify(personIds: readonly (string | undefined)[]): void {
    for (const id of new Set(personIds)) if (id) for (const l of this.listeners) l(id);
  }

  /** The active identifiers (as sorted CX text) of every person the given identifiers belong to now. */
  private async identifierSet(keys: readonly PatientKey[]): Promise<string> {
    const persons = new Set<string>();
    for (const k of keys) {
      const p = await this.personOf(k);
      if (p) persons.add(p);
    }
    const ids = await Promise.all([...persons].map(async (p) => (await this.identifiers(p)).map(keyToCx)));
    return ids.flat().sort().join('|');
  }

  /** ITI-44 add / revise. Throws IdentityError('unknown-domain') when the record's own id is in no known domain. */
  feed(patient: Patient): Promise<FeedOutcome> {
    return this.serialDurable(async () => {
      // Before and after over the same ids (asOtherIDs included), so a revise naming another person's id
      // (queued for review, nothing relinked) is not announced as a change.
      const before = this.listeners.size ? await this.identifierSet([...patient.ids, ...patient.otherIds]) : '';
      const { value: outcome, durable } = await this.feedNow(patient);
      const changed = this.listeners.size > 0 && before !== (await this.identifierSet([...patient.ids, ...outcome.accepted]));
      return { value: outcome, durable, changed: changed ? [outcome.personId] : [] };
    });
  }

  /** Decides and writes one feed; returns once its writes are applied (their durability comes with it). */
  private async feedNow(patient: Patient): Promise<{ value: FeedOutcome; durable: Promise<unknown> }> {
    patient.ids.forEach((k) => this.checkDomain(k));
    // asOtherIDs in domains we do not serve are not cross-referenced (nobody could ask for them).
    const others = patient.otherIds.filter((k) => isKnownDomain(this.o.domains, k.authority) && !patient.ids.some((i) => keyEquals(i, k)));
    const keys = [...patient.ids, ...others];
    const existing = (await Promise.all(keys.map((k) => this.store.getRecord(k, LINKS_ONLY)))).filter((r): r is IdentityRecord => !!r);
    const plan = existing.length > 0 ? await this.planExisting(existing, patient) : await this.planNew(patient, keys);
    const time = this.o.now().toISOString();
    const known = new Set(existing.map((r) => keyToCx(r.key)));
    const records: IdentityRecord[] = [
      ...patient.ids.map((key) => ({ key, personId: this.ownPerson(existing, key) ?? plan.personId, patient, updated: time })),
      ...others.filter((k) => !known.has(keyToCx(k))).map((key) => ({ key, personId: plan.personId, updated: time })),
      ...(plan.minted ? [{ key: plan.minted, personId: plan.personId, updated: time }] : []),
    ];
    const accepted = [...keys, ...(plan.minted ? [plan.minted] : [])];
    // The registry learns every accepted identifier in the same transaction (ITI-41/42 then accept them).
    const write = this.store.write({ records, reviews: plan.reviews.length ? await this.newReviews(plan.reviews) : [], registryIds: accepted });
    await write.applied;
    return { value: { personId: plan.personId, decision: plan.decision, accepted }, durable: settledLater(write.durable) };
  }

  /** Drops pairs an operator declared distinct and pairs already waiting in the queue (a revise repeats them). */
  private async newReviews(reviews: readonly ReviewItem[]): Promise<ReviewItem[]> {
    const kept: ReviewItem[] = [];
    for (const v of reviews) {
      if (!(await this.store.isDistinct(v.key, v.candidate)) && !(await this.store.hasOpenReview(v.key, v.candidate))) kept.push(v);
    }
    return kept;
  }

  /** A known identifier keeps the person it already has (revise never relinks). */
  private ownPerson(existing: readonly IdentityRecord[], key: PatientKey): string | undefined {
    return existing.find((r) => keyEquals(r.key, key))?.personId;
  }

  /** Some identifier is known: same identifier → same person. Identifiers of other persons go to review. */
  private async planExisting(existing: readonly IdentityRecord[], patient: Patient): Promise<Plan> {
    const persons = await Promise.all(existing.map((r) => this.personOfRecord(r)));
    const personId = persons[0]!;
    const time = this.o.now().toISOString();
    const reviews = existing
      .filter((_, i) => persons[i] !== personId)
      .map((r) => ({ key: patient.ids[0]!, candidate: r.key, score: -1, time }));
    return { personId, decision: 'existing', reviews };
  }

  private async planNew(patient: Patient, keys: readonly PatientKey[]): Promise<Plan> {
    const enterprise = keys.find((k) => isEnterprise(this.o.domains, k.authority));
    if (enterprise) return { personId: keyToCx(enterprise), decision: 'enterprise', reviews: [] };
    const best = await this.bestCandidate(patient);
    if (best?.decision === 'deterministic' || best?.decision === 'link') {
      return { personId: await this.personOfRecord(best.record), decision: best.decision, reviews: [] };
    }
    const minted = this.mintEnterpriseKey();
    const time = this.o.now().toISOString();
    const reviews = best?.decision === 'review' ? [{ key: patient.ids[0]!, candidate: best.record.key, score: best.score, time }] : [];
    return { personId: keyToCx(minted), decision: best?.decision === 'review' ? 'review' : 'new', minted, reviews };
  }

  /**
   * The best-scoring candidate. It is linked only if its person has no identifier in this record's domain
   * yet: a domain gives one id per patient (ITI TF-1 §5.1), so otherwise the pair goes to review.
   */
  private async bestCandidate(patient: Patient): Promise<Candidate | undefined> {
    const own = patient.ids[0]!;
    const mine = comparable(patient);
    const scored: Candidate[] = [];
    // Candidates of the record's own domain are not compared (a domain gives one id per patient).
    for (const record of await this.store.candidates(matchKeys(patient), this.o.maxCandidates ?? 2000, own.authority)) {
      const theirs = record.comparable;
      if (isExact(mine, theirs)) scored.push({ record, score: Infinity, decision: 'deterministic' });
      else {
        const s = scoreComparable(mine, theirs);
        scored.push({ record, score: s.score, decision: decide(s, this.o.thresholds ?? DEFAULT_THRESHOLDS) });
      }
    }
    scored.sort((a, b) => b.score - a.score);
    const best = scored[0];
    if (!best || best.decision === 'new' || best.decision === 'review') return best;
    const members = await this.store.members(await this.personOfRecord(best.record), LINKS_ONLY);
    // Same domain: possibly a duplicate registration at the source, which is for a human to decide.
    return members.some((m) => m.key.authority === own.authority && !m.mergedInto) ? { ...best, decision: 'review' } : best;
  }

  private async personOfRecord(r: Pick<IdentityRecord, 'personId' | 'mergedInto'>): Promise<string> {
    if (r.mergedInto) return (await this.personOf(r.mergedInto)) ?? this.store.resolvePerson(r.personId);
    return this.store.resolvePerson(r.personId);
  }

  /** The effective person of an identifier: a merged-away id resolves through its survivor. */
  async personOf(key: PatientKey): Promise<string | undefined> {
    let current = key;
    for (let i = 0; i < 100; i++) {
      const r = await this.store.getRecord(current, LINKS_ONLY);
      if (!r) return undefined;
      if (!r.mergedInto) return this.store.resolvePerson(r.personId);
      current = r.mergedInto;
    }
    throw new Error('merge chain too long');
  }

  /** The active identifiers of a person (merged-away ones are no longer answered, ITI TF-2b §3.44.4.2.3). */
  async identifiers(personId: string): Promise<PatientKey[]> {
    return (await this.store.members(personId, LINKS_ONLY)).filter((r) => !r.mergedInto).map((r) => r.key);
  }

  /** ITI-44 merge: `survivor` (fed like a revise) absorbs `obsolete` (§3.44.4.2.2). */
  merge(survivor: Patient, obsolete: PatientKey): Promise<FeedOutcome> {
    return this.serialDurable(async (): Promise<Staged<FeedOutcome>> => {
      this.checkDomain(obsolete);
      const old = await this.store.getRecord(obsolete);
      if (!old) throw new IdentityError('unknown-id', 'the obsolete identifier is not known', obsolete);
      const into = survivor.ids[0]!;
      if (keyEquals(into, obsolete)) throw new IdentityError('conflict', 'an identifier cannot be merged into itself', obsolete);
      // A merge joins two ids of one domain (ITI TF-2b §3.44.4.1.3); across domains that is a link, not a merge.
      if (into.authority !== obsolete.authority) throw new IdentityError('conflict', 'the obsolete id is in another domain than the survivor', obsolete);
      if (old.mergedInto) {
        if (keyEquals(old.mergedInto, into)) {
          const again = await this.feedNow(survivor);
          return { value: { ...again.value, decision: 'existing' }, durable: again.durable, changed: [] };
        }
        throw new IdentityError('conflict', 'the obsolete identifier is already merged into another', obsolete);
      }
      const fed = await this.feedNow(survivor);
      const outcome = fed.value;
      const fromPerson = await this.personOfRecord(old);
      const intoPerson = await this.store.resolvePerson(outcome.personId);
      const row: MergeRow = { from: obsolete, into, time: this.o.now().toISOString(), ...(fromPerson !== intoPerson ? { fromPerson, intoPerson } : {}) };
      const write = this.store.write({ merge: row });
      await write.applied;
      return { value: { ...outcome, personId: intoPerson, accepted: outcome.accepted }, durable: Promise.all([fed.durable, write.durable]), changed: [intoPerson] };
    });
  }

  /** Undoes the merge of `obsolete`: it and its former cross-references are their own person again. */
  unmerge(obsolete: PatientKey): Promise<MergeRow | undefined> {
    return this.serial(async () => {
      const row = await this.store.removeMerge(obsolete);
      if (row) this.notify([await this.personOf(row.from), await this.personOf(row.into)]);
      return row;
    });
  }
}
