/**
 * The transmission wrapper of every message we send (MCCI_MT000200UV01 / MCCI_MT000300UV01, HL7v3 NE2008):
 * our message id, the interaction id, receiver = the request's sender, sender = us, and the
 * acknowledgement pointing at the request's message id (ITI TF-2b §3.44.4.2, §3.45.4.2, §3.47.4.2).
 */
import type { MessageHeader } from './read-message';
import type { InstanceId } from './read-datatypes';
import { HL7_NS, INTERACTION_ROOT, XSI_NS } from './vocabulary';
import { attr, ii, tsOf } from './write-datatypes';
import { escapeXml } from '../soap/xml';

export type AckCode = 'AA' | 'AE' | 'AR';

export interface AckDetail {
  readonly typeCode: 'E' | 'W' | 'I';
  readonly code?: string;
  readonly codeSystem?: string;
  readonly text: string;
  readonly location?: string;
}

/** What varies per reply: our identity and clock are passed in (no singletons). */
export interface ReplyContext {
  readonly messageId: string; // a UUID (without urn:uuid:)
  readonly now: Date;
  /** Our device id root (the PIX Manager / PDQ Supplier application OID). */
  readonly deviceOid: string;
}

const device = (tag: 'receiver' | 'sender', typeCode: 'RCV' | 'SND', id: InstanceId | undefined): string =>
  `<${tag} typeCode="${typeCode}"><device classCode="DEV" determinerCode="INSTANCE">${ii('id', id)}</device></${tag}>`;

function detail(d: AckDetail): string {
  const code = d.code ? `<code${attr('code', d.code)}${attr('codeSystem', d.codeSystem)}/>` : '';
  const loc = d.location ? `<location>${escapeXml(d.location)}</location>` : '';
  return `<acknowledgementDetail typeCode="${d.typeCode}">${code}<text>${escapeXml(d.text)}</text>${loc}</acknowledgementDetail>`;
}

export function acknowledgement(code: AckCode, request: MessageHeader, details: readonly AckDetail[]): string {
  return (
    `<acknowledgement><typeCode code="${code}"/>` +
    `<targetMessage>${ii('id', request.id)}</targetMessage>${details.map(detail).join('')}</acknowledgement>`
  );
}

/** Opening of the message up to and including the sender; the caller appends acknowledgement + body + close. */
export function wrapperStart(interaction: string, request: MessageHeader, ctx: ReplyContext): string {
  return (
    `<${interaction} xmlns="${HL7_NS}" xmlns:xsi="${XSI_NS}" ITSVersion="XML_1.0">` +
    `<id root="${escapeXml(ctx.messageId)}"/><creationTime value="${tsOf(ctx.now)}"/>` +
    `<interactionId root="${INTERACTION_ROOT}" extension="${interaction}"/>` +
    // processingCode P (production), processingModeCode T (current processing), acceptAckCode NE: a reply is never acknowledged.
    `<processingCode code="P"/><processingModeCode code="T"/><acceptAckCode code="NE"/>` +
    device('receiver', 'RCV', request.senderDevice) +
    device('sender', 'SND', { root: ctx.deviceOid })
  );
}
