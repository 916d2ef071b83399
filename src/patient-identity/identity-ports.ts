/**
 * The cross-reference store behind the PIX Manager / PDQ Supplier (extends what ports.ts gives the registry).
 * A *record* is one identifier in one domain, with the demographics its source last sent (none for an
 * identifier only seen in asOtherIDs). Each record is linked to a *person* (an enterprise id). Merges are
 * kept as rows, never by rewriting records, so that an unmerge restores the previous state exactly.
 */
import type { Patient, PatientKey } from './model';

export interface IdentityRecord {
  readonly key: PatientKey;
  /** Enterprise id of the person, as CX `id^^^&oid&ISO`. */
  readonly personId: string;
  /** Demographics from the last feed for this id; undefined when only known through asOtherIDs. */
  readonly patient?: Patient;
  readonly updated: string; // ISO 8601
  /** Set on reads when this identifier was merged into another (ITI-44 merge). */
  readonly mergedInto?: PatientKey;
}

export interface MergeRow {
  readonly from: PatientKey;
  readonly into: PatientKey;
  /** Person redirect recorded with the merge (effective person of `from` → of `into`), if they differed. */
  readonly fromPerson?: string;
  readonly intoPerson?: string;
  readonly time: string;
}

export interface ReviewItem {
  readonly key: PatientKey;
  readonly candidate: PatientKey;
  readonly score: number;
  readonly time: string;
}

/** Blocking keys (see matching/blocking.ts); a record is a candidate when any key agrees. */
export interface BlockingKeys {
  readonly birthYear?: string;
  readonly nameKeys: readonly string[];
}

export interface IdentityBatch {
  readonly records?: readonly IdentityRecord[];
  readonly reviews?: readonly ReviewItem[];
  readonly merge?: MergeRow;
}

export interface IdentityStore {
  getRecord(key: PatientKey): Promise<IdentityRecord | undefined>;
  /**
   * Writes one feed's outcome atomically: records inserted or replaced (a revise replaces the demographics;
   * the person link is whatever is passed), review rows, and at most one merge row.
   */
  commit(batch: IdentityBatch): Promise<void>;
  /** Follows person redirects (merges) to the effective person id. */
  resolvePerson(personId: string): Promise<string>;
  /** Every record whose person resolves to `personId`, merged-away ones included (flagged by mergedInto). */
  members(personId: string): Promise<IdentityRecord[]>;
  /** Records with demographics that agree on at least one blocking key, merged-away ones excluded. */
  candidates(keys: BlockingKeys, limit: number): Promise<IdentityRecord[]>;
  /** Records with demographics, merged-away ones excluded, for a PDQ scan without blocking keys. */
  scan(limit: number): Promise<IdentityRecord[]>;
  mergedInto(key: PatientKey): Promise<PatientKey | undefined>;
  /** Deletes the merge of `from` and returns it (undefined if `from` was not merged). */
  removeMerge(from: PatientKey): Promise<MergeRow | undefined>;
  reviews(limit: number): Promise<ReviewItem[]>;
}
