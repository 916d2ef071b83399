/**
 * Building blocks of the deterministic benchmark dataset (performance.md §5.1): a seeded PRNG, the skewed
 * code distributions (codes from the Connectathon value sets, NIST XDS Toolkit codes.xml), the author pool
 * and the metadata model of one DocumentEntry / SubmissionSet / Folder / Association. No I/O here.
 */
import { createHash } from 'node:crypto';
import type { Association, Author, Code, DocumentEntry, Folder, SubmissionSet } from '../../src/metadata/model';

/** mulberry32: small, fast and good enough to make a dataset reproducible from a seed. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
  /** Index into a list where rank r has weight 1/(r+1)^s (Zipf-like skew). */
  zipf(weights: readonly number[]): number {
    const u = this.next() * weights[weights.length - 1]!;
    let lo = 0;
    let hi = weights.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (weights[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Cumulative Zipf weights for n ranks with exponent s. */
export function zipfTable(n: number, s: number): number[] {
  const out: number[] = [];
  let acc = 0;
  for (let r = 0; r < n; r++) out.push((acc += 1 / Math.pow(r + 1, s)));
  return out;
}

const LOINC = '2.16.840.1.113883.6.1';
const SNOMED = '2.16.840.1.113883.6.96';
const IHE_FORMAT = '1.3.6.1.4.1.19376.1.2.3';
const code = (c: string, scheme: string, display?: string): Code => ({ code: c, codingScheme: scheme, ...(display ? { displayName: { value: display } } : {}) });

export const CLASS_CODES: readonly Code[] = ['REPORTS', 'SUMMARIES', 'IMAGES', 'PLANS', 'HEALTH'].map((c) => code(c, '1.3.6.1.4.1.19376.1.2.6.1', c));
/** 40 LOINC document types; with Zipf s = 1.6 the top 8 carry about 80% (§5.1). */
export const TYPE_CODES: readonly Code[] = (
  '34133-9 11488-4 18842-5 57133-1 11506-3 34117-2 11502-2 18748-4 57055-6 72134-0 34755-9 42274-1 72554-6 34895-3 ' +
  '54094-8 11369-6 57056-4 57057-2 26436-6 57058-0 60593-1 61356-2 57053-1 57054-9 28651-8 52521-2 60568-3 28568-4 ' +
  '56447-6 57059-8 57833-6 57016-8 57017-6 28570-0 18761-7 11528-7 11504-8 68998-4 69045-3 36643-5'
)
  .split(' ')
  .map((c) => code(c, LOINC));
export const FORMAT_CODES: readonly Code[] = [
  'urn:ihe:pcc:xphr:2007', 'urn:ihe:iti:xds-sd:pdf:2008', 'urn:ihe:pcc:xds-ms:2007', 'urn:ihe:lab:xd-lab:2008', 'urn:ihe:iti:xds-sd:text:2008',
  'urn:ihe:pcc:edr:2007', 'urn:ihe:pcc:ips:2020', 'urn:ihe:rad:TEXT', 'urn:ihe:pcc:hp:2008', 'urn:ihe:iti:bppc:2007',
].map((c) => code(c, IHE_FORMAT));
export const PRACTICE_CODES: readonly Code[] = [
  ...['225728007', '309915006', '309927009', '309942007', '309935007', '309950003', '309964003'].map((c) => code(c, SNOMED)),
  ...['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M'].map((c) => code(`Practice-${c}`, '1.3.6.1.4.1.21367.2017.3')),
];
export const FACILITY_CODES: readonly Code[] = ['225728007', '394747008', '66280005', '22232009', '42665001', '264372000', '35971002', '44860005', '419955002', '82242000'].map(
  (c) => code(c, SNOMED),
);
export const EVENT_CODES: readonly Code[] = ['MPQ-eventcode-1', 'MPQ-eventcode-2', 'urn:connectathon:policy:full-access'].map((c) => code(c, '1.3.6.1.4.1.21367.2017.3'));
const CONFIDENTIALITY = (c: string): Code => code(c, '2.16.840.1.113883.5.25');
export const FOLDER_CODES: readonly Code[] = ['Referrals', 'Allergy_Treatments'].map((c) => code(c, '1.3.6.1.4.1.21367.2017.3'));

export const SOURCE_IDS: readonly string[] = Array.from({ length: 50 }, (_, i) => `1.3.6.1.4.1.21367.2026.11.${i + 1}`);
export const REPOSITORY_IDS: readonly string[] = ['1.3.6.1.4.1.21367.2026.12.1', '1.3.6.1.4.1.21367.2026.12.2', '1.3.6.1.4.1.21367.2026.12.3'];
export const AUTHOR_POOL = 20_000;
export const AFFINITY_OID = '1.3.6.1.4.1.21367.13.20.1000';

const SURNAMES = ['Smith', 'Muller', 'Martin', 'Rossi', 'Garcia', 'Jansen', 'Novak', 'Nielsen', 'Dubois', 'Keller', 'Weber', 'Moreau'];
const GIVEN = ['Anna', 'Marcus', 'Lea', 'Jon', 'Maria', 'Paul', 'Sara', 'Luca', 'Eva', 'Noah'];
const SPECIALTIES = ['Cardiology', 'Radiology', 'General Medicine', 'Orthopedic', 'Oncology', 'Pediatrics'];

/** Author a of the 20k person/institution pool (deterministic from its index). */
export function author(a: number): Author {
  return {
    person: `${a}^${SURNAMES[a % SURNAMES.length]}${a % 97}^${GIVEN[a % GIVEN.length]}^^^Dr^MD^^&${AFFINITY_OID}&ISO`,
    institutions: [`Clinic ${a % 2000}^^^^^^^^^1.3.6.1.4.1.21367.2026.13.${a % 2000}`],
    roles: ['Attending'],
    specialties: [SPECIALTIES[a % SPECIALTIES.length]!],
    telecom: [`^^Internet^author${a}@example.org`],
  };
}

export const patientCx = (p: number): string => `P${p.toString().padStart(8, '0')}^^^&${AFFINITY_OID}&ISO`;
/** Deterministic entryUUID n of a given kind nibble (1 DocumentEntry, 2 SubmissionSet, 3 Folder, 4 Association). */
export const uuidOf = (kind: number, n: number): string => `urn:uuid:b4000000-0000-4000-8${kind}00-${n.toString(16).padStart(12, '0')}`;
export const oidOf = (kind: number, n: number): string => `1.3.6.1.4.1.21367.2026.${kind}.${n}`;

/** DTM over three years (2023–2025) with a weekday and daytime bias (§5.1). */
export function randomTime(r: Rng): string {
  const base = Date.UTC(2023, 0, 1);
  for (;;) {
    const day = r.int(3 * 365);
    const d = new Date(base + day * 86_400_000);
    const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
    if (weekend && r.next() < 0.7) continue; // weekends get ~30% of a weekday's volume
    const hour = Math.min(23, Math.max(0, Math.round(12 + r.normal() * 3.5)));
    d.setUTCHours(hour, r.int(60), r.int(60));
    return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  }
}

export interface EntryTables {
  readonly type: number[];
  readonly practice: number[];
  readonly author: number[];
}
export const entryTables = (): EntryTables => ({ type: zipfTable(TYPE_CODES.length, 1.6), practice: zipfTable(PRACTICE_CODES.length, 1.1), author: zipfTable(AUTHOR_POOL, 0.8) });

/** One DocumentEntry of patient p: about 6 KB of ebRIM when serialised (§5.1 "Identifiers"). */
export function documentEntry(r: Rng, t: EntryTables, n: number, p: number): DocumentEntry {
  const created = randomTime(r);
  const size = Math.max(200, Math.round(Math.exp(Math.log(30_000) + r.normal() * 0.8)));
  const classCode = CLASS_CODES[Math.min(CLASS_CODES.length - 1, Math.floor(-Math.log(1 - r.next()) * 1.2))]!;
  const extra = r.next() < 0.01 ? [{ name: 'urn:example:tessera:ward', values: [`W${r.int(40)}`] }] : [];
  return {
    kind: 'DocumentEntry',
    id: uuidOf(1, n),
    type: 'stable',
    uniqueId: oidOf(1, n),
    patientId: patientCx(p),
    mimeType: r.next() < 0.1 ? 'application/pdf' : 'text/xml',
    classCode,
    typeCode: TYPE_CODES[r.zipf(t.type)]!,
    formatCode: FORMAT_CODES[Math.min(9, Math.floor(-Math.log(1 - r.next()) * 2))]!,
    healthcareFacilityTypeCode: FACILITY_CODES[Math.min(9, Math.floor(-Math.log(1 - r.next()) * 2.5))]!,
    practiceSettingCode: PRACTICE_CODES[r.zipf(t.practice)]!,
    confidentialityCodes: [CONFIDENTIALITY(r.next() < 0.9 ? 'N' : r.pick(['R', 'V', 'L']))],
    eventCodes: r.next() < 0.3 ? [r.pick(EVENT_CODES)] : [],
    authors: [author(r.zipf(t.author))],
    creationTime: created,
    serviceStartTime: created.slice(0, 12),
    serviceStopTime: created.slice(0, 12),
    hash: createHash('sha1').update(`tessera-bench-document-${n}`).digest('hex'),
    size: String(size),
    languageCode: 'en-US',
    legalAuthenticator: `^${SURNAMES[n % SURNAMES.length]}^${GIVEN[n % GIVEN.length]}^^^Dr^MD`,
    sourcePatientId: `MRN${p}^^^&1.3.6.1.4.1.21367.2026.14.${p % 6}&ISO`,
    sourcePatientInfo: [`PID-3|MRN${p}^^^&1.3.6.1.4.1.21367.2026.14.${p % 6}&ISO`, `PID-5|${SURNAMES[p % 12]}^${GIVEN[p % 10]}^^^`, `PID-7|19${50 + (p % 50)}0101`, `PID-8|${p % 2 ? 'F' : 'M'}`],
    repositoryUniqueId: REPOSITORY_IDS[n % 3]!,
    referenceIdList: r.next() < 0.2 ? [`ACC${n}^^^&1.3.6.1.4.1.21367.2026.15&ISO^urn:ihe:iti:xds:2013:accession`] : [],
    title: { value: `${classCode.code.toLowerCase()} ${n}` },
    comments: { value: 'Generated by the Tessera benchmark dataset' },
    extraSlots: extra,
    limitedMetadata: false,
  };
}

export function submissionSet(r: Rng, t: EntryTables, n: number, p: number): SubmissionSet {
  return {
    kind: 'SubmissionSet',
    id: uuidOf(2, n),
    uniqueId: oidOf(2, n),
    sourceId: r.pick(SOURCE_IDS),
    patientId: patientCx(p),
    submissionTime: randomTime(r),
    contentTypeCode: FACILITY_CODES[r.int(9)]!,
    authors: [author(r.zipf(t.author))],
    intendedRecipients: [],
    title: { value: `submission ${n}` },
    extraSlots: [],
    limitedMetadata: false,
  };
}

export const folder = (r: Rng, n: number, p: number): Folder => ({
  kind: 'Folder',
  id: uuidOf(3, n),
  uniqueId: oidOf(3, n),
  patientId: patientCx(p),
  codeList: [r.pick(FOLDER_CODES)],
  title: { value: `folder ${n}` },
  extraSlots: [],
  limitedMetadata: false,
});

export const association = (n: number, type: Association['type'], sourceId: string, targetId: string, ssStatus?: string): Association => ({
  kind: 'Association',
  id: uuidOf(4, n),
  type,
  sourceId,
  targetId,
  extraSlots: [],
  ...(ssStatus ? { submissionSetStatus: ssStatus } : {}),
});
