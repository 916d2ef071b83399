/**
 * SOAP 1.2 + WS-Addressing client for the runner, over HTTPS with a client certificate (mutual TLS,
 * ITI TF-2 §3.x ATNA secure node). Sends plain SOAP or MTOM/XOP (multipart/related, CRLF framing, ITI TF-2
 * Appendix V) and reads plain or multipart replies, resolving `xop:Include` parts by Content-ID.
 */
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';
import { NS } from '../ebxml/vocabulary';
import { escapeXml } from '../soap/xml';
import { type Node, parseTree, child } from './xml-tree';

export interface Tls {
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly ca?: Buffer;
}

export interface HttpReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface Attachment {
  readonly contentId: string; // without <>
  readonly contentType: string;
  readonly bytes: Buffer;
}

export interface SoapReply {
  readonly http: HttpReply;
  /** First element inside soap:Body (the RegistryResponse, AdhocQueryResponse, …), if any. */
  readonly body?: Node;
  /** Set when the reply is a SOAP Fault or not a SOAP envelope at all. */
  readonly problem?: string;
  readonly parts: ReadonlyMap<string, Buffer>;
}

export function httpPost(url: string, headers: Record<string, string>, body: Buffer, tls: Tls, timeoutMs = 60_000): Promise<HttpReply> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      u,
      { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) }, cert: tls.cert, key: tls.key, ca: tls.ca, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function envelope(action: string, to: string, body: string, messageId = `urn:uuid:${randomUUID()}`): string {
  return (
    `<s:Envelope xmlns:s="${NS.soap12}" xmlns:a="${NS.wsa}"><s:Header>` +
    `<a:Action s:mustUnderstand="1">${escapeXml(action)}</a:Action><a:MessageID>${messageId}</a:MessageID>` +
    `<a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address></a:ReplyTo>` +
    `<a:To s:mustUnderstand="1">${escapeXml(to)}</a:To></s:Header><s:Body>${body}</s:Body></s:Envelope>`
  );
}

/** Builds the MTOM package: root part (application/xop+xml) then one part per attachment, CRLF framed. */
export function mtomPackage(action: string, soap: string, attachments: readonly Attachment[]): { contentType: string; body: Buffer } {
  const boundary = `MIMEBoundary_${randomUUID().replace(/-/g, '')}`;
  const crlf = '\r\n';
  const pieces: Buffer[] = [
    Buffer.from(
      `--${boundary}${crlf}Content-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"${crlf}` +
        `Content-Transfer-Encoding: binary${crlf}Content-ID: <root.message@tessera>${crlf}${crlf}${soap}${crlf}`,
    ),
  ];
  for (const a of attachments) {
    pieces.push(
      Buffer.from(`--${boundary}${crlf}Content-Type: ${a.contentType}${crlf}Content-Transfer-Encoding: binary${crlf}Content-ID: <${a.contentId}>${crlf}${crlf}`),
      a.bytes,
      Buffer.from(crlf),
    );
  }
  pieces.push(Buffer.from(`--${boundary}--${crlf}`));
  const contentType =
    `multipart/related; boundary="${boundary}"; type="application/xop+xml"; start="<root.message@tessera>"; ` +
    `start-info="application/soap+xml"; action="${action}"`;
  return { contentType, body: Buffer.concat(pieces) };
}

export async function postSoap(url: string, action: string, body: string, tls: Tls, attachments?: readonly Attachment[]): Promise<SoapReply> {
  const soap = envelope(action, url, body);
  const pkg = attachments
    ? mtomPackage(action, soap, attachments)
    : { contentType: `application/soap+xml; charset=UTF-8; action="${action}"`, body: Buffer.from(soap) };
  return readSoapReply(await httpPost(url, { 'Content-Type': pkg.contentType }, pkg.body, tls));
}

/** Splits a multipart/related body into parts: Content-ID (without <>) → bytes; root = first part. */
export function splitMultipart(contentType: string, body: Buffer): { root: Buffer; parts: Map<string, Buffer> } {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!m) throw new Error('multipart reply without boundary');
  const delim = Buffer.from(`--${m[1]}`);
  const parts = new Map<string, Buffer>();
  let root: Buffer | undefined;
  let pos = body.indexOf(delim);
  while (pos >= 0) {
    const start = pos + delim.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delim, start);
    if (next < 0) break;
    const part = body.subarray(start, next);
    const headEnd = part.indexOf('\r\n\r\n');
    const sep = headEnd >= 0 ? 4 : 2;
    const at = headEnd >= 0 ? headEnd : part.indexOf('\n\n');
    const head = part.subarray(0, at).toString();
    let content = part.subarray(at + sep);
    if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
    else if (content.subarray(-1).toString() === '\n') content = content.subarray(0, -1);
    const cid = /content-id:\s*<?([^>\r\n]+)>?/i.exec(head)?.[1]?.trim() ?? '';
    if (!root) root = content;
    parts.set(cid, content);
    pos = next;
  }
  if (!root) throw new Error('multipart reply without parts');
  return { root, parts };
}

export function readSoapReply(http: HttpReply): SoapReply {
  const ct = String(http.headers['content-type'] ?? '');
  let xml = http.body;
  let parts = new Map<string, Buffer>();
  try {
    if (/^multipart\//i.test(ct)) ({ root: xml, parts } = splitMultipart(ct, http.body));
    const env = parseTree(xml.toString('utf8'));
    if (env.local !== 'Envelope' || env.ns !== NS.soap12) return { http, parts, problem: `HTTP ${http.status}: reply is not a SOAP 1.2 envelope (${env.local})` };
    const first = child(env, 'Body')?.children[0];
    if (first?.local === 'Fault') return { http, parts, body: first, problem: `HTTP ${http.status}: SOAP Fault: ${faultText(first)}` };
    return { http, parts, body: first, problem: first ? undefined : `HTTP ${http.status}: empty SOAP Body` };
  } catch (e) {
    return { http, parts, problem: `HTTP ${http.status} (${ct || 'no content type'}): unreadable reply: ${(e as Error).message}` };
  }
}

function faultText(fault: Node): string {
  const code = child(child(fault, 'Code') ?? fault, 'Value')?.text.trim() ?? '';
  const sub = child(child(child(fault, 'Code') ?? fault, 'Subcode') ?? fault, 'Value')?.text.trim();
  const reason = child(child(fault, 'Reason') ?? fault, 'Text')?.text.trim() ?? '';
  return [code, sub, reason].filter(Boolean).join(' / ');
}
