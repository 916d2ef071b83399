/**
 * Affinity-domain configuration as data: the code lists per classification scheme (codes.xml format,
 * as the NIST toolkit ships it), allowed MIME types, and how strictly they are enforced.
 * The loader lives in load-affinity-domain.ts; this file is the pure type the validators take.
 */
export type Strictness = 'enforce' | 'warn' | 'off';

export interface CodeValue {
  readonly code: string;
  readonly codingScheme: string;
  readonly display?: string;
}

export interface AffinityDomain {
  readonly strictness: Strictness;
  /** Classification scheme UUID (e.g. DocumentEntry.classCode's) → the codes allowed for it. */
  readonly codes: ReadonlyMap<string, readonly CodeValue[]>;
  /** Allowed document MIME types; empty means any. */
  readonly mimeTypes: readonly string[];
}

/** Accept everything: used where no code list is configured. */
export const OPEN_AFFINITY_DOMAIN: AffinityDomain = { strictness: 'off', codes: new Map(), mimeTypes: [] };
