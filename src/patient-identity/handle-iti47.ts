/**
 * ITI-47 Patient Demographics Query HL7 V3 (ITI TF-2b §3.47): PRPA_IN201305UV02 → PRPA_IN201306UV02, and the
 * continuation protocol QUQI_IN000003UV01 (§3.47.4.3): with initialQuantity, the first page is sent and the
 * rest kept (result-sets.ts) until continued, cancelled or expired.
 * Unknown otherIDsScopingOrganization → AE/AE with detail 204 per domain (§3.47.4.1.3 case 3); no match → AA/NF;
 * no parameter to match on → AE/QE. Pages never exceed the configured page size.
 */
import { readContinuation, readPdqQuery, pdqScopingLocation, type PdqQuery } from '../hl7v3/read-pdq-query';
import { tryHeader, type MessageHeader } from '../hl7v3/read-message';
import type { InstanceId } from '../hl7v3/read-datatypes';
import { ACK_DETAIL_CODE_SYSTEM, AckDetailCode, Interaction } from '../hl7v3/vocabulary';
import { writeAck } from '../hl7v3/write-ack';
import type { PdqMatch } from '../hl7v3/write-patient';
import { writePdqResponse, type QueryReply } from '../hl7v3/write-query-response';
import type { AckDetail } from '../hl7v3/write-wrapper';
import type { Handler } from '../transactions';
import { isKnownDomain } from './domains';
import { keyEquals } from './model';
import { searchPatients, type PdqHit } from './pdq-search';
import { audit, detail204, errorAck, replyContext, type PixContext } from './pix-context';
import type { ResultSet } from './result-sets';

async function toMatch(pix: PixContext, hit: PdqHit, scoping: readonly string[]): Promise<PdqMatch | undefined> {
  const all = await pix.xref.identifiers(hit.personId);
  if (scoping.length > 0) {
    const ids = all.filter((k) => scoping.includes(k.authority));
    return ids.length > 0 ? { ids, otherIds: [], patient: hit.record.patient!, confidence: hit.confidence } : undefined;
  }
  const otherIds = all.filter((k) => !keyEquals(k, hit.record.key));
  return { ids: [hit.record.key], otherIds, patient: hit.record.patient!, confidence: hit.confidence };
}

const hasCriteria = (q: PdqQuery): boolean => {
  const c = q.criteria;
  return c.names.length + c.addresses.length + c.ids.length + c.telecoms.length > 0 || !!c.birthTime || !!c.gender || !!c.mothersMaidenName;
};

function scopingErrors(pix: PixContext, q: PdqQuery): AckDetail[] {
  return q.scopingOrganizations.flatMap((oid, i) =>
    isKnownDomain(pix.xref.domains, oid) ? [] : [detail204(`unknown scoping organization ${oid}`, pdqScopingLocation(i))],
  );
}

/** Hits → matches (one identifier lookup each), in order, dropping persons the scoping leaves out. */
async function toMatches(pix: PixContext, hits: readonly PdqHit[], scoping: readonly string[]): Promise<PdqMatch[]> {
  const out: PdqMatch[] = [];
  for (const h of hits) {
    const m = await toMatch(pix, h, scoping);
    if (m) out.push(m);
  }
  return out;
}

/** Sends one page of a result set (resolving only that page's hits); a set with nothing left is dropped. */
async function page(pix: PixContext, set: ResultSet, size: number) {
  const total = set.hits?.length ?? set.matches.length;
  const matches = set.hits ? await toMatches(pix, set.hits.slice(set.offset, set.offset + size), []) : set.matches.slice(set.offset, set.offset + size);
  set.offset += matches.length;
  const remaining = total - set.offset;
  if (remaining === 0) pix.resultSets.delete(set.queryId);
  return { matches, q: { total, current: matches.length, remaining } };
}

