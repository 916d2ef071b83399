/**
 * Blocking keys: only records that share one of them are compared (the classic way to keep record linkage
 * sub-quadratic). Birth year, plus a 3-letter prefix of each of the first family and first given name, so
 * that a swapped family/given pair still meets its twin in a block. Pure.
 */
import type { BlockingKeys } from '../identity-ports';
import type { Patient } from '../model';
import { comparable } from './normalise';

export const nameKey = (normalised: string): string | undefined => (normalised.length > 0 ? normalised.slice(0, 3) : undefined);

export function blockingKeys(p: Patient): BlockingKeys {
  const c = comparable(p);
  const nameKeys = [nameKey(c.family), nameKey(c.given)].filter((k): k is string => k !== undefined);
  return { birthYear: c.birth.length >= 4 ? c.birth.slice(0, 4) : undefined, nameKeys: [...new Set(nameKeys)] };
}
