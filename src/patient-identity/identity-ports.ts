/**
 * The cross-reference store behind the PIX Manager / PDQ Supplier (extends what ports.ts gives the registry).
 * A *record* is one identifier in one domain, with the demographics its source last sent (none for an
 * identifier only seen in asOtherIDs). Each record is linked to a *person* (an enterprise id). Merges are
 * kept as rows, never by rewriting records, so that an unmerge restores the previous state exactly.
 */
import type { Patient, PatientKey } from './model';
import type { Comparable } from './matching/normalise';

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

/**
 * A PDQ narrowing on a record's search columns (matching/search-keys.ts): the normalised first family and
 * given part of its first name and its birth date (YYYYMMDD). A record is a candidate when each given column
 * STARTS WITH the value (ITI TF-2b §3.47.4.1.2 leaves name exactness to the supplier; birth time by prefix).
 */
export interface SearchBlock {
  readonly family?: string;
  readonly given?: string;
  readonly birth?: string;
}

/** An operator's decision on a review item (review-queue.ts). */
export type ReviewDecision = 'link' | 'distinct';

export interface ReviewResolution {
  /** The review item's number (`StoredReview.seq`). */
  readonly seq: number;
  readonly decision: ReviewDecision;
  readonly operator: string;
  readonly time: string;
}

/** A review row as stored: its number, and how it was resolved (absent while open). */
export interface StoredReview extends ReviewItem {
  readonly seq: number;
  readonly resolution?: ReviewResolution;
}

/** Two identifiers an operator declared to be different patients: never queued for review again. */
export interface DistinctPair {
  readonly a: PatientKey;
  readonly b: PatientKey;
  readonly operator: string;
  readonly time: string;
}

export interface IdentityBatch {
  readonly records?: readonly IdentityRecord[];
  readonly reviews?: readonly ReviewItem[];
  readonly merge?: MergeRow;
  /** Resolves one open review item (written in the same transaction as `records`). */
  readonly resolve?: ReviewResolution;
  /** Remembers a pair as distinct (unordered: (a, b) and (b, a) are the same pair). */
  readonly distinct?: DistinctPair;
  /**
   * Identifiers to make known to the registry's PatientIndex (ports.ts `add`) in the same transaction: both
   * ports live in one database on every backend, so a feed is one atomic write (and one fsync) rather than
   * one per identifier.
   */
  readonly registryIds?: readonly PatientKey[];
}

/**
 * A blocking candidate as the matcher reads it (cross-reference.ts): the record's key, its stored person and the
 * comparable fields of its demographics (matching/normalise.ts `comparable`), which stores keep precomputed so
 * that a candidate costs no demographics parse.
 */
export interface MatchCandidate {
  readonly key: PatientKey;
  readonly personId: string;
  readonly comparable: Comparable;
}

/**
 * A write in progress (`IdentityStore.write`). `applied` settles (never rejects) once reads see the batch, or
 * once it failed and will never be seen: the serial feed queue moves on then. `durable` resolves once the batch
 * survives a crash (the WAL fsync, or the database's durable commit) and rejects if it failed: nothing may be
 * acknowledged before it.
 */
export interface PendingWrite {
  readonly applied: Promise<void>;
  readonly durable: Promise<void>;
}

/**
 * How much of a record a read returns. `demographics: false` leaves out `patient`: the PIX path needs only
 * links, and reading and parsing the demographics was a quarter of a PIX query's lookup time (B7, session 4).
 */
export interface RecordRead {
  readonly demographics?: boolean;
}

export interface IdentityStore {
  getRecord(key: PatientKey, read?: RecordRead): Promise<IdentityRecord | undefined>;
  /**
   * Writes one feed's outcome atomically: records inserted or replaced (a revise replaces the demographics;
   * the person link is whatever is passed), review rows, and at most one merge row. Resolves when durable.
   */
  commit(batch: IdentityBatch): Promise<void>;
  /**
   * The same write as `commit`, in two steps (group commit, B7): a later write and every read see the batch
   * once `applied` settled, before it is durable. A failed batch rolls back alone (nothing of it is seen).
   */
  write(batch: IdentityBatch): PendingWrite;
  /** Follows person redirects (merges) to the effective person id. */
  resolvePerson(personId: string): Promise<string>;
  /** Every record whose person resolves to `personId`, merged-away ones included (flagged by mergedInto). */
  members(personId: string, read?: RecordRead): Promise<IdentityRecord[]>;
  /**
   * Records with demographics sharing at least one compound blocking key with `keys` (matching/blocking.ts:
   * `matchKeys` of a probe against each record's `recordMatchKeys`), merged-away ones and those in the
   * `otherThan` domain (the probe's own: never linked automatically) excluded.
   */
  candidates(keys: readonly string[], limit: number, otherThan?: string): Promise<MatchCandidate[]>;
  /** Records with demographics whose search columns start with every value of `block`, merged-away ones excluded. */
  searchCandidates(block: SearchBlock, limit: number): Promise<IdentityRecord[]>;
  /** Records with demographics, merged-away ones excluded, for a PDQ scan without blocking keys. */
  scan(limit: number): Promise<IdentityRecord[]>;
  mergedInto(key: PatientKey): Promise<PatientKey | undefined>;
  /** Deletes the merge of `from` and returns it (undefined if `from` was not merged). */
  removeMerge(from: PatientKey): Promise<MergeRow | undefined>;
  reviews(limit: number): Promise<ReviewItem[]>;
  /** One review row by number, resolved or not. */
  review(seq: number): Promise<StoredReview | undefined>;
  /** Unresolved review rows, oldest first, with seq greater than `after` (paging; default 0). */
  openReviews(limit: number, after?: number): Promise<StoredReview[]>;
  /** Whether an unresolved review row exists for the pair, in either order. */
  hasOpenReview(a: PatientKey, b: PatientKey): Promise<boolean>;
  /** Whether the pair was declared distinct, in either order. */
  isDistinct(a: PatientKey, b: PatientKey): Promise<boolean>;
}
