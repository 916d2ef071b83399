/**
 * ITI-21 Patient Demographics Query (ITI TF-2a §3.21): QBP^Q22 → RSP^K22 with the same search as ITI-47
 * (pdq-search.ts). QPD-8 limits the identifiers returned to some domains (a patient with none there is
 * not returned; an unknown domain → AE, ERR 204 at that QPD-8 repetition). RCP-2 limits the records per
 * response: the rest is kept (result-sets.ts, TTL + cap) under the query tag, and DSC-1 carries the
 * continuation pointer; the consumer continues with the same QBP plus that DSC, or cancels with QCN^J01.
 */
import type { V2Message } from '../../hl7v2/er7';
import type { V2Header } from '../../hl7v2/read-header';
import { readCancel, readPdqQuery, type PdqQueryV2 } from '../../hl7v2/read-qbp';
import { ErrorCode } from '../../hl7v2/v2-error';
import { writeAck, type AckError } from '../../hl7v2/write-ack';
import { writePdqResponse, type PdqHitV2, type QueryReplyV2 } from '../../hl7v2/write-rsp';
import type { PdqMatch } from '../../hl7v3/write-patient';
import { keyEquals } from '../model';
import { searchPatients, type PdqHit } from '../pdq-search';
import type { ResultSet } from '../result-sets';
import { auditV2, authorityResolver, type V2Context, type V2Request } from './v2-context';

/** Result sets of ITI-21 share the store of ITI-47; this root keeps their keys apart. */
const V2_ROOT = 'urn:tessera:hl7v2:pdq';
const setKey = (queryTag: string) => ({ root: V2_ROOT, extension: queryTag });

async function toHit(v2: V2Context, hit: PdqHit, domains: readonly string[]): Promise<PdqMatch | undefined> {
  const all = await v2.xref.identifiers(hit.personId);
  const own = hit.record.key;
  const ids = domains.length > 0 ? all.filter((k) => domains.includes(k.authority)) : [own, ...all.filter((k) => !keyEquals(k, own))];
  return ids.length > 0 ? { ids, otherIds: [], patient: hit.record.patient!, confidence: hit.confidence } : undefined;
}

const reply = (q: PdqQueryV2, ack: 'AA' | 'AE', status: QueryReplyV2['status'], errors: AckError[] = []): QueryReplyV2 => ({ ack, status, errors, queryTag: q.queryTag, qpdRaw: q.qpd.text });

/** One page: sends `size` more, drops the set when it is finished. The pointer is the offset reached. */
function page(v2: V2Context, set: ResultSet, size: number) {
  const hits: PdqHitV2[] = set.matches.slice(set.offset, set.offset + size);
  set.offset += hits.length;
  const remaining = set.matches.length - set.offset;
  if (remaining === 0) v2.resultSets.delete(set.queryId);
  return { hits, q: { total: set.matches.length, current: hits.length, remaining, pointer: String(set.offset) } };
}

function continueQuery(v2: V2Context, q: PdqQueryV2, header: V2Header): string {
  const set = v2.resultSets.get(setKey(q.queryTag));
  if (!set || set.offset !== Number(q.continuation)) {
    const err = { code: ErrorCode.unknownKey, text: 'no open result set for this query tag and pointer', location: { segment: 'DSC', seq: 1, field: 1 } };
    return writePdqResponse(header, v2.reply(), reply(q, 'AE', 'AE', [err]), []);
  }
  const p = page(v2, set, q.limit ?? set.matches.length);
  return writePdqResponse(header, v2.reply(), reply(q, 'AA', 'OK'), p.hits, p.q);
}

export async function handleIti21(v2: V2Context, m: V2Message, header: V2Header, req: V2Request): Promise<string> {
  const q = readPdqQuery(m, authorityResolver(v2.xref));
  if (q.continuation) return continueQuery(v2, q, header);
  const errors: AckError[] = q.domains.flatMap((d, i) =>
    d ? [] : [{ code: ErrorCode.unknownKey, text: 'unknown domain in what domains returned', location: { segment: 'QPD', seq: 1, field: 8, rep: i + 1, component: 4 } }],
  );
  if (errors.length > 0) {
    await auditV2(v2, req, { eventId: '110112', tx: 'ITI-21', action: 'E', ok: false, ids: [], query: q.queryTag });
    return writePdqResponse(header, v2.reply(), reply(q, 'AE', 'AE', errors), []);
  }
  const found = await searchPatients(v2.xref, q.criteria);
  const matches = (await Promise.all(found.map((h) => toHit(v2, h, q.domains as string[])))).filter((x): x is PdqMatch => !!x);
  await auditV2(v2, req, { eventId: '110112', tx: 'ITI-21', action: 'E', ok: true, ids: matches.flatMap((x) => x.ids), query: q.queryTag });
  if (matches.length === 0) return writePdqResponse(header, v2.reply(), reply(q, 'AA', 'NF'), []);
  const size = q.limit ?? matches.length;
  const all = { total: matches.length, current: Math.min(size, matches.length), remaining: Math.max(0, matches.length - size) };
  if (size >= matches.length) return writePdqResponse(header, v2.reply(), reply(q, 'AA', 'OK'), matches, all);
  v2.resultSets.put({ queryId: setKey(q.queryTag), matches, offset: 0 });
  const p = page(v2, v2.resultSets.get(setKey(q.queryTag))!, size);
  return writePdqResponse(header, v2.reply(), reply(q, 'AA', 'OK'), p.hits, p.q);
}

/** QCN^J01 (§3.21.4.3): the result set of QID-1 is dropped → ACK^J01 AA; unknown tag → AE 204 at QID-1. */
export function handleCancel(v2: V2Context, m: V2Message, header: V2Header): string {
  const c = readCancel(m);
  if (v2.resultSets.delete(setKey(c.queryTag))) return writeAck('AA', header, v2.reply());
  return writeAck('AE', header, v2.reply(), [{ code: ErrorCode.unknownKey, text: 'no open query with this tag', location: { segment: 'QID', seq: 1, field: 1 } }]);
}
