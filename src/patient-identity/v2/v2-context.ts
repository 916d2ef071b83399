/**
 * What the HL7v2 PIX/PDQ handlers share: the SAME cross-reference as the HL7v3 handlers (so both feeds
 * update one person), the registry's PatientIndex, the audit sink, PDQ result sets, our MSH-3/4 and the
 * ITI-10 notifier. Also the CX-4 → domain resolver: a universal id (OID) must be a known domain; a bare
 * namespace id is accepted when it equals a configured domain's name (ITI TF-2x C.2.3 allows either).
 */
import type { Logger } from 'pino';
import type { AuditStore } from '../../security/ports';
import type { NodeIdentity } from '../../transactions';
import type { CrossReference } from '../cross-reference';
import { isKnownDomain } from '../domains';
import type { PatientKey } from '../model';
import type { PatientIndex } from '../ports';
import { keyToCx } from '../model';
import type { ResultSets } from '../result-sets';
import type { ReplyContext } from '../../hl7v2/write-header';
import type { AuthorityResolver } from '../../hl7v2/read-pid';

export interface V2Context {
  readonly xref: CrossReference;
  readonly patients: PatientIndex;
  readonly audit: AuditStore;
  readonly resultSets: ResultSets;
  readonly log: Logger;
  readonly reply: () => ReplyContext;
}

export interface V2Request {
  readonly peer: NodeIdentity;
  /** MSH-10 of the request, for logs and audit. */
  readonly controlId: string;
}

export function authorityResolver(xref: CrossReference): AuthorityResolver {
  const d = xref.domains;
  return (namespace, universalId) => {
    if (universalId) return isKnownDomain(d, universalId) ? universalId : undefined;
    if (!namespace) return undefined;
    const named = [d.enterprise, ...d.domains].find((x) => x.name === namespace);
    if (named) return named.oid;
    // Some senders put the OID itself in HD-1.
    return isKnownDomain(d, namespace) ? namespace : undefined;
  };
}

export async function auditV2(
  v2: V2Context,
  req: V2Request,
  e: { eventId: '110110' | '110112'; tx: 'ITI-8' | 'ITI-9' | 'ITI-21'; action: 'C' | 'U' | 'D' | 'E'; ok: boolean; ids: readonly PatientKey[]; query?: string },
): Promise<void> {
  try {
    await v2.audit.append({
      eventId: e.eventId,
      eventTypeCode: e.tx,
      action: e.action,
      outcome: e.ok ? 0 : 4,
      time: v2.reply().now.toISOString(),
      sourceNode: req.peer.subject,
      messageId: req.controlId,
      objects: [...e.ids.map((k) => ({ type: 'patient', id: keyToCx(k) })), ...(e.query ? [{ type: 'query', id: e.query }] : [])],
    });
  } catch (err) {
    // The answer must not depend on the audit sink (same policy as pix-context.ts).
    v2.log.error({ err, transaction: e.tx }, 'audit append failed');
  }
}
