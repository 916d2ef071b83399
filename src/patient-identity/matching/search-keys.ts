/**
 * Indexed search columns for PDQ (performance.md B7: "PDQ uses normalised name + DOB indexes"): the
 * normalised first family and given name parts of a record's first name and its birth date (YYYYMMDD prefix
 * of the HL7 TS). A PDQ query is narrowed on them by prefix ranges, then every criterion is checked in full
 * (pdq-search.ts matchPatient). Pure.
 */
import type { SearchBlock } from '../identity-ports';
import type { Patient } from '../model';
import { norm } from './normalise';

const present = (s: string): string | undefined => (s === '' ? undefined : s);

/** The search columns stores keep indexed for a record (IdentityStore.searchCandidates narrows on them). */
export function searchColumns(p: Patient): SearchBlock {
  const n = p.names[0];
  return { family: present(norm(n?.family[0])), given: present(norm(n?.given[0])), birth: present((p.birthTime ?? '').slice(0, 8)) };
}
