/**
 * ITI-8 Patient Identity Feed (ITI TF-2a §3.8) → the cross-reference, with the semantics of ITI-44: add
 * and update are `feed`, A40 is `merge` (PID = survivor, MRG-1 = obsolete). Every accepted identifier is
 * registered in the registry's PatientIndex and a merge is mirrored there, so ITI-42 sees the same patients.
 * Errors (unknown domain 204, unknown prior id 204, conflicts 207) become AE with the ERR location.
 * A caller that is not a trusted feed source of an identifier's domain (domains.ts: TLS certificate, and
 * MSH-3/MSH-4 when the source lists senders) is refused before anything is stored: AE, ERR 207 (table 0357
 * has no authorisation code; 207 is its catch-all) at that PID-3 repetition's CX-4 or MRG-1. AE rather than
 * AR: HL7 v2.5 §2.9.2.2 keeps AR for messages refused for reasons unrelated to their content, which a
 * sender may retry; this refusal follows from the domain the content names (ITI TF-2a §3.8.4.1.1).
 */
import type { V2Message } from '../../hl7v2/er7';
import { readAdt, type AdtEvent } from '../../hl7v2/read-adt';
import type { V2Header } from '../../hl7v2/read-header';
import { ErrorCode, V2Error } from '../../hl7v2/v2-error';
import { writeAck } from '../../hl7v2/write-ack';
import { feedRefusal } from '../domains';
import { IdentityError } from '../identity-error';
import { keyEquals, keyToCx } from '../model';
import { auditV2, authorityResolver, type V2Context, type V2Request } from './v2-context';

/** Maps a cross-reference error to the field it is about (PID-3 repetition or MRG-1). */
function locate(err: IdentityError, ev: AdtEvent): V2Error {
  const code = err.kind === 'conflict' ? ErrorCode.applicationInternal : ErrorCode.unknownKey;
  const text = err.key ? `${err.message}: ${keyToCx(err.key)}` : err.message;
  if (ev.kind === 'merge' && err.key && keyEquals(err.key, ev.obsolete)) {
    return new V2Error('AE', code, text, { segment: 'MRG', seq: 1, field: 1, rep: 1, component: err.kind === 'unknown-domain' ? 4 : 1 });
  }
  const rep = err.key ? ev.patient.ids.findIndex((k) => keyEquals(k, err.key!)) + 1 : 0;
  return new V2Error('AE', code, text, { segment: 'PID', seq: 1, field: 3, ...(rep > 0 ? { rep, component: err.kind === 'unknown-domain' ? 4 : 1 } : {}) });
}

const hdValues = (rep: V2Header['sendingApplication']): string[] => rep.map((c) => c[0] ?? '');

/** The first identifier the caller may not feed, as the error to acknowledge; undefined when all may be fed. */
function untrusted(v2: V2Context, ev: AdtEvent, header: V2Header, req: V2Request): V2Error | undefined {
  const caller = { peer: req.peer, application: hdValues(header.sendingApplication), facility: hdValues(header.sendingFacility) };
  const own = ev.patient.ids.map((k, i) => ({ k, at: { segment: 'PID', seq: 1, field: 3, rep: i + 1, component: 4 } }));
  const all = ev.kind === 'merge' ? [...own, { k: ev.obsolete, at: { segment: 'MRG', seq: 1, field: 1, rep: 1, component: 4 } }] : own;
  for (const { k, at } of all) {
    const why = feedRefusal(v2.xref.domains, k.authority, caller);
    if (why) return new V2Error('AE', ErrorCode.applicationInternal, `${why}: ${keyToCx(k)}`, at);
  }
  return undefined;
}

async function apply(v2: V2Context, ev: AdtEvent) {
  const outcome = ev.kind === 'merge' ? await v2.xref.merge(ev.patient, ev.obsolete) : await v2.xref.feed(ev.patient);
  if (ev.kind === 'merge') {
    try {
      await v2.patients.merge(ev.obsolete, ev.patient.ids[0]!);
    } catch (err) {
      throw new IdentityError('conflict', `the registry refused the merge (${(err as Error).message})`, ev.obsolete);
    }
  }
  return outcome;
}

export async function handleIti8(v2: V2Context, m: V2Message, header: V2Header, req: V2Request): Promise<string> {
  const ev = readAdt(m, header.event, authorityResolver(v2.xref));
  const touched = ev.kind === 'merge' ? [...ev.patient.ids, ev.obsolete] : ev.patient.ids;
  try {
    const refused = untrusted(v2, ev, header, req);
    if (refused) {
      v2.log.warn({ controlId: req.controlId, peer: req.peer.subject }, 'ITI-8 feed refused: not a trusted feed source for the domain');
      throw refused;
    }
    const outcome = await apply(v2, ev);
    await auditV2(v2, req, { eventId: '110110', tx: 'ITI-8', action: ev.kind === 'add' ? 'C' : ev.kind === 'merge' ? 'D' : 'U', ok: true, ids: touched });
    v2.log.info({ controlId: req.controlId, event: ev.event, decision: outcome.decision, ids: outcome.accepted.length }, 'ITI-8 feed accepted');
    return writeAck('AA', header, v2.reply());
  } catch (err) {
    await auditV2(v2, req, { eventId: '110110', tx: 'ITI-8', action: 'U', ok: false, ids: touched });
    if (err instanceof IdentityError) throw locate(err, ev);
    throw err;
  }
}
