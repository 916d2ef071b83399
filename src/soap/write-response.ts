/**
 * SOAP 1.2 response and fault envelopes as string templates (design.md convention 5), with the
 * WS-Addressing reply headers (WS-Addressing 1.0 SOAP Binding §3; ITI TF-2x Appendix V §V.3.2.2).
 */
import type { SoapFaultError } from '../errors';
import { escapeXml } from './xml';
import { SOAP12_NS, WSA_ANONYMOUS, WSA_FAULT_ACTION, WSA_NS, WSSE_NS } from './namespaces';

export const SOAP12_CONTENT_TYPE = 'application/soap+xml; charset=UTF-8';

/** Prefixes declared on every envelope, so a fault Subcode QName such as `wsa:ActionNotSupported` resolves. */
const DECLARED: Readonly<Record<string, string>> = { soap: SOAP12_NS, wsa: WSA_NS, wsse: WSSE_NS };

function headers(action: string, messageId: string, relatesTo?: string): string {
  const related = relatesTo === undefined ? '' : `<wsa:RelatesTo>${escapeXml(relatesTo)}</wsa:RelatesTo>`;
  return (
    `<soap:Header>` +
    `<wsa:Action soap:mustUnderstand="true">${escapeXml(action)}</wsa:Action>` +
    `<wsa:MessageID>${escapeXml(messageId)}</wsa:MessageID>` +
    related +
    `<wsa:To>${WSA_ANONYMOUS}</wsa:To>` +
    `</soap:Header>`
  );
}

function wrap(head: string, body: string, decls = ''): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soap:Envelope xmlns:soap="${SOAP12_NS}" xmlns:wsa="${WSA_NS}"${decls}>` +
    head +
    `<soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

/** A response envelope around `body` (already serialised XML, one element). */
export function soapEnvelope(o: { action: string; relatesTo?: string; messageId: string; body: string }): string {
  return wrap(headers(o.action, o.messageId, o.relatesTo), o.body);
}

/**
 * The Subcode Value element, or '' when the QName cannot be expressed: a Subcode must be a resolvable
 * QName (SOAP 1.2 Part 1 §5.4.6), so an unknown prefix is dropped rather than producing invalid XML.
 * Accepts `prefix:local` with a prefix from DECLARED, or Clark notation `{namespace}local`.
 */
function subcodeXml(subcode: string | undefined): string {
  if (!subcode) return '';
  const clark = /^\{([^}]+)\}([A-Za-z_][\w.-]*)$/.exec(subcode);
  let qname: string | undefined;
  let decl = '';
  if (clark) {
    qname = `sc:${clark[2]}`;
    decl = ` xmlns:sc="${escapeXml(clark[1])}"`;
  } else {
    const m = /^([A-Za-z_][\w.-]*):([A-Za-z_][\w.-]*)$/.exec(subcode);
    if (m && m[1] in DECLARED) qname = subcode;
  }
  return qname === undefined ? '' : `<soap:Subcode><soap:Value${decl}>${qname}</soap:Value></soap:Subcode>`;
}

/** SOAP 1.2 Part 1 §5.4.7: a VersionMismatch fault says which envelope we do support. */
const UPGRADE = `<soap:Upgrade><soap:SupportedEnvelope qname="soap:Envelope"/></soap:Upgrade>`;

/** A SOAP 1.2 Fault (Part 1 §5.4). Reason texts come from the error catalogue and never echo input. */
export function soapFault(err: SoapFaultError, o: { relatesTo?: string; messageId: string }): string {
  let head = headers(WSA_FAULT_ACTION, o.messageId, o.relatesTo);
  if (err.code === 'VersionMismatch') head = head.replace('</soap:Header>', `${UPGRADE}</soap:Header>`);
  const fault =
    `<soap:Fault>` +
    `<soap:Code><soap:Value>soap:${err.code}</soap:Value>${subcodeXml(err.subcode)}</soap:Code>` +
    `<soap:Reason><soap:Text xml:lang="en">${escapeXml(err.message)}</soap:Text></soap:Reason>` +
    `</soap:Fault>`;
  return wrap(head, fault, ` xmlns:wsse="${WSSE_NS}"`);
}
