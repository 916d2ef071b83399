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
