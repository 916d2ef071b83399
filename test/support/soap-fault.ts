/** Reads a SOAP 1.2 reply with the project's XML reader, for assertions. */
import { childOf, parseXml, type XmlElement } from '../../src/soap/xml';

const SOAP = 'http://www.w3.org/2003/05/soap-envelope';
const WSA = 'http://www.w3.org/2005/08/addressing';

export interface ParsedReply {
  readonly action?: string;
  readonly relatesTo?: string;
  readonly body: XmlElement;
  readonly fault?: { readonly code?: string; readonly subcode?: string; readonly reason?: string };
}

export function parseReply(text: string): ParsedReply {
  const env = parseXml(text);
  const header = childOf(env, SOAP, 'Header');
  const body = childOf(env, SOAP, 'Body')!.children[0]!;
  const reply = {
    action: header && childOf(header, WSA, 'Action')?.text.trim(),
    relatesTo: header && childOf(header, WSA, 'RelatesTo')?.text.trim(),
    body,
  };
  if (body.ns !== SOAP || body.local !== 'Fault') return reply;
  const code = childOf(body, SOAP, 'Code');
  const subcode = code && childOf(code, SOAP, 'Subcode');
  const reason = childOf(body, SOAP, 'Reason');
  return {
    ...reply,
    fault: {
      code: code && childOf(code, SOAP, 'Value')?.text.trim(),
      subcode: subcode && childOf(subcode, SOAP, 'Value')?.text.trim(),
      reason: reason && childOf(reason, SOAP, 'Text')?.text.trim(),
    },
  };
}
