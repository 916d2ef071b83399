/**
 * ITI-8 Patient Identity Feed (ITI TF-2a §3.8) → the cross-reference, with the semantics of ITI-44: add
 * and update are `feed`, A40 is `merge` (PID = survivor, MRG-1 = obsolete). Every accepted identifier is
 * registered in the registry's PatientIndex and a merge is mirrored there, so ITI-42 sees the same patients.
 * Errors (unknown domain 204, unknown prior id 204, conflicts 207) become AE with the ERR location.
 */
import type { V2Message } from '../../hl7v2/er7';
import { readAdt, type AdtEvent } from '../../hl7v2/read-adt';
import type { V2Header } from '../../hl7v2/read-header';
import { ErrorCode, V2Error } from '../../hl7v2/v2-error';
import { writeAck } from '../../hl7v2/write-ack';
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

async function apply(v2: V2Context, ev: AdtEvent) {
  const outcome = ev.kind === 'merge' ? await v2.xref.merge(ev.patient, ev.obsolete) : await v2.xref.feed(ev.patient);
  for (const key of outcome.accepted) await v2.patients.add(key);
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
