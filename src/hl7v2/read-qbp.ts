/**
 * Queries: ITI-9 PIX Query QBP^Q23 (ITI TF-2a §3.9.4.1: QPD-3 the person identifier, QPD-4 the domains
 * to return), ITI-21 PDQ QBP^Q22 (§3.21.4.1: QPD-3 QIP list "@PID.5.1.1^SMITH", QPD-8 domains to return,
 * RCP-2 quantity limit, DSC-1 continuation pointer) and QCN^J01 cancel (QID-1 query tag).
 * Locations in errors follow ERR-2 (segment^seq^field^repetition^component).
 */
import type { PdqCriteria } from '../hl7v3/read-pdq-query';
import type { PatientKey, PatientName } from '../patient-identity/model';
import type { V2Message, V2Segment } from './er7';
import { readCx } from './datatypes';
import type { AuthorityResolver } from './read-pid';
import { readSex, readTs } from './datatypes';
import { ErrorCode, V2Error } from './v2-error';

export interface QueryCommon {
  readonly qpd: V2Segment;
  readonly queryName: string;
  readonly queryTag: string;
}

export interface PixQueryV2 extends QueryCommon {
  readonly patientId: { readonly id: string; readonly authority?: string };
  /** Domains to return (QPD-4); undefined entries are domains we do not know (reported at that repetition). */
  readonly domains: readonly (string | undefined)[];
}

export interface PdqQueryV2 extends QueryCommon {
  readonly criteria: PdqCriteria;
  readonly domains: readonly (string | undefined)[];
  /** RCP-2 quantity (records); undefined = no limit. */
  readonly limit?: number;
  /** DSC-1: present on a continuation request. */
  readonly continuation?: string;
}

function common(m: V2Message): QueryCommon {
  const qpd = m.segment('QPD');
  if (!qpd) throw new V2Error('AE', ErrorCode.segmentSequence, 'QPD segment is missing', { segment: 'QPD' });
  const queryTag = qpd.get(2);
  if (!queryTag) throw new V2Error('AE', ErrorCode.requiredFieldMissing, 'QPD-2 query tag is empty', { segment: 'QPD', seq: 1, field: 2 });
  return { qpd, queryName: qpd.get(1), queryTag };
}

const domainsOf = (qpd: V2Segment, field: number, resolve: AuthorityResolver): (string | undefined)[] =>
  qpd.reps(field).map((rep) => readCx(rep, resolve).authority);

export function readPixQuery(m: V2Message, resolve: AuthorityResolver): PixQueryV2 {
  const q = common(m);
  const rep = q.qpd.reps(3)[0];
  const patientId = rep ? readCx(rep, resolve) : { id: '' };
  if (!patientId.id) throw new V2Error('AE', ErrorCode.requiredFieldMissing, 'QPD-3 person identifier is empty', { segment: 'QPD', seq: 1, field: 3, rep: 1, component: 1 });
  return { ...q, patientId, domains: domainsOf(q.qpd, 4, resolve) };
}

interface MutableCriteria {
  family: string[];
  given: string[];
  mFamily: string[];
  mGiven: string[];
  birthTime?: string;
  gender?: string;
  street: string[];
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  idValue?: string;
  idNamespace: string;
  idUniversal: string;
  telecoms: string[];
}

/** QIP field name (with or without the "@", optional trailing sub-component index) → criterion. */
const PARAMS: Readonly<Record<string, (c: MutableCriteria, v: string) => boolean>> = {
  'PID.5.1': (c, v) => (c.family.push(v), true),
  'PID.5.2': (c, v) => (c.given.push(v), true),
  'PID.5.3': (c, v) => (c.given.push(v), true),
  'PID.6.1': (c, v) => (c.mFamily.push(v), true),
  'PID.6.2': (c, v) => (c.mGiven.push(v), true),
  'PID.7': (c, v) => { const t = readTs(v); return t === null ? false : ((c.birthTime = t), true); },
  'PID.7.1': (c, v) => PARAMS['PID.7']!(c, v),
  'PID.8': (c, v) => { const s = readSex(v); return s === null ? false : ((c.gender = s), true); },
  'PID.11.1': (c, v) => (c.street.push(v), true),
  'PID.11.2': (c, v) => (c.street.push(v), true),
  'PID.11.3': (c, v) => ((c.city = v), true),
  'PID.11.4': (c, v) => ((c.state = v), true),
  'PID.11.5': (c, v) => ((c.postalCode = v), true),
  'PID.11.6': (c, v) => ((c.country = v), true),
  'PID.3.1': (c, v) => ((c.idValue = v), true),
  'PID.3.4.1': (c, v) => ((c.idNamespace = v), true),
  'PID.3.4.2': (c, v) => ((c.idUniversal = v), true),
  'PID.3.4.3': () => true,
  'PID.13.1': (c, v) => (c.telecoms.push(`tel:${v}`), true),
  'PID.13.4': (c, v) => (c.telecoms.push(`mailto:${v}`), true),
};

