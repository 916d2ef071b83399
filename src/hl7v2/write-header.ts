/**
 * The MSH of our replies and notifications (HL7 v2.5 §2.14.9): sender and receiver swapped from the
 * request, a new control id, the request's version and MSH-18 echoed (a reply uses the character set the
 * sender declared, ITI TF-2x Appendix C).
 */
import { writeSegment, type FieldValue } from './er7';
import type { V2Header } from './read-header';

export interface ReplyContext {
  /** A new message control id (MSH-10), unique per reply. */
  readonly controlId: string;
  readonly now: Date;
  /** Our MSH-3/MSH-4 when the request did not name a receiver. */
  readonly application: string;
  readonly facility: string;
}

/** HL7 DTM in UTC with an explicit offset: YYYYMMDDHHMMSS+0000. */
export function hl7Time(d: Date): string {
  const iso = d.toISOString(); // 2026-11-24T21:23:05.123Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}+0000`;
}

export interface MshFields {
  readonly sendingApplication: FieldValue;
  readonly sendingFacility: FieldValue;
  readonly receivingApplication: FieldValue;
  readonly receivingFacility: FieldValue;
  /** MSH-9 as components, e.g. ['ACK', 'A01', 'ACK']. */
  readonly type: readonly string[];
  readonly processingId: string;
  readonly version: string;
  readonly charset?: string;
}

export function writeMsh(f: MshFields, ctx: ReplyContext): string {
  return writeSegment('MSH', [
    f.sendingApplication,
    f.sendingFacility,
    f.receivingApplication,
    f.receivingFacility,
    hl7Time(ctx.now),
    undefined,
    f.type,
    ctx.controlId,
    f.processingId || 'P',
    f.version || '2.5',
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    f.charset,
  ]);
}

const orDefault = (rep: readonly (readonly string[])[], fallback: string): FieldValue => (rep.length > 0 ? rep : fallback);

/** MSH of a reply to `req`: the request's receiver becomes the sender. */
export function writeReplyMsh(req: V2Header | undefined, type: readonly string[], ctx: ReplyContext): string {
  return writeMsh(
    {
      sendingApplication: orDefault(req?.receivingApplication ?? [], ctx.application),
      sendingFacility: orDefault(req?.receivingFacility ?? [], ctx.facility),
      receivingApplication: req?.sendingApplication ?? [],
      receivingFacility: req?.sendingFacility ?? [],
      type,
      processingId: req?.processingId ?? 'P',
      version: SUPPORTED_VERSIONS.includes(req?.version ?? '') ? req!.version : '2.5',
      charset: req?.charset || undefined,
    },
    ctx,
  );
}

/** The versions the ITI v2 transactions are profiled on: ITI-8/10 on 2.3.1 (2.5 allowed), ITI-9/21 on 2.5. */
export const SUPPORTED_VERSIONS: readonly string[] = ['2.3.1', '2.5', '2.5.1'];
