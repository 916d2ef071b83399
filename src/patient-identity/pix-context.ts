/**
 * What the PIX/PDQ handlers share: the cross-reference, our device and custodian OIDs, the PDQ result sets,
 * reply context from Deps, ATNA audit records (identifiers only, security.md §1.2), and the mapping of
 * errors to acknowledgement details.
 */
import { Hl7v3Error } from '../errors';
import { ACK_DETAIL_CODE_SYSTEM, AckDetailCode } from '../hl7v3/vocabulary';
import type { AckCode, AckDetail, ReplyContext } from '../hl7v3/write-wrapper';
import type { AuditRecord } from '../security/ports';
import type { Deps, HandlerContext, TransactionId } from '../transactions';
import type { CrossReference } from './cross-reference';
import { IdentityError } from './identity-error';
import { keyToCx, type PatientKey } from './model';
import type { ResultSets } from './result-sets';

export interface PixContext {
  readonly xref: CrossReference;
  readonly deviceOid: string;
  readonly custodianOid: string;
  readonly resultSets: ResultSets;
  /** Most patients in one PDQ response page (initialQuantity / continuationQuantity are capped to it). */
  readonly pageSize: number;
}

export const replyContext = (pix: PixContext, deps: Deps): ReplyContext => ({
  messageId: deps.newUuid().replace(/^urn:uuid:/, ''),
  now: deps.now(),
  deviceOid: pix.deviceOid,
});

export const detail204 = (text: string, location?: string): AckDetail => ({
  typeCode: 'E',
  code: AckDetailCode.unknownKeyIdentifier,
  codeSystem: ACK_DETAIL_CODE_SYSTEM,
  text,
  location,
});

/** Known error types → (ack code, detail); anything else is not ours to answer and is rethrown. */
export function errorAck(err: unknown, location?: string): { ack: AckCode; details: AckDetail[] } {
  if (err instanceof Hl7v3Error) {
    const d: AckDetail = { typeCode: 'E', code: err.detailCode, codeSystem: err.detailCode ? ACK_DETAIL_CODE_SYSTEM : undefined, text: err.message };
    return { ack: err.ackCode, details: [d] };
  }
  if (err instanceof IdentityError) {
    const text = err.key ? `${err.message}: ${keyToCx(err.key)}` : err.message;
    if (err.kind === 'conflict') {
      return { ack: 'AE', details: [{ typeCode: 'E', code: AckDetailCode.applicationInternalError, codeSystem: ACK_DETAIL_CODE_SYSTEM, text, location }] };
    }
    return { ack: 'AE', details: [detail204(text, location)] };
  }
  throw err;
}

export async function audit(
  deps: Deps,
  ctx: HandlerContext,
  e: { eventId: '110110' | '110112'; tx: TransactionId; action: AuditRecord['action']; ok: boolean; ids: readonly PatientKey[]; query?: string },
): Promise<void> {
  const objects = [
    ...e.ids.map((k) => ({ type: 'patient', id: keyToCx(k) })),
    ...(e.query ? [{ type: 'query', id: e.query }] : []),
  ];
  try {
    await deps.stores.audit.append({
      eventId: e.eventId,
      eventTypeCode: e.tx,
      action: e.action,
      outcome: e.ok ? 0 : 4,
      time: deps.now().toISOString(),
      sourceNode: ctx.peer.subject,
      messageId: ctx.messageId,
      objects,
    });
  } catch (err) {
    // The answer must not depend on the audit sink; the failure is logged (no PHI: ids only in the record).
    ctx.log.error({ err, transaction: e.tx }, 'audit append failed');
  }
}
