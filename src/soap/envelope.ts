/**
 * Checks a parsed SOAP 1.2 envelope and reads its WS-Addressing headers.
 * SOAP 1.2 Part 1 §5 (envelope structure, §5.2.3 mustUnderstand, §5.4.7-8 faults) and
 * WS-Addressing 1.0 SOAP Binding §6.4.1 (fault subcodes).
 */
import { childOf, childrenOf, type XmlElement } from './xml';
import { SoapFaultError } from '../errors';
import { senderFault, versionMismatch } from './faults';
import { SOAP11_NS, SOAP12_NS, SOAP12_ROLE_NEXT, SOAP12_ROLE_ULTIMATE, WSA_NS, WSSE_NS } from './namespaces';

export interface EnvelopeParts {
  readonly envelope: XmlElement;
  readonly header?: XmlElement;
  readonly body: XmlElement;
  readonly action: string;
  readonly messageId?: string;
  readonly to?: string;
  readonly replyTo?: string;
}

const isBlank = (s: string) => s.trim() === '';

/** Header blocks this node processes; anything else marked mustUnderstand is refused. */
const understood = (h: XmlElement): boolean =>
  h.ns === WSA_NS || (h.ns === WSSE_NS && h.local === 'Security');

/** SOAP 1.2 Part 1 §2.2/§2.4: a block with no role, or role next/ultimateReceiver, targets us. */
function targetsUs(h: XmlElement): boolean {
  const role = h.attrs[`{${SOAP12_NS}}role`]?.trim();
  return role === undefined || role === '' || role === SOAP12_ROLE_NEXT || role === SOAP12_ROLE_ULTIMATE;
}

function checkStructure(envelope: XmlElement): { header?: XmlElement; body: XmlElement } {
  if (envelope.ns === SOAP11_NS || envelope.ns !== SOAP12_NS || envelope.local !== 'Envelope') throw versionMismatch();
  if (!isBlank(envelope.text)) throw senderFault('Text content directly inside soap:Envelope');
  const kids = envelope.children;
  const hasHeader = kids[0]?.ns === SOAP12_NS && kids[0].local === 'Header';
  const body = kids[hasHeader ? 1 : 0];
  if (kids.length !== (hasHeader ? 2 : 1) || body?.ns !== SOAP12_NS || body.local !== 'Body') {
    throw senderFault('soap:Envelope must hold an optional Header and exactly one Body');
  }
  if (body.children.length !== 1 || !isBlank(body.text)) {
    throw senderFault('soap:Body must hold exactly one element');
  }
  return { header: hasHeader ? kids[0] : undefined, body: body.children[0] };
}

function checkMustUnderstand(header: XmlElement | undefined): void {
  for (const h of header?.children ?? []) {
    const mu = h.attrs[`{${SOAP12_NS}}mustUnderstand`]?.trim();
    if ((mu === 'true' || mu === '1') && targetsUs(h) && !understood(h)) {
      throw new SoapFaultError('MustUnderstand', 'A mandatory SOAP header block is not understood');
    }
  }
}

/** One optional WS-A header's text; a repeated one is an InvalidAddressingHeader (WS-A SOAP §6.4.1). */
function single(header: XmlElement | undefined, local: string): XmlElement | undefined {
  if (!header) return undefined;
  const found = childrenOf(header, WSA_NS, local);
  if (found.length > 1) throw senderFault('A WS-Addressing header appears more than once', 'wsa:InvalidAddressingHeader');
  return found[0];
}

function readAddressing(header: XmlElement | undefined) {
  const actionEl = single(header, 'Action');
  const action = actionEl?.text.trim() ?? '';
  if (action === '') throw senderFault('The wsa:Action header is required', 'wsa:MessageAddressingHeaderRequired');
  const replyToEl = single(header, 'ReplyTo');
  const replyTo = replyToEl ? childOf(replyToEl, WSA_NS, 'Address')?.text.trim() : undefined;
  if (replyToEl && !replyTo) throw senderFault('wsa:ReplyTo has no Address', 'wsa:InvalidAddressingHeader');
  const messageId = single(header, 'MessageID')?.text.trim() || undefined;
  const to = single(header, 'To')?.text.trim() || undefined;
  return { action, messageId, to, replyTo };
}

/** Validates the envelope and extracts what the endpoint routes on. */
export function readEnvelope(envelope: XmlElement): EnvelopeParts {
  const { header, body } = checkStructure(envelope);
  checkMustUnderstand(header);
  return { envelope, header, body, ...readAddressing(header) };
}
