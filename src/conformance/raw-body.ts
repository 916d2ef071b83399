/**
 * HttpTransaction bodies (PnrXop) are sent verbatim by NIST, but they hard-code a patient and uniqueIds
 * (README "Known quirks"): replayed as-is the second run is a duplicate submission and the patient is
 * unknown to our registry. We rewrite exactly those values — every ExternalIdentifier `value` whose
 * identificationScheme is a patientId or uniqueId scheme — and convert bare LF to CRLF (MIME framing,
 * RFC 2046 §5.1.1). Nothing else in the body changes.
 */
import { DocumentEntryScheme, SubmissionSetScheme, FolderScheme } from '../ebxml/vocabulary';
import { escapeXml } from '../soap/xml';

const PATIENT = new Set<string>([DocumentEntryScheme.patientId, SubmissionSetScheme.patientId, FolderScheme.patientId]);
const UNIQUE = new Set<string>([DocumentEntryScheme.uniqueId, SubmissionSetScheme.uniqueId, FolderScheme.uniqueId]);

export interface RawRewrite {
  readonly body: Buffer;
  /** old uniqueId → new uniqueId. */
  readonly uniqueIds: Readonly<Record<string, string>>;
}

export function rewriteRawBody(text: string, patientId: string, newUid: () => string): RawRewrite {
  const uniqueIds: Record<string, string> = {};
  const rewritten = text.replace(/<([\w.-]+:)?ExternalIdentifier\b[^>]*>/g, (tag) => {
    const scheme = /identificationScheme\s*=\s*"([^"]*)"/.exec(tag)?.[1] ?? '';
    if (!PATIENT.has(scheme) && !UNIQUE.has(scheme)) return tag;
    return tag.replace(/(\svalue\s*=\s*")([^"]*)(")/, (_m, a: string, old: string, z: string) => {
      if (PATIENT.has(scheme)) return `${a}${escapeXml(patientId)}${z}`;
      uniqueIds[old] ??= newUid();
      return `${a}${uniqueIds[old]}${z}`;
    });
  });
  return { body: Buffer.from(rewritten.replace(/\r?\n/g, '\r\n'), 'utf8'), uniqueIds };
}

/** `<Headers>` text: one `Name: value` per line. */
export function parseHeaderLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}
