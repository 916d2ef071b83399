/**
 * The shape of a metadata rule table (IPF style: rules as data, one table per object type) and the
 * small combinators the tables are written with. A rule looks at one field of one object and returns
 * a reason (which names the bad value) or undefined.
 */
import type { XdsCode } from '../../errors';
import type { Association, Code, DocumentEntry, Folder, SubmissionSet } from '../model';

export type Transaction = 'ITI-41' | 'ITI-42';

/** What a rule may look up beyond its own object: the other objects of the same message. */
export interface RuleContext {
  readonly transaction: Transaction;
  readonly byId: ReadonlyMap<string, DocumentEntry | SubmissionSet | Folder | Association>;
}

export interface Rule<T> {
  readonly field: string;
  readonly when: Transaction | 'both';
  /**
   * Presence requirements that TF-3 Table 4.3.1-3 lowers from R to R2 for a Metadata-Limited
   * Document Source (limitedMetadata objects): skipped when the object is limited.
   */
  readonly relaxedWhenLimited?: boolean;
  readonly check: (obj: T, ctx: RuleContext) => string | undefined;
  /** Most specific code when it is not the actor's generic metadata error. */
  readonly code?: XdsCode;
}

type Check = (v: string) => string | undefined;

export const quote = (v: string): string => JSON.stringify(v);

const isBlank = (v: string | undefined): boolean => v === undefined || v.trim() === '';

/** The field must be present (R). */
export const present =
  <T>(get: (o: T) => string | Code | undefined) =>
  (o: T): string | undefined => {
    const v = get(o);
    if (v === undefined) return 'is missing';
    if (typeof v === 'string') return isBlank(v) ? 'is empty' : undefined;
    return undefined;
  };

/** When present, the value must pass `check`; the reason then carries the quoted value. */
export const format =
  <T>(get: (o: T) => string | undefined, check: Check) =>
  (o: T): string | undefined => {
    const v = get(o);
    if (v === undefined) return undefined;
    const reason = check(v);
    return reason === undefined ? undefined : `${quote(v)} ${reason}`;
  };

/** Every value of a multi-valued field must pass `check`; reports the first bad one. */
export const eachFormat =
  <T>(get: (o: T) => readonly string[], check: Check) =>
  (o: T): string | undefined => {
    for (const v of get(o)) {
      const reason = check(v);
      if (reason !== undefined) return `${quote(v)} ${reason}`;
    }
    return undefined;
  };

/** A coded value needs both the code (nodeRepresentation) and its codingScheme slot (TF-3 §4.2.3.1.2). */
export const checkCode = (c: Code | undefined): string | undefined => {
  if (c === undefined) return undefined;
  if (isBlank(c.code)) return 'has an empty code (nodeRepresentation)';
  if (isBlank(c.codingScheme)) return `${quote(c.code)} has no codingScheme`;
  return undefined;
};

export const codeFormat =
  <T>(get: (o: T) => Code | undefined) =>
  (o: T): string | undefined =>
    checkCode(get(o));

export const eachCodeFormat =
  <T>(get: (o: T) => readonly Code[]) =>
  (o: T): string | undefined => {
    for (const c of get(o)) {
      const reason = checkCode(c);
      if (reason !== undefined) return reason;
    }
    return undefined;
  };

/** At least `n` values (e.g. confidentialityCode ≥ 1). */
export const atLeastOne =
  <T>(get: (o: T) => readonly unknown[]) =>
  (o: T): string | undefined =>
    get(o).length === 0 ? 'is missing (at least one value required)' : undefined;