/** "@PID.5.1.1" → "PID.5.1" (XPN-1 FN.1 surname: the same value in our model); "@PID.3" → "PID.3.1". */
function paramKey(name: string): string {
  const n = name.replace(/^@/, '').toUpperCase();
  if (PARAMS[n]) return n;
  const shorter = n.replace(/\.1$/, '');
  if (PARAMS[shorter]) return shorter;
  return PARAMS[`${n}.1`] ? `${n}.1` : n;
}

function name(family: string[], given: string[]): PatientName[] {
  return family.length > 0 || given.length > 0 ? [{ family, given }] : [];
}

function readCriteria(qpd: V2Segment, resolve: AuthorityResolver): PdqCriteria {
  const c: MutableCriteria = { family: [], given: [], mFamily: [], mGiven: [], street: [], idNamespace: '', idUniversal: '', telecoms: [] };
  qpd.reps(3).forEach((rep, i) => {
    const field = rep[0]?.[0] ?? '';
    // A trailing "*" is the common wildcard; values are prefix-matched anyway (pdq-search.ts).
    const value = (rep[1]?.join('&') ?? '').replace(/\*+$/, '').trim();
    const at = { segment: 'QPD', seq: 1, field: 3, rep: i + 1 };
    const apply = PARAMS[paramKey(field)];
    if (!apply) throw new V2Error('AE', ErrorCode.tableValueNotFound, `unsupported query parameter ${field}`, { ...at, component: 1 });
    if (value !== '' && !apply(c, value)) throw new V2Error('AE', ErrorCode.dataType, `invalid value for ${field}`, { ...at, component: 2 });
  });
  let ids: PatientKey[] = [];
  if (c.idValue) {
    const authority = resolve(c.idNamespace, c.idUniversal);
    if (!authority) throw new V2Error('AE', ErrorCode.unknownKey, 'unknown assigning authority in @PID.3.4', { segment: 'QPD', seq: 1, field: 3 });
    ids = [{ id: c.idValue, authority }];
  }
  const hasAddress = c.street.length > 0 || c.city || c.state || c.postalCode || c.country;
  return {
    names: name(c.family, c.given),
    ...(c.birthTime ? { birthTime: c.birthTime } : {}),
    ...(c.gender ? { gender: c.gender } : {}),
    addresses: hasAddress ? [{ streetAddressLine: c.street, city: c.city, state: c.state, postalCode: c.postalCode, country: c.country }] : [],
    ids,
    ...(c.mFamily.length + c.mGiven.length > 0 ? { mothersMaidenName: { family: c.mFamily, given: c.mGiven } } : {}),
    telecoms: c.telecoms,
  };
}

/** RCP-2 CQ: quantity^units; only RD (records) is meaningful for PDQ (§3.21.4.1.2.2). */
function readLimit(m: V2Message): number | undefined {
  const rcp = m.segment('RCP');
  const v = rcp?.get(2, 1) ?? '';
  if (v === '') return undefined;
  const units = rcp!.get(2, 2);
  if (!/^\d+$/.test(v) || Number(v) < 1 || (units !== '' && units !== 'RD')) {
    throw new V2Error('AE', ErrorCode.dataType, 'RCP-2 must be a positive number of records (RD)', { segment: 'RCP', seq: 1, field: 2 });
  }
  return Number(v);
}

export function readPdqQuery(m: V2Message, resolve: AuthorityResolver): PdqQueryV2 {
  const q = common(m);
  const continuation = m.segment('DSC')?.get(1) || undefined;
  return { ...q, criteria: readCriteria(q.qpd, resolve), domains: domainsOf(q.qpd, 8, resolve), limit: readLimit(m), ...(continuation ? { continuation } : {}) };
}

/** QCN^J01 (§3.21.4.3): QID-1 query tag, QID-2 message query name. */
export function readCancel(m: V2Message): { readonly queryTag: string; readonly queryName: string } {
  const qid = m.segment('QID');
  if (!qid) throw new V2Error('AE', ErrorCode.segmentSequence, 'QID segment is missing', { segment: 'QID' });
  const queryTag = qid.get(1);
  if (!queryTag) throw new V2Error('AE', ErrorCode.requiredFieldMissing, 'QID-1 query tag is empty', { segment: 'QID', seq: 1, field: 1 });
  return { queryTag, queryName: qid.get(2) };
}
