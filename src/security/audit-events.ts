/**
 * ATNA audit records built from transaction data (DICOM PS3.15 A.5 event ids; ITI TF-2 "Audit Record
 * Considerations" of each transaction). Pure: handlers append the result to the AuditStore.
 * Participant objects carry identifiers only (patient CX, uniqueIds), never demographics or bodies.
 */
import type { Submission } from '../metadata/model';
import type { AuditRecord } from './ports';

export const AuditEventId = {
  export: '110106',
  import: '110107',
  patientRecord: '110110',
  query: '110112',
  securityAlert: '110113',
} as const;

export interface AuditContext {
  readonly time: Date;
  readonly sourceNode?: string;
  readonly messageId?: string;
}

/** 0 success, 4 minor failure (the request was refused, e.g. an XDS error), 8 serious failure. */
export type AuditOutcome = 0 | 4 | 8;

/** Import (110107) of a submission: the registry for ITI-42, the repository for ITI-41. */
export function submissionImported(
  transaction: 'ITI-41' | 'ITI-42',
  s: Submission,
  outcome: AuditOutcome,
  ctx: AuditContext,
): AuditRecord {
  const ss = s.submissionSets[0];
  return {
    eventId: AuditEventId.import,
    eventTypeCode: transaction,
    action: 'C',
    outcome,
    time: ctx.time.toISOString(),
    sourceNode: ctx.sourceNode,
    messageId: ctx.messageId,
    objects: [
      ...(ss?.patientId ? [{ type: 'patient', id: ss.patientId }] : []),
      ...(ss?.uniqueId ? [{ type: 'submissionSet', id: ss.uniqueId }] : []),
    ],
  };
}
