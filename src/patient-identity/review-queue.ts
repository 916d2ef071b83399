/**
 * The operator side of the cross-reference (issue 6): list the review items the matcher queued, and decide
 * them — link, mark distinct — or unlink an identifier, or unmerge one. Every decision runs in the
 * CrossReference's queue (no feed between its reads and writes), tells ITI-46/ITI-10 subscribers, mirrors
 * new identifiers into the registry's PatientIndex, and is audited (ATNA Patient Record 110110, identifiers
 * only, with the operator). Refusals are IdentityErrors: 'unknown-id' (nothing by that id/number) or
 * 'conflict' (the decision would break a rule), and are audited too (outcome 4).
 */
import type { Logger } from 'pino';
import type { AuditRecord, AuditStore } from '../security/ports';
import { AuditEventId } from '../security/audit-events';
import type { CrossReference } from './cross-reference';
import { isEnterprise } from './domains';
import type { IdentityRecord, ReviewDecision, StoredReview } from './identity-ports';
import { IdentityError } from './identity-error';
import { keyEquals, keyToCx, type Patient, type PatientKey } from './model';
import type { PatientIndex } from './ports';
import { unmergePatient } from './unmerge';

export interface ReviewQueueOptions {
  readonly xref: CrossReference;
  /** The registry's index: ids minted by an unlink are added, an unmerge is mirrored. */
  readonly patients: PatientIndex;
  readonly audit: AuditStore;
  /** Where an audit failure is reported (the decision itself stands). */
  readonly log?: Logger;
}

/** Who decided, and from where (the admin request). */
export interface DecisionContext {
  readonly operator: string;
  readonly sourceNode?: string;
}

/** One side of a review item: the identifier, its person now, the person's active ids, its demographics. */
export interface ReviewSide {
  readonly key: PatientKey;
  readonly personId?: string;
  readonly identifiers: readonly PatientKey[];
  readonly mergedInto?: PatientKey;
  readonly patient?: Patient;
}

export interface ReviewView {
  readonly seq: number;
  /** Fellegi-Sunter score; -1 when a feed named ids of two persons (identifier conflict). */
  readonly score: number;
  readonly time: string;
  readonly record: ReviewSide;
  readonly candidate: ReviewSide;
}

export interface LinkOutcome {
  readonly seq: number;
  readonly record: PatientKey;
  readonly candidate: PatientKey;
  readonly previousPersonId: string;
  readonly personId: string;
  /** False when both were already one person (the item is resolved, nothing moved). */
  readonly changed: boolean;
}

export interface DistinctOutcome {
  readonly seq: number;
  readonly record: PatientKey;
  readonly candidate: PatientKey;
}

export interface UnlinkOutcome {
  readonly record: PatientKey;
  readonly previousPersonId: string;
  readonly personId: string;
  readonly minted: PatientKey;
}

export interface UnmergeOutcome {
  readonly obsolete: PatientKey;
  readonly survivor: PatientKey;
  readonly personId?: string;
}

type Decision = ReviewDecision | 'unlink' | 'unmerge';

/** Action codes (DICOM PS3.15 A.5.1 EventActionCode): a link or distinct updates records; unlink deletes a link. */
const ACTION: Readonly<Record<Decision, AuditRecord['action']>> = { link: 'U', distinct: 'U', unlink: 'D', unmerge: 'U' };

/** What an audit record names: filled in as the decision learns it, so a refusal is audited with what was known. */
interface Subject {
  readonly ids: PatientKey[];
  seq?: number;
}

const conflict = (message: string, key?: PatientKey) => new IdentityError('conflict', message, key);

export class ReviewQueue {
  constructor(private readonly o: ReviewQueueOptions) {}

  private get xref(): CrossReference {
    return this.o.xref;
  }

  /** Open review items, oldest first (`after`: the last seq of the previous page). */
  async list(limit: number, after = 0): Promise<ReviewView[]> {
    const items = await this.xref.store.openReviews(limit, after);
    return Promise.all(items.map(async (i) => ({ seq: i.seq, score: i.score, time: i.time, record: await this.side(i.key), candidate: await this.side(i.candidate) })));
  }

