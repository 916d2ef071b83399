/**
 * Query responses: RSP^K23 (ITI TF-2a §3.9.4.2: MSH, MSA, [ERR], QAK, QPD, [PID]) and RSP^K22
 * (§3.21.4.2: MSH, MSA, [ERR], QAK, QPD, {PID, [QRI]}, [DSC]). QPD is echoed as received (its raw text,
 * so the consumer can match it byte for byte). A PIX response carries no demographics: PID-5 is the
 * conventional "~^^^^^^S" (an empty name, then a pseudonym-typed empty name), since PID-5 is required.
 */
import type { Patient, PatientKey } from '../patient-identity/model';
import { writeMessage, writeSegment, type Field } from './er7';
import { writeCx, writeSex, writeXad, writeXpn, writeXtn } from './datatypes';
import type { V2Header } from './read-header';
import type { AckCode } from './v2-error';
import { writeErr, writeMsa, type AckError } from './write-ack';
import { writeReplyMsh, type ReplyContext } from './write-header';

export type QueryStatus = 'OK' | 'NF' | 'AE' | 'AR';

export interface QueryReplyV2 {
  readonly ack: AckCode;
  readonly status: QueryStatus;
  readonly errors: readonly AckError[];
  readonly queryTag: string;
  /** The request's QPD segment as received (undefined when it could not be read). */
  readonly qpdRaw?: string;
}

export const EMPTY_NAME: Field = { reps: ['', ['', '', '', '', '', '', 'S']] };

const ids = (keys: readonly PatientKey[]): Field => ({ reps: keys.map((k) => writeCx(k)) });

function head(req: V2Header, type: readonly string[], ctx: ReplyContext, r: QueryReplyV2, qak: readonly Field[]): string[] {
  return [
    writeReplyMsh(req, type, ctx),
    writeMsa(r.ack, req, '2.5'),
    ...r.errors.map((e) => writeErr(e, '2.5')),
    writeSegment('QAK', [r.queryTag, r.status, ...qak]),
    ...(r.qpdRaw ? [r.qpdRaw] : []),
  ];
}

/** RSP^K23: one PID with the identifiers found (only when the status is OK). */
export function writePixResponse(req: V2Header, ctx: ReplyContext, r: QueryReplyV2, found: readonly PatientKey[]): string {
  const pid = r.status === 'OK' && found.length > 0 ? [writeSegment('PID', [undefined, undefined, ids(found), undefined, EMPTY_NAME])] : [];
  return writeMessage([...head(req, ['RSP', 'K23', 'RSP_K23'], ctx, r, []), ...pid]);
}

export interface PdqHitV2 {
  readonly ids: readonly PatientKey[];
  readonly patient: Patient;
  readonly confidence: number;
}

export function writePdqPid(setId: number, hit: PdqHitV2): string {
  const p = hit.patient;
  const names = p.names.map(writeXpn);
  return writeSegment('PID', [
    String(setId),
    undefined,
    ids(hit.ids),
    undefined,
    names.length > 0 ? { reps: names } : EMPTY_NAME,
    p.mothersMaidenName ? writeXpn(p.mothersMaidenName) : undefined,
    p.birthTime,
    writeSex(p.gender),
    undefined,
    undefined,
    { reps: p.addresses.map(writeXad) },
    undefined,
    { reps: p.telecoms.map(writeXtn) },
  ]);
}

export interface Quantities {
  readonly total: number;
  readonly current: number;
  readonly remaining: number;
}

/** RSP^K22: QAK-4/5/6 hit counts, one PID + QRI (QRI-1 candidate confidence) per hit, DSC when more remain. */
export function writePdqResponse(
  req: V2Header,
  ctx: ReplyContext,
  r: QueryReplyV2,
  hits: readonly PdqHitV2[],
  q?: Quantities & { readonly pointer?: string },
): string {
  const qak: Field[] = r.status === 'OK' && q ? [undefined, String(q.total), String(q.current), String(q.remaining)] : [];
  const body = hits.flatMap((h, i) => [writePdqPid(i + 1, h), writeSegment('QRI', [String(h.confidence)])]);
  const dsc = q?.pointer && q.remaining > 0 ? [writeSegment('DSC', [q.pointer, 'I'])] : [];
  return writeMessage([...head(req, ['RSP', 'K22', 'RSP_K21'], ctx, r, qak), ...body, ...dsc]);
}