async function answer(pix: PixContext, q: PdqQuery): Promise<{ reply: Omit<QueryReply, 'custodianOid'>; matches: PdqMatch[]; quantities?: { total: number; current: number; remaining: number } }> {
  const base = { queryId: q.queryId, queryByParameter: q.queryByParameter };
  const errors = scopingErrors(pix, q);
  if (errors.length > 0) return { reply: { ...base, ack: 'AE', details: errors, responseCode: 'AE' }, matches: [] };
  if (!hasCriteria(q)) {
    const d: AckDetail = { typeCode: 'E', code: AckDetailCode.requiredFieldMissing, codeSystem: ACK_DETAIL_CODE_SYSTEM, text: 'the query has no parameter to match on' };
    return { reply: { ...base, ack: 'AE', details: [d], responseCode: 'QE' }, matches: [] };
  }
  const hits = await searchPatients(pix.xref, q.criteria, q.minimumDegreeMatch ?? 0);
  // With scoping, a hit may be left out, so every hit is resolved now (the total must be right); without, a hit
  // is resolved only when its page is sent (a wide query no longer costs one identifier lookup per hit).
  const lazy = q.scopingOrganizations.length === 0;
  const all = lazy ? [] : await toMatches(pix, hits, q.scopingOrganizations);
  const total = lazy ? hits.length : all.length;
  if (total === 0) return { reply: { ...base, ack: 'AA', details: [], responseCode: 'NF' }, matches: [] };
  // Without initialQuantity the page is still bounded: the rest waits for a continuation like any other.
  const size = Math.min(q.initialQuantity && q.initialQuantity > 0 ? q.initialQuantity : pix.pageSize, pix.pageSize);
  const first = async () => (lazy ? toMatches(pix, hits.slice(0, size), []) : all.slice(0, size));
  if (size >= total) return { reply: { ...base, ack: 'AA', details: [], responseCode: 'OK' }, matches: await first() };
  if (!q.queryId) {
    const quantities = { total, current: size, remaining: total - size };
    return { reply: { ...base, ack: 'AA', details: [], responseCode: 'OK' }, matches: await first(), quantities };
  }
  pix.resultSets.put({ queryId: q.queryId, matches: all, ...(lazy ? { hits } : {}), offset: 0, queryByParameter: q.queryByParameter });
  const p = await page(pix, pix.resultSets.get(q.queryId)!, size);
  return { reply: { ...base, ack: 'AA', details: [], responseCode: 'OK' }, matches: p.matches, quantities: p.q };
}

export const createIti47 =
  (pix: PixContext): Handler =>
  async (req, deps, ctx) => {
    const header = tryHeader(req.body);
    let q: PdqQuery | undefined;
    try {
      q = readPdqQuery(req.body);
      const { reply, matches, quantities } = await answer(pix, q);
      const ids = matches.flatMap((m) => m.ids);
      const queryRef = q.queryId ? `${q.queryId.root}^${q.queryId.extension ?? ''}` : undefined;
      await audit(deps, ctx, { eventId: '110112', tx: 'ITI-47', action: 'E', ok: reply.ack === 'AA', ids, query: queryRef });
      const body = writePdqResponse(q.header, replyContext(pix, deps), { ...reply, custodianOid: pix.custodianOid }, matches, quantities);
      return { body, count: matches.length };
    } catch (err) {
      const { ack, details } = errorAck(err);
      await audit(deps, ctx, { eventId: '110112', tx: 'ITI-47', action: 'E', ok: false, ids: [] });
      const r = { ack, details, responseCode: 'AE' as const, queryId: q?.queryId, custodianOid: pix.custodianOid };
      return { body: writePdqResponse(q?.header ?? { ...header, interaction: Interaction.pdqQuery }, replyContext(pix, deps), r, []), count: 0 };
    }
  };

function unknownSet(pix: PixContext, header: MessageHeader, queryId: InstanceId | undefined, deps: Parameters<Handler>[1]) {
  const details = [detail204('no open result set for this queryId (expired, finished or cancelled)')];
  const r = { ack: 'AE' as const, details, responseCode: 'AE' as const, queryId, custodianOid: pix.custodianOid };
  return { body: writePdqResponse(header, replyContext(pix, deps), r, []), count: 0 };
}

/** QUQI_IN000003UV01_Continue → the next page as PRPA_IN201306UV02 (§3.47.4.3.3). */
export const createIti47Continue =
  (pix: PixContext): Handler =>
  async (req, deps) => {
    const header = tryHeader(req.body);
    try {
      const c = readContinuation(req.body);
      const set = c.queryId ? pix.resultSets.get(c.queryId) : undefined;
      if (!set || c.cancel) return unknownSet(pix, c.header, c.queryId, deps);
      const p = await page(pix, set, Math.min(c.continuationQuantity && c.continuationQuantity > 0 ? c.continuationQuantity : pix.pageSize, pix.pageSize));
      const r = { ack: 'AA' as const, details: [], responseCode: 'OK' as const, queryId: set.queryId, queryByParameter: set.queryByParameter, custodianOid: pix.custodianOid };
      return { body: writePdqResponse(c.header, replyContext(pix, deps), r, p.matches, p.q), count: p.matches.length };
    } catch (err) {
      const { ack, details } = errorAck(err);
      return { body: writeAck(ack, header, replyContext(pix, deps), details), count: 0 };
    }
  };

/** QUQI_IN000003UV01_Cancel → the result set is dropped; MCCI_IN000002UV01 AA (§3.47.4.3.4). */
export const createIti47Cancel =
  (pix: PixContext): Handler =>
  async (req, deps) => {
    const header = tryHeader(req.body);
    try {
      const c = readContinuation(req.body);
      const dropped = c.queryId ? pix.resultSets.delete(c.queryId) : false;
      const details = dropped ? [] : [detail204('no open result set for this queryId')];
      return { body: writeAck(dropped ? 'AA' : 'AE', c.header, replyContext(pix, deps), details), count: dropped ? 1 : 0 };
    } catch (err) {
      const { ack, details } = errorAck(err);
      return { body: writeAck(ack, header, replyContext(pix, deps), details), count: 0 };
    }
  };
