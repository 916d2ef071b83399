/**
 * ITI-10 PIX Update Notification (ITI TF-2a §3.10.4.1): ADT^A31^ADT_A05 v2.5 with MSH, EVN, PID, PV1.
 * PID-3 lists every identifier of the person in the domains the subscriber asked for; PID-5 carries no
 * demographics (the PIX Manager is not a demographics source): "~^^^^^^S". PV1-2 is N (not applicable).
 */
import type { PatientKey } from '../patient-identity/model';
import { writeMessage, writeSegment } from './er7';
import { writeCx } from './datatypes';
import { hl7Time, writeMsh, type ReplyContext } from './write-header';
import { EMPTY_NAME } from './write-rsp';

export interface NotificationTarget {
  readonly application: string;
  readonly facility: string;
}

export function writeA31(ids: readonly PatientKey[], to: NotificationTarget, ctx: ReplyContext): string {
  return writeMessage([
    writeMsh(
      {
        sendingApplication: ctx.application,
        sendingFacility: ctx.facility,
        receivingApplication: to.application,
        receivingFacility: to.facility,
        type: ['ADT', 'A31', 'ADT_A05'],
        processingId: 'P',
        version: '2.5',
      },
      ctx,
    ),
    writeSegment('EVN', [undefined, hl7Time(ctx.now)]),
    writeSegment('PID', [undefined, undefined, { reps: ids.map((k) => writeCx(k)) }, undefined, EMPTY_NAME]),
    writeSegment('PV1', [undefined, 'N']),
  ]);
}
