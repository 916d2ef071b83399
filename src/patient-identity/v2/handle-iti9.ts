/**
 * ITI-9 PIX Query (ITI TF-2a §3.9.4.2.2.6): QBP^Q23 → RSP^K23, the same cases as ITI-45:
 * ids found → AA/OK with one PID listing them (never the queried id); patient known but nothing in the
 * requested domains → AA/NF; queried id unknown → AE/AE, ERR 204 at QPD-3 (component 1); its domain
 * unknown → ERR 204 at QPD-3 component 4; a QPD-4 domain unknown → ERR 204 at that QPD-4 repetition.
 */
import type { V2Message } from '../../hl7v2/er7';
import type { V2Header } from '../../hl7v2/read-header';
import { readPixQuery, type PixQueryV2 } from '../../hl7v2/read-qbp';
import { ErrorCode } from '../../hl7v2/v2-error';
import type { AckError } from '../../hl7v2/write-ack';
import { writePixResponse } from '../../hl7v2/write-rsp';
import { keyEquals, keyToCx, type PatientKey } from '../model';
import { auditV2, authorityResolver, type V2Context, type V2Request } from './v2-context';

const at204 = (text: string, field: number, rep: number, component: number): AckError => ({
  code: ErrorCode.unknownKey,
  text,
  location: { segment: 'QPD', seq: 1, field, rep, component },
});

async function lookup(v2: V2Context, q: PixQueryV2): Promise<{ errors: AckError[]; ids: PatientKey[]; key?: PatientKey }> {
  const errors: AckError[] = [];
  if (!q.patientId.authority) errors.push(at204('unknown assigning authority of the queried identifier', 3, 1, 4));
  q.domains.forEach((d, i) => {
    if (!d) errors.push(at204('unknown domain in what domains returned', 4, i + 1, 4));
  });
  if (errors.length > 0) return { errors, ids: [] };
  const key = { id: q.patientId.id, authority: q.patientId.authority! };
  const person = await v2.xref.personOf(key);
  if (!person) return { errors: [at204(`unknown patient identifier ${keyToCx(key)}`, 3, 1, 1)], ids: [], key };
  const wanted = q.domains as readonly string[];
  const all = await v2.xref.identifiers(person);
  return { errors: [], ids: all.filter((k) => !keyEquals(k, key) && (wanted.length === 0 || wanted.includes(k.authority))), key };
}

export async function handleIti9(v2: V2Context, m: V2Message, header: V2Header, req: V2Request): Promise<string> {
  const q = readPixQuery(m, authorityResolver(v2.xref));
  const { errors, ids, key } = await lookup(v2, q);
  const ok = errors.length === 0;
  await auditV2(v2, req, { eventId: '110112', tx: 'ITI-9', action: 'E', ok, ids: key ? [key, ...ids] : [], query: q.queryTag });
  const reply = { ack: ok ? ('AA' as const) : ('AE' as const), status: ok ? (ids.length > 0 ? ('OK' as const) : ('NF' as const)) : ('AE' as const), errors, queryTag: q.queryTag, qpdRaw: q.qpd.text };
  return writePixResponse(header, v2.reply(), reply, ids);
}
