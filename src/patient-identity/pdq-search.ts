/**
 * PDQ Supplier search (ITI TF-2b §3.47.4.1.2–3): criteria are ANDed. Names match exactly (case and
 * diacritics ignored, a query part may be a prefix) unless the consumer marks the name `use="SRCH"`, which
 * asks for inexact matching: then name parts match by Jaro-Winkler. One result per person (the best record),
 * with a confidence 0–100 in queryMatchObservation.
 */
import type { PdqCriteria } from '../hl7v3/read-pdq-query';
import type { CrossReference } from './cross-reference';
import type { IdentityRecord, SearchBlock } from './identity-ports';
import type { Address, Patient, PatientKey, PatientName } from './model';
import { jaroWinkler } from './matching/jaro-winkler';
import { norm } from './matching/normalise';

export interface PdqHit {
  readonly record: IdentityRecord;
  readonly personId: string;
  readonly confidence: number;
}

const FUZZY_MIN = 0.85;
const SCAN_LIMIT = 20000;

/** Similarity of one query part against a record's parts: 1 for equal or prefix, JW when fuzzy, else 0. */
function partScore(q: string, values: readonly string[], fuzzy: boolean): number {
  const nq = norm(q);
  if (nq === '') return 1;
  let best = 0;
  for (const v of values.map(norm)) {
    if (v === nq || v.startsWith(nq)) return 1;
    if (fuzzy) best = Math.max(best, jaroWinkler(nq, v));
  }
  return best >= FUZZY_MIN ? best : 0;
}

function nameScore(q: PatientName, names: readonly PatientName[], fuzzyAll: boolean): number {
  const fuzzy = fuzzyAll || q.use?.split(/\s+/).includes('SRCH') === true;
  let best = 0;
  for (const n of names) {
    const parts = [...q.family.map((f) => partScore(f, n.family, fuzzy)), ...q.given.map((g) => partScore(g, n.given, fuzzy))];
    const s = parts.some((p) => p === 0) ? 0 : parts.reduce((a, b) => a + b, 0) / Math.max(1, parts.length);
    best = Math.max(best, s);
  }
  return best;
}

function addressScore(q: Address, list: readonly Address[]): number {
  const fields: (keyof Omit<Address, 'streetAddressLine' | 'use'>)[] = ['city', 'state', 'postalCode', 'country'];
  return list.some(
    (a) =>
      fields.every((f) => !q[f] || norm(q[f]) === norm(a[f])) &&
      q.streetAddressLine.every((s) => partScore(s, a.streetAddressLine, true) >= FUZZY_MIN),
  )
    ? 1
    : 0;
}

/** 0 = no match; otherwise the mean similarity of the given criteria. */
export function matchPatient(c: PdqCriteria, p: Patient, fuzzy = false): number {
  const scores: number[] = [];
  if (c.names.length > 0) scores.push(Math.max(...c.names.map((n) => nameScore(n, p.names, fuzzy))));
  if (c.birthTime) scores.push(p.birthTime?.startsWith(c.birthTime) ? 1 : 0);
  if (c.gender) scores.push(p.gender === c.gender ? 1 : 0);
  if (c.addresses.length > 0) scores.push(Math.max(...c.addresses.map((a) => addressScore(a, p.addresses))));
  if (c.mothersMaidenName) scores.push(p.mothersMaidenName ? nameScore(c.mothersMaidenName, [p.mothersMaidenName], fuzzy) : 0);
  if (c.telecoms.length > 0) scores.push(c.telecoms.every((t) => p.telecoms.some((x) => x.value === t)) ? 1 : 0);
  if (scores.some((s) => s === 0)) return 0;
  return scores.length === 0 ? 1 : scores.reduce((a, b) => a + b, 0) / scores.length;
}

/**
 * Narrowing on the indexed search columns (matching/search-keys.ts: first family and given part of the first
 * name, birth date): every value is a prefix the record's column must start with. Names narrow only for one
 * exact query name (with several, a record may match any of them; SRCH names may differ anywhere).
 */
function searchBlock(c: PdqCriteria): SearchBlock | undefined {
  const exactName = c.names.length === 1 && !c.names[0]!.use?.split(/\s+/).includes('SRCH') ? c.names[0] : undefined;
  const family = norm(exactName?.family[0]) || undefined;
  const given = norm(exactName?.given[0]) || undefined;
  const birth = c.birthTime ? c.birthTime.slice(0, 8) : undefined;
  return family || given || birth ? { family, given, birth } : undefined;
}

async function candidateRecords(xref: CrossReference, c: PdqCriteria): Promise<IdentityRecord[]> {
  const block = searchBlock(c);
  return block ? xref.store.searchCandidates(block, SCAN_LIMIT) : xref.store.scan(SCAN_LIMIT);
}

/** Identifier criteria: the persons holding all of them. */
async function personsWithIds(xref: CrossReference, ids: readonly PatientKey[]): Promise<Set<string> | undefined> {
  if (ids.length === 0) return undefined;
  const persons = await Promise.all(ids.map((k) => xref.personOf(k)));
  const first = persons[0];
  return first && persons.every((p) => p === first) ? new Set([first]) : new Set();
}

export async function searchPatients(xref: CrossReference, c: PdqCriteria, minimumDegree = 0): Promise<PdqHit[]> {
  const idPersons = await personsWithIds(xref, c.ids);
  const records = idPersons
    ? (await Promise.all([...idPersons].map((p) => xref.store.members(p)))).flat().filter((r) => r.patient && !r.mergedInto)
    : await candidateRecords(xref, c);
  const best = new Map<string, PdqHit>();
  for (const record of records) {
    const score = matchPatient(c, record.patient!);
    if (score === 0 || score * 100 < minimumDegree) continue;
    const personId = await xref.store.resolvePerson(record.personId);
    const prev = best.get(personId);
    if (!prev || score * 100 > prev.confidence) best.set(personId, { record, personId, confidence: Math.round(score * 100) });
  }
  return [...best.values()].sort((a, b) => b.confidence - a.confidence || a.personId.localeCompare(b.personId));
}
