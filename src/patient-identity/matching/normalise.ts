/** Normalisation for comparison: upper case, diacritics removed, letters/digits only. Pure. */
import type { Patient } from '../model';

export const norm = (s: string | undefined): string =>
  (s ?? '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');

/** The comparable parts of a patient: first family name, first given name, birth date (YYYYMMDD prefix). */
export interface Comparable {
  readonly family: string;
  readonly given: string;
  readonly birth: string;
  readonly gender: string;
  readonly street: string;
  readonly city: string;
  readonly postalCode: string;
}

export function comparable(p: Patient): Comparable {
  const n = p.names[0];
  const a = p.addresses[0];
  return {
    family: norm(n?.family.join('')),
    given: norm(n?.given[0]),
    birth: (p.birthTime ?? '').slice(0, 8),
    gender: norm(p.gender),
    street: norm(a?.streetAddressLine.join(' ')),
    city: norm(a?.city),
    postalCode: norm(a?.postalCode),
  };
}

/**
 * A Comparable as one text (stores keep it beside a record so that blocking candidates need no demographics
 * parse): the normalised fields joined with '|', which `norm` never leaves in them; the birth date, the only raw
 * field, goes last so that a '|' in it cannot shift the others.
 */
export const packComparable = (c: Comparable): string =>
  `${c.family}|${c.given}|${c.gender}|${c.street}|${c.city}|${c.postalCode}|${c.birth}`;

export function unpackComparable(s: string): Comparable {
  const f = s.split('|');
  const birth = f.length > 7 ? f.slice(6).join('|') : (f[6] ?? '');
  return { family: f[0] ?? '', given: f[1] ?? '', gender: f[2] ?? '', street: f[3] ?? '', city: f[4] ?? '', postalCode: f[5] ?? '', birth };
}
