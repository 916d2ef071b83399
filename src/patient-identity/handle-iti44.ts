/**
 * ITI-44 Patient Identity Feed HL7 V3 (ITI TF-2b §3.44): add, revise, merge → MCCI_IN000002UV01.
 * AA when accepted; AE for content errors (unknown domain: code 204 with the id's location; missing id: 101);
 * AR for a message that is not a readable feed. Every accepted identifier is also registered in the
 * registry's PatientIndex, and a merge is mirrored there, so ITI-42 sees the same patients.
 *
 * Trusted feed sources (domains.ts): an identifier of a domain whose configured feedSources do not include
 * the caller (TLS client certificate, and the sender device when the source lists devices) refuses the whole
 * feed before anything is stored: AE with detail 207 (HL7 table 0357 has no authorisation code; 207 is its
 * catch-all) located at that id. AE, not AR: HL7v3 AR means "failed for a reason unrelated to content; the
 * sender decides whether to send it again", while this refusal is about the domain the content names and a
 * resend can never succeed (ITI TF-2b §3.44.4.1.1: only messages from the Patient Identity Source count).
 */
import { readFeed, feedPatientIdLocation, type FeedEvent } from '../hl7v3/read-feed';
import { tryHeader } from '../hl7v3/read-message';
import { writeAck } from '../hl7v3/write-ack';
import type { Handler } from '../transactions';
import type { AckDetail } from '../hl7v3/write-wrapper';
import { ACK_DETAIL_CODE_SYSTEM, AckDetailCode } from '../hl7v3/vocabulary';
import type { HandlerContext } from '../transactions';
import { feedRefusal } from './domains';
import { IdentityError } from './identity-error';
import type { PatientIndex } from './ports';
import { keyToCx } from './model';
import { audit, errorAck, replyContext, type PixContext } from './pix-context';

const MERGE_PRIOR_LOCATION =
  '/hl7:PRPA_IN201304UV02/hl7:controlActProcess/hl7:subject/hl7:registrationEvent/hl7:replacementOf/hl7:priorRegistration/hl7:subject1/hl7:priorRegisteredRole/hl7:id';

async function apply(pix: PixContext, ev: FeedEvent, patients: PatientIndex) {
  const outcome = ev.kind === 'merge' ? await pix.xref.merge(ev.patient, ev.obsolete) : await pix.xref.feed(ev.patient);
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

const touchedIds = (ev: FeedEvent) => (ev.kind === 'merge' ? [...ev.patient.ids, ev.obsolete] : ev.patient.ids);
const auditAction = (ev: FeedEvent) => (ev.kind === 'add' ? 'C' : ev.kind === 'merge' ? 'D' : 'U');

/** One detail per identifier the caller may not feed (own ids, and the obsolete id of a merge). */
function untrustedIds(pix: PixContext, ev: FeedEvent, ctx: HandlerContext): AckDetail[] {
  const caller = { peer: ctx.peer, device: ev.header.senderDevice?.root };
  const base = feedPatientIdLocation(ev.header.interaction);
  const own = ev.patient.ids.map((k, i) => ({ k, location: ev.patient.ids.length > 1 ? `${base}[${i + 1}]` : base }));
  const all = ev.kind === 'merge' ? [...own, { k: ev.obsolete, location: MERGE_PRIOR_LOCATION }] : own;
  return all.flatMap(({ k, location }) => {
    const why = feedRefusal(pix.xref.domains, k.authority, caller);
    const text = `${why}: ${keyToCx(k)}`;
    return why ? [{ typeCode: 'E' as const, code: AckDetailCode.applicationInternalError, codeSystem: ACK_DETAIL_CODE_SYSTEM, text, location }] : [];
  });
}

export const createIti44 =
  (pix: PixContext): Handler =>
  async (req, deps, ctx) => {
    const header = tryHeader(req.body);
    let ev: FeedEvent | undefined;
    try {
      ev = readFeed(req.body);
      const refused = untrustedIds(pix, ev, ctx);
      if (refused.length > 0) {
        // Nothing stored; the refusal is audited with the identifiers only (security.md §1.2).
        await audit(deps, ctx, { eventId: '110110', tx: 'ITI-44', action: auditAction(ev), ok: false, ids: touchedIds(ev) });
        ctx.log.warn({ peer: ctx.peer.subject, refused: refused.length }, 'ITI-44 feed refused: not a trusted feed source for the domain');
        return { body: writeAck('AE', ev.header, replyContext(pix, deps), refused), count: 0 };
      }
      const outcome = await apply(pix, ev, deps.stores.patients);
      await audit(deps, ctx, { eventId: '110110', tx: 'ITI-44', action: auditAction(ev), ok: true, ids: touchedIds(ev) });
      ctx.log.info({ decision: outcome.decision, ids: outcome.accepted.length }, 'ITI-44 feed accepted');
      return { body: writeAck('AA', ev.header, replyContext(pix, deps)), count: outcome.accepted.length };
    } catch (err) {
      const { ack, details } = errorAck(err, locationOf(ev, err, header.interaction));
      await audit(deps, ctx, { eventId: '110110', tx: 'ITI-44', action: 'U', ok: false, ids: ev?.patient.ids ?? [] });
      return { body: writeAck(ack, ev?.header ?? header, replyContext(pix, deps), details), count: 0 };
    }
  };
