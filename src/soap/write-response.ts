/**
 * SOAP 1.2 response and fault envelopes as string templates (design.md convention 5), with the
 * WS-Addressing reply headers (WS-Addressing 1.0 SOAP Binding §3; ITI TF-2x Appendix V §V.3.2.2).
 */
import { Readable } from 'node:stream';
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

const open = (head: string, decls = ''): string =>
  `<?xml version="1.0" encoding="UTF-8"?>` + `<soap:Envelope xmlns:soap="${SOAP12_NS}" xmlns:wsa="${WSA_NS}"${decls}>` + head + `<soap:Body>`;
const CLOSE = `</soap:Body></soap:Envelope>`;

function wrap(head: string, body: string, decls = ''): string {
  return open(head, decls) + body + CLOSE;
}

/**
 * A Body as a sequence of pieces, in order: strings (UTF-8 encoded as they are written) and bytes. The reply
 * path writes them without joining them, so a 1,000-entry LeafClass answer (6.5 MB) is never one string: no
 * flattening of a 6 MB rope and no encoding of it whole (≈ 40 ms of blocked event loop per heavy answer).
 */
export type BodyParts = readonly (string | Uint8Array)[];

/** A response envelope around `body` (already serialised XML, one element). */
export function soapEnvelope(o: { action: string; relatesTo?: string; messageId: string; body: string }): string;
export function soapEnvelope(o: { action: string; relatesTo?: string; messageId: string; body: string | BodyParts }): string | BodyParts;
export function soapEnvelope(o: { action: string; relatesTo?: string; messageId: string; body: string | BodyParts }): string | BodyParts {
  const head = headers(o.action, o.messageId, o.relatesTo);
  return typeof o.body === 'string' ? wrap(head, o.body) : [open(head), ...o.body, CLOSE];
}

/** The text of a Body or envelope (tests, and callers that need one string). */
export const bodyText = (body: string | BodyParts): string =>
  typeof body === 'string' ? body : body.map((p) => (typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('utf8'))).join('');

/** Bytes of the parts once encoded: the Content-Length of a reply written from them. */
export function bodyByteLength(parts: BodyParts): number {
  let n = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    n += typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.byteLength;
  }
  return n;
}

/** Bytes per chunk the parts are packed into: few socket writes, no large allocation. */
const CHUNK_BYTES = 64 * 1024;

/**
 * The parts as a byte stream, packed into chunks of up to CHUNK_BYTES as the consumer asks for them
 * (`_read` runs only when the socket has drained: backpressure). A part larger than a chunk goes out alone.
 */
class PartsStream extends Readable {
  private next = 0;

  constructor(private readonly parts: BodyParts) {
    super();
  }

  override _read(): void {
    const parts = this.parts;
    if (this.next >= parts.length) {
      this.push(null);
      return;
    }
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let at = 0;
    while (this.next < parts.length) {
      const p = parts[this.next]!;
      const room = CHUNK_BYTES - at;
      // A UTF-16 code unit never takes more than 3 UTF-8 bytes: most strings fit without measuring them.
      const size = typeof p !== 'string' ? p.byteLength : p.length * 3 <= room ? 0 : Buffer.byteLength(p, 'utf8');
      if (size > room) {
        if (at > 0) break; // send what is packed; the part starts the next chunk
        this.next++;
        this.push(typeof p === 'string' ? Buffer.from(p, 'utf8') : p);
        return;
      }
      at += typeof p === 'string' ? chunk.write(p, at, 'utf8') : (chunk.set(p, at), p.byteLength);
      this.next++;
    }
    this.push(chunk.subarray(0, at));
  }
}

export const bodyStream = (parts: BodyParts): Readable => new PartsStream(parts);

/** The parts in one Buffer of `length` bytes (bodyByteLength): each written once, no intermediate string. */
export function bodyBuffer(parts: BodyParts, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    at += typeof p === 'string' ? out.write(p, at, 'utf8') : (out.set(p, at), p.byteLength);
  }
  if (at !== length) throw new Error(`body parts wrote ${at} bytes, expected ${length}`);
  return out;
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