  private async side(key: PatientKey): Promise<ReviewSide> {
    const record = await this.xref.store.getRecord(key);
    const personId = record ? await this.xref.personOf(key) : undefined;
    const identifiers = personId ? await this.xref.identifiers(personId) : [];
    return { key, personId, identifiers, mergedInto: record?.mergedInto, patient: record?.patient };
  }

  /** The item's record joins the candidate's person; its previous person keeps its other identifiers. */
  link(seq: number, ctx: DecisionContext): Promise<LinkOutcome> {
    const subject: Subject = { ids: [], seq };
    return this.audited('link', ctx, subject, () =>
      this.xref.exclusive(async () => {
        const item = await this.openItem(seq, subject);
        const record = await this.movable(item.key);
        const from = (await this.xref.personOf(item.key))!;
        const to = await this.personOfKnown(item.candidate);
        const resolve = { seq, decision: 'link' as const, operator: ctx.operator, time: this.now() };
        const outcome = { seq, record: item.key, candidate: item.candidate, previousPersonId: from, personId: to };
        if (from === to) {
          await this.xref.store.commit({ resolve });
          return { ...outcome, changed: false };
        }
        // One identifier per domain per person (ITI TF-1 §5.1): the candidate's person must have none in ours.
        const clash = (await this.xref.identifiers(to)).find((k) => k.authority === item.key.authority);
        if (clash) throw conflict(`the candidate's person already has an identifier in this domain (${keyToCx(clash)}): one identifier per domain per person`, item.key);
        await this.xref.store.commit({ records: [{ ...record, personId: to, updated: this.now() }], resolve });
        this.xref.notify([from, to]);
        return { ...outcome, changed: true };
      }),
    );
  }

  /** The pair is different patients: the item is resolved and the pair is never queued again. */
  distinct(seq: number, ctx: DecisionContext): Promise<DistinctOutcome> {
    const subject: Subject = { ids: [], seq };
    return this.audited('distinct', ctx, subject, () =>
      this.xref.exclusive(async () => {
        const item = await this.openItem(seq, subject);
        if ((await this.personOfKnown(item.key)) === (await this.personOfKnown(item.candidate))) {
          throw conflict('the two identifiers are one person now; unlink one of them first', item.key);
        }
        const time = this.now();
        await this.xref.store.commit({
          resolve: { seq, decision: 'distinct', operator: ctx.operator, time },
          distinct: { a: item.key, b: item.candidate, operator: ctx.operator, time },
        });
        return { seq, record: item.key, candidate: item.candidate };
      }),
    );
  }

  /** The identifier leaves its person for a new person with a minted enterprise id. */
  unlink(key: PatientKey, ctx: DecisionContext): Promise<UnlinkOutcome> {
    return this.audited('unlink', ctx, { ids: [key] }, () =>
      this.xref.exclusive(async () => {
        const record = await this.movable(key);
        const from = (await this.xref.personOf(key))!;
        const others = (await this.xref.identifiers(from)).filter((k) => !keyEquals(k, key) && keyToCx(k) !== from);
        if (others.length === 0) throw conflict('the identifier is not linked to any other identifier', key);
        const minted = this.xref.mintEnterpriseKey();
        const personId = keyToCx(minted);
        const updated = this.now();
        await this.xref.store.commit({ records: [{ ...record, personId, updated }, { key: minted, personId, updated }] });
        await this.o.patients.add(minted);
        this.xref.notify([from, personId]);
        return { record: key, previousPersonId: from, personId, minted };
      }),
    );
  }

  /** Undoes an ITI-44/ITI-8 merge of `obsolete` (unmerge.ts): the registry accepts it again. */
  unmerge(obsolete: PatientKey, ctx: DecisionContext): Promise<UnmergeOutcome> {
    return this.audited('unmerge', ctx, { ids: [obsolete] }, async () => {
      if (!(await this.xref.store.getRecord(obsolete))) throw new IdentityError('unknown-id', 'unknown identifier', obsolete);
      const row = await unmergePatient(this.xref, this.o.patients, obsolete);
      if (!row) throw conflict('the identifier is not merged', obsolete);
      return { obsolete, survivor: row.into, personId: await this.xref.personOf(obsolete) };
    });
  }

