/**
 * HL7 v2 data types ↔ the patient model (HL7 v2.5 ch. 2A): CX (identifiers, assigning authority in CX-4
 * HD: namespace & universal id & ISO), XPN (names), XAD (addresses), XTN (telecoms), TS/DTM (birth), and
 * administrative sex (table 0001). The same model as HL7v3, so both feeds describe one person alike.
 */
import type { Address, PatientKey, PatientName, Telecom } from '../patient-identity/model';
import type { FieldValue, Rep } from './er7';

const c = (rep: Rep, i: number, s = 1): string => rep[i - 1]?.[s - 1]?.trim() ?? '';

/** CX-4 as (namespace, universal id); IHE wants the universal id (an OID, type ISO) — ITI TF-2x C.2.3. */
export const readAuthority = (rep: Rep): { readonly namespace: string; readonly universalId: string } => ({
  namespace: c(rep, 4, 1),
  universalId: c(rep, 4, 2),
});

/**
 * CX → key. `resolve` maps an HD to a domain OID (a universal id, or a namespace id known as a domain
 * name); undefined when no domain matches, so the caller can answer 204 at CX-4.
 */
export function readCx(rep: Rep, resolve: (namespace: string, universalId: string) => string | undefined): { id: string; authority?: string } {
  const a = readAuthority(rep);
  return { id: c(rep, 1), authority: resolve(a.namespace, a.universalId) };
}

export const writeCx = (k: PatientKey, namespace = ''): FieldValue => [k.id, '', '', [namespace, k.authority, 'ISO']];

/** HL7 v2 name type codes (table 0200) the v3 model also has: L legal. Others are kept as sent. */
export function readXpn(rep: Rep): PatientName | undefined {
  const family = c(rep, 1);
  const given = [c(rep, 2), c(rep, 3)].filter((v) => v !== '');
  if (!family && given.length === 0) return undefined;
  const suffix = c(rep, 4);
  const prefix = c(rep, 5);
  const use = c(rep, 7);
  return {
    family: family ? [family] : [],
    given,
    ...(prefix ? { prefix: [prefix] } : {}),
    ...(suffix ? { suffix: [suffix] } : {}),
    ...(use ? { use } : {}),
  };
}

export const writeXpn = (n: PatientName): FieldValue => [
  n.family[0] ?? '',
  n.given[0] ?? '',
  n.given.slice(1).join(' '),
  n.suffix?.[0] ?? '',
  n.prefix?.[0] ?? '',
  '',
  n.use && n.use.length === 1 ? n.use : '',
];

export function readXad(rep: Rep): Address | undefined {
  const lines = [c(rep, 1), c(rep, 2)].filter((v) => v !== '');
  const a = { city: c(rep, 3), state: c(rep, 4), postalCode: c(rep, 5), country: c(rep, 6), use: c(rep, 7) };
  if (lines.length === 0 && !a.city && !a.state && !a.postalCode && !a.country) return undefined;
  return {
    streetAddressLine: lines,
    ...(a.city ? { city: a.city } : {}),
    ...(a.state ? { state: a.state } : {}),
    ...(a.postalCode ? { postalCode: a.postalCode } : {}),
    ...(a.country ? { country: a.country } : {}),
    ...(a.use ? { use: a.use } : {}),
  };
}

export const writeXad = (a: Address): FieldValue => [
  a.streetAddressLine[0] ?? '',
  a.streetAddressLine.slice(1).join(' '),
  a.city ?? '',
  a.state ?? '',
  a.postalCode ?? '',
  a.country ?? '',
  a.use && a.use.length === 1 ? a.use : '',
];

/** XTN-2 use (table 0201) ↔ v3 TelecommunicationAddressUse. */
const USE_V2_TO_V3: Readonly<Record<string, string>> = { PRN: 'H', WPN: 'WP', ORN: 'HP', VHN: 'HV', EMR: 'EC', NET: 'H' };
const USE_V3_TO_V2: Readonly<Record<string, string>> = { H: 'PRN', HP: 'PRN', WP: 'WPN', HV: 'VHN', EC: 'EMR' };

/** XTN → URL form: XTN-4 e-mail → mailto:, else the number (XTN-1 or country/area/local) → tel:. */
export function readXtn(rep: Rep): Telecom | undefined {
  const use = USE_V2_TO_V3[c(rep, 2)];
  const email = c(rep, 4);
  if (email) return { value: `mailto:${email}`, ...(use ? { use } : {}) };
  const parts = [c(rep, 5) ? `+${c(rep, 5)}` : '', c(rep, 6), c(rep, 7)].filter((v) => v !== '');
  const number = c(rep, 1) || parts.join('-');
  return number ? { value: `tel:${number}`, ...(use ? { use } : {}) } : undefined;
}

export function writeXtn(t: Telecom): FieldValue {
  const use = t.use ? USE_V3_TO_V2[t.use] ?? '' : '';
  if (t.value.startsWith('mailto:')) return ['', use || 'NET', 'Internet', t.value.slice(7)];
  return [t.value.replace(/^tel:/, ''), use, 'PH'];
}

const TS = /^(\d{4}(\d{2}(\d{2}(\d{2}(\d{2}(\d{2}(\.\d{1,4})?)?)?)?)?)?)([+-]\d{4})?$/;

/** TS/DTM → the digits the model keeps (the offset is dropped, as for HL7v3 birth times); null = malformed. */
export function readTs(v: string): string | undefined | null {
  if (v === '') return undefined;
  const m = TS.exec(v);
  return m ? m[1]!.replace(/\.\d+$/, '') : null;
}

/** Table 0001 → model (the v3 AdministrativeGender code set: M, F, UN). */
export function readSex(v: string): string | undefined | null {
  if (v === '') return undefined;
  const map: Readonly<Record<string, string>> = { M: 'M', F: 'F', U: 'UN', O: 'UN', A: 'UN', N: 'UN' };
  return map[v.toUpperCase()] ?? null;
}

export const writeSex = (g: string | undefined): string => (g === 'M' || g === 'F' ? g : g ? 'U' : '');
