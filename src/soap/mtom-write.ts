/**
 * Writes an MTOM/XOP multipart/related response (XOP 1.0 §4; SOAP 1.2 MTOM §4.3; ITI-43 in
 * ITI TF-2 §3.43.4.2). Parts are opened lazily, one at a time, and piped with backpressure: a
 * retrieval of many large documents never holds more than a stream buffer in memory.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { hrefFromContentId } from './media-type';
import { escapeXml } from './xml';
import { XOP_NS } from './namespaces';
import { bodyStream, type BodyParts } from './write-response';

export interface MtomPart {
  readonly contentId: string;
  readonly contentType: string;
  readonly stream: () => Readable;
}

const CRLF = '\r\n';

/** The XOP reference to put where the binary content would be (XOP 1.0 §3.2). */
export function xopInclude(contentId: string): string {
  return `<xop:Include xmlns:xop="${XOP_NS}" href="${escapeXml(hrefFromContentId(contentId))}"/>`;
}

/** Header values come from our own code, but a CR/LF in one would forge MIME headers: refuse it. */
function headerValue(v: string): string {
  if (/[\r\n]/.test(v)) throw new Error('MIME header value contains a line break');
  return v;
}

async function* body(boundary: string, rootId: string, envelopeXml: string | BodyParts, parts: readonly MtomPart[]): AsyncGenerator<Buffer> {
  yield Buffer.from(
    `--${boundary}${CRLF}` +
      `Content-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"${CRLF}` +
      `Content-Transfer-Encoding: binary${CRLF}` +
      `Content-ID: <${rootId}>${CRLF}${CRLF}`,
  );
  if (typeof envelopeXml === 'string') yield Buffer.from(envelopeXml, 'utf8');
  else for await (const chunk of bodyStream(envelopeXml)) yield chunk as Buffer;
  for (const p of parts) {
    yield Buffer.from(
      `${CRLF}--${boundary}${CRLF}` +
        `Content-Type: ${headerValue(p.contentType)}${CRLF}` +
        `Content-Transfer-Encoding: binary${CRLF}` +
        `Content-ID: <${headerValue(p.contentId)}>${CRLF}${CRLF}`,
    );
    // for-await pulls one chunk at a time: Readable.from below only asks when its consumer wants more.
    for await (const chunk of p.stream()) yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
  }
  yield Buffer.from(`${CRLF}--${boundary}--${CRLF}`);
}

export function writeMtom(envelopeXml: string | BodyParts, parts: readonly MtomPart[]): { contentType: string; body: Readable } {
  const id = randomUUID().replace(/-/g, '');
  // 128 random bits: the chance that a document contains the delimiter is negligible (RFC 2046 §5.1.1).
  const boundary = `MIMEBoundary_${id}`;
  const rootId = `root.${id}@tessera`;
  const contentType =
    `multipart/related; boundary="${boundary}"; type="application/xop+xml"; ` +
    `start="<${rootId}>"; start-info="application/soap+xml"`;
  return { contentType, body: Readable.from(body(boundary, rootId, envelopeXml, parts), { objectMode: false }) };
}
