/**
 * Indexed search columns for PDQ (performance.md B7: "PDQ uses normalised name + DOB indexes"): the
 * normalised first family and given name parts of a record's first name and its birth date (YYYYMMDD prefix
 * of the HL7 TS). A PDQ query is narrowed on them by prefix ranges, then every criterion is checked in full
 * (pdq-search.ts matchPatient). Pure.
 */
import type { Patient } from '../model';
import { norm } from './normalise';

export interface SearchColumns {
  readonly family?: string;
  readonly given?: string;
  readonly birth?: string;
}

const present = (s: string): string | undefined => (s === '' ? undefined : s);

export function searchColumns(p: Patient): SearchColumns {
  const n = p.names[0];
  return { family: present(norm(n?.family[0])), given: present(norm(n?.given[0])), birth: present((p.birthTime ?? '').slice(0, 8)) };
}

/**
 * A PDQ narrowing: records whose columns START WITH every given value (name parts match by prefix, ITI
 * TF-2b §3.47.4.1.2 leaves exactness to the supplier; birth time by prefix of the TS).
 */
export type SearchBlock = SearchColumns;

/** Implemented by stores that keep the search columns indexed (SQLite); others fall back to blocking/scan. */
export interface SearchIndex {
  searchCandidates(block: SearchBlock, limit: number): Promise<import('../identity-ports').IdentityRecord[]>;
}

export const hasSearchIndex = <T extends object>(store: T): store is T & SearchIndex =>
  typeof (store as Partial<SearchIndex>).searchCandidates === 'function';