  private now(): string {
    return this.xref.now().toISOString();
  }

  private async openItem(seq: number, subject: Subject): Promise<StoredReview> {
    const item = await this.xref.store.review(seq);
    if (!item) throw new IdentityError('unknown-id', `no review item ${seq}`);
    subject.ids.push(item.key, item.candidate);
    const r = item.resolution;
    if (r) throw conflict(`review item ${seq} was already resolved (${r.decision} by ${r.operator} at ${r.time})`);
    if (keyEquals(item.key, item.candidate)) throw conflict('an identifier cannot be linked to itself', item.key);
    return item;
  }

  private async personOfKnown(key: PatientKey): Promise<string> {
    const person = await this.xref.personOf(key);
    if (!person) throw new IdentityError('unknown-id', 'unknown identifier', key);
    return person;
  }

  /**
   * A record an operator may move to another person. Not a merged-away id (its survivor speaks for it), not an
   * enterprise id (it names its person: merge enterprise ids with ITI-44 instead), not a merge survivor (the
   * ids merged into it would be split from it: unmerge them first).
   */
  private async movable(key: PatientKey): Promise<IdentityRecord> {
    const record = await this.xref.store.getRecord(key);
    if (!record) throw new IdentityError('unknown-id', 'unknown identifier', key);
    if (record.mergedInto) throw conflict(`the identifier was merged into ${keyToCx(record.mergedInto)}; unmerge it first`, key);
    if (isEnterprise(this.xref.domains, key.authority)) throw conflict('an enterprise identifier names its person and cannot move; merge enterprise identifiers instead', key);
    const members = await this.xref.store.members((await this.xref.personOf(key))!);
    const absorbed = members.find((m) => m.mergedInto && keyEquals(m.mergedInto, key));
    if (absorbed) throw conflict(`${keyToCx(absorbed.key)} is merged into this identifier; unmerge it first`, key);
    return record;
  }

  private async audited<T>(decision: Decision, ctx: DecisionContext, subject: Subject, work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      await this.record(decision, ctx, subject, result, 0);
      return result;
    } catch (err) {
      await this.record(decision, ctx, subject, undefined, err instanceof IdentityError ? 4 : 8);
      throw err;
    }
  }

  /** Patient Record (110110) with Tessera's own event type per decision; identifiers and the operator only. */
  private async record(decision: Decision, ctx: DecisionContext, subject: Subject, result: unknown, outcome: 0 | 4 | 8): Promise<void> {
    const persons = result && typeof result === 'object' ? personsOf(result) : [];
    const objects = [
      ...uniqueCx(subject.ids).map((id) => ({ type: 'patient', id })),
      ...persons.map((id) => ({ type: 'person', id })),
      ...(subject.seq !== undefined ? [{ type: 'review', id: String(subject.seq) }] : []),
      { type: 'decision', id: decision },
      { type: 'operator', id: ctx.operator },
    ];
    const time = this.now();
    try {
      await this.o.audit.append({ eventId: AuditEventId.patientRecord, eventTypeCode: `identity-${decision}`, action: ACTION[decision], outcome, time, sourceNode: ctx.sourceNode, objects });
    } catch (err) {
      this.o.log?.error({ err, decision }, 'audit append failed');
    }
  }
}

const uniqueCx = (keys: readonly PatientKey[]): string[] => [...new Set(keys.map(keyToCx))];

/** The enterprise ids an outcome names (before/after person, minted id), for the audit record. */
function personsOf(result: object): string[] {
  const r = result as Partial<LinkOutcome & UnlinkOutcome & UnmergeOutcome>;
  return [...new Set([r.previousPersonId, r.personId].filter((p): p is string => typeof p === 'string'))];
}
