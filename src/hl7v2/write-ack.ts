/**
 * General acknowledgement ACK (HL7 v2.5 §2.14.1; ITI TF-2a §3.8.4.2, §3.10.4.2): MSH, MSA, and one ERR
 * per error. v2.5 carries the error in ERR-2 (ERL location), ERR-3 (HL7 table 0357 code) and ERR-4
 * (severity); v2.3.1 has only ERR-1 (ELD: segment^sequence^field^code&text&HL70357), written for 2.3.1.
 */
import { writeMessage, writeSegment } from './er7';
import type { V2Header } from './read-header';
import { ERROR_TEXT, type AckCode, type ErrorLocation } from './v2-error';
import { writeReplyMsh, type ReplyContext } from './write-header';

export interface AckError {
  readonly code: string;
  readonly text?: string;
  readonly location: ErrorLocation;
  readonly severity?: 'E' | 'W';
}

const locationRep = (l: ErrorLocation): (string | undefined)[] => [
  l.segment,
  l.segment ? String(l.seq ?? 1) : undefined,
  l.field !== undefined ? String(l.field) : undefined,
  l.field !== undefined ? String(l.rep ?? 1) : undefined,
  l.component !== undefined ? String(l.component) : undefined,
  l.subcomponent !== undefined ? String(l.subcomponent) : undefined,
];

/** One ERR segment in the syntax of the message's version. */
export function writeErr(e: AckError, version: string): string {
  const text = ERROR_TEXT[e.code] ?? 'Error';
  if (version === '2.3.1' || version === '2.3') {
    const l = e.location;
    return writeSegment('ERR', [[l.segment, l.segment ? String(l.seq ?? 1) : undefined, l.field !== undefined ? String(l.field) : undefined, [e.code, text, 'HL70357']]]);
  }
  return writeSegment('ERR', [undefined, locationRep(e.location), [e.code, text, 'HL70357', undefined, e.text], e.severity ?? 'E']);
}

/** MSA-3 text exists only up to v2.4; later versions put the text in ERR only. */
export function writeMsa(ack: AckCode, req: V2Header | undefined, version: string, text?: string): string {
  const legacy = version === '2.3.1' || version === '2.3';
  return writeSegment('MSA', [ack, req?.controlId ?? '', legacy ? text : undefined]);
}

export function replyVersion(req: V2Header | undefined): string {
  return req?.version === '2.3.1' || req?.version === '2.3' ? '2.3.1' : req?.version === '2.5.1' ? '2.5.1' : '2.5';
}

/** ACK^<event>^ACK for `req` (or a bare ACK when nothing of the request could be read). */
export function writeAck(ack: AckCode, req: V2Header | undefined, ctx: ReplyContext, errors: readonly AckError[] = []): string {
  const version = replyVersion(req);
  const type = version === '2.3.1' ? ['ACK', req?.event ?? ''] : ['ACK', req?.event ?? '', 'ACK'];
  return writeMessage([
    writeReplyMsh(req, type, ctx),
    writeMsa(ack, req, version, errors[0]?.text),
    ...errors.map((e) => writeErr(e, version)),
  ]);
}
