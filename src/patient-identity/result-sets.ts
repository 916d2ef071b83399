/**
 * PDQ result sets kept for continuation (ITI TF-2b §3.47.4.3): in memory, keyed by queryId, with a TTL and
 * a cap on how many are held (the oldest is dropped first). Expired sets are swept on access: no timers.
 */
import type { XmlElement } from '../soap/xml';
import type { PdqMatch } from '../hl7v3/write-patient';
import type { InstanceId } from '../hl7v3/read-datatypes';
import type { PdqHit } from './pdq-search';

export interface ResultSet {
  readonly queryId: InstanceId;
  readonly matches: readonly PdqMatch[];
  /**
   * When present, the set's entries are these hits, turned into matches one page at a time (ITI-47 without
   * otherIDsScopingOrganization: every hit becomes a match, so nothing needs resolving before it is sent).
   */
  readonly hits?: readonly PdqHit[];
  /** How many have been sent so far. */
  offset: number;
  expires: number;
  readonly queryByParameter?: XmlElement;
}

export interface ResultSetLimits {
  readonly ttlMs: number;
  readonly maxSets: number;
}

export const DEFAULT_RESULT_SET_LIMITS: ResultSetLimits = { ttlMs: 10 * 60_000, maxSets: 1000 };

const keyOf = (id: InstanceId): string => `${id.root}|${id.extension ?? ''}`;

export class ResultSets {
  private readonly sets = new Map<string, ResultSet>();

  constructor(
    private readonly limits: ResultSetLimits,
    private readonly clock: () => number,
  ) {}

  private sweep(): void {
    const now = this.clock();
    for (const [k, s] of this.sets) if (s.expires <= now) this.sets.delete(k);
  }

  put(set: Omit<ResultSet, 'expires'>): void {
    this.sweep();
    const key = keyOf(set.queryId);
    this.sets.delete(key);
    // Map iteration order is insertion order: the first key is the oldest set.
    while (this.sets.size >= this.limits.maxSets) this.sets.delete(this.sets.keys().next().value!);
    this.sets.set(key, { ...set, expires: this.clock() + this.limits.ttlMs });
  }

  get(queryId: InstanceId): ResultSet | undefined {
    this.sweep();
    const s = this.sets.get(keyOf(queryId));
    if (s) s.expires = this.clock() + this.limits.ttlMs;
    return s;
  }

  delete(queryId: InstanceId): boolean {
    return this.sets.delete(keyOf(queryId));
  }

  get size(): number {
    return this.sets.size;
  }
}
