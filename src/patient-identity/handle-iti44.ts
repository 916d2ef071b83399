/**
 * ITI-44 Patient Identity Feed HL7 V3 (ITI TF-2b §3.44): add, revise, merge → MCCI_IN000002UV01.
 * AA when accepted; AE for content errors (unknown domain: code 204 with the id's location; missing id: 101);
 * AR for a message that is not a readable feed. Every accepted identifier is also registered in the
 * registry's PatientIndex, and a merge is mirrored there, so ITI-42 sees the same patients.
 */
import { readFeed, feedPatientIdLocation, type FeedEvent } from '../hl7v3/read-feed';
import { tryHeader } from '../hl7v3/read-message';
import { writeAck } from '../hl7v3/write-ack';
import type { Handler } from '../transactions';
import { IdentityError } from './identity-error';
import type { PatientIndex } from './ports';
import { audit, errorAck, replyContext, type PixContext } from './pix-context';

const MERGE_PRIOR_LOCATION =
  '/hl7:PRPA_IN201304UV02/hl7:controlActProcess/hl7:subject/hl7:registrationEvent/hl7:replacementOf/hl7:priorRegistration/hl7:subject1/hl7:priorRegisteredRole/hl7:id';

async function apply(pix: PixContext, ev: FeedEvent, patients: PatientIndex) {
  const outcome = ev.kind === 'merge' ? await pix.xref.merge(ev.patient, ev.obsolete) : await pix.xref.feed(ev.patient);
  for (const key of outcome.accepted) await patients.add(key);
  if (ev.kind === 'merge') {
    try {
      await patients.merge(ev.obsolete, ev.patient.ids[0]!);
    } catch (err) {
      throw new IdentityError('conflict', `the registry refused the merge (${(err as Error).message})`, ev.obsolete);
    }
  }
  return outcome;
}

function locationOf(ev: FeedEvent | undefined, err: unknown, interaction: string): string | undefined {
  if (!(err instanceof IdentityError)) return undefined;
  if (ev?.kind === 'merge' && err.key && err.key.id === ev.obsolete.id && err.key.authority === ev.obsolete.authority) return MERGE_PRIOR_LOCATION;
  return feedPatientIdLocation(interaction);
}

export const createIti44 =
  (pix: PixContext): Handler =>
  async (req, deps, ctx) => {
    const header = tryHeader(req.body);
    let ev: FeedEvent | undefined;
    try {
      ev = readFeed(req.body);
      const outcome = await apply(pix, ev, deps.stores.patients);
      const ids = ev.kind === 'merge' ? [...ev.patient.ids, ev.obsolete] : ev.patient.ids;
      await audit(deps, ctx, { eventId: '110110', tx: 'ITI-44', action: ev.kind === 'add' ? 'C' : ev.kind === 'merge' ? 'D' : 'U', ok: true, ids });
      ctx.log.info({ decision: outcome.decision, ids: outcome.accepted.length }, 'ITI-44 feed accepted');
      return { body: writeAck('AA', ev.header, replyContext(pix, deps)), count: outcome.accepted.length };
    } catch (err) {
      const { ack, details } = errorAck(err, locationOf(ev, err, header.interaction));
      await audit(deps, ctx, { eventId: '110110', tx: 'ITI-44', action: 'U', ok: false, ids: ev?.patient.ids ?? [] });
      return { body: writeAck(ack, ev?.header ?? header, replyContext(pix, deps), details), count: 0 };
    }
  };
