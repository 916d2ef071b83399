/**
 * ITI-46 PIX Update Notification (ITI TF-2b §3.46.4.1): a Patient Registry Record Revised message
 * (PRPA_IN201302UV02, MFMI_MT700701UV01 control act around a PRPA_MT201302UV02 patient) that lists the
 * person's current cross-referenced identifiers. Unlike our replies (write-wrapper.ts, acceptAckCode NE) this
 * message starts a conversation: the PIX Consumer must answer it with an accept acknowledgement, hence AL.
 * The patient is written as in a PIX query response (write-patient.ts `pixSubject`): every identifier in
 * Patient.id (at most one per domain, §3.46.4.1.2) and the person's name as nullFlavor NA — the notification
 * carries identifiers, not demographics.
 */
import type { PatientKey } from '../patient-identity/model';
import { escapeXml } from '../soap/xml';
import { HL7_NS, INTERACTION_ROOT, Interaction, XSI_NS } from './vocabulary';
import { attr, ii, tsOf } from './write-datatypes';
import { pixSubject } from './write-patient';

/** The trigger event of the revise interaction (PRPA_IN201302UV02 → PRPA_TE201302UV02). */
const REVISE_TRIGGER = Interaction.revise.replace('_IN', '_TE');

export interface NotificationContext {
  readonly messageId: string; // a UUID (without urn:uuid:)
  readonly now: Date;
  /** Our device id root (the PIX Manager application OID): sender/device/id. */
  readonly deviceOid: string;
  /** The custodian organisation OID of the registrationEvent. */
  readonly custodianOid: string;
  /** The PIX Consumer's endpoint, written as receiver/device/telecom (its device OID is not configured). */
  readonly receiverUrl?: string;
  readonly receiverDeviceOid?: string;
}

function receiver(ctx: NotificationContext): string {
  const id = ii('id', ctx.receiverDeviceOid ? { root: ctx.receiverDeviceOid } : undefined);
  const telecom = ctx.receiverUrl ? `<telecom${attr('value', ctx.receiverUrl)}/>` : '';
  return `<receiver typeCode="RCV"><device classCode="DEV" determinerCode="INSTANCE">${id}${telecom}</device></receiver>`;
}

/** PRPA_IN201302UV02 for one person; `ids` are the identifiers the subscriber is to learn (non-empty). */
export function writeUpdateNotification(ids: readonly PatientKey[], ctx: NotificationContext): string {
  const root = Interaction.revise;
  return (
    `<${root} xmlns="${HL7_NS}" xmlns:xsi="${XSI_NS}" ITSVersion="XML_1.0">` +
    `<id root="${escapeXml(ctx.messageId)}"/><creationTime value="${tsOf(ctx.now)}"/>` +
    `<interactionId root="${INTERACTION_ROOT}" extension="${root}"/>` +
    // processingCode P (production), processingModeCode T (current), acceptAckCode AL: the consumer acknowledges.
    `<processingCode code="P"/><processingModeCode code="T"/><acceptAckCode code="AL"/>` +
    receiver(ctx) +
    `<sender typeCode="SND"><device classCode="DEV" determinerCode="INSTANCE">${ii('id', { root: ctx.deviceOid })}</device></sender>` +
    `<controlActProcess classCode="CACT" moodCode="EVN"><code code="${REVISE_TRIGGER}" codeSystem="${INTERACTION_ROOT}"/>` +
    `${pixSubject(ids, ctx.custodianOid)}</controlActProcess></${root}>`
  );
}
