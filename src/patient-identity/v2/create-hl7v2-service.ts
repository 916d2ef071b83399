/**
 * Composition of the HL7 v2 PIX Manager / PDQ Supplier (ITI-8, ITI-9, ITI-21, ITI-10) over the SAME
 * cross-reference as the HL7v3 handlers (pass `createPixHandlers(...).crossReference`). The returned
 * `handle` is what src/app/mllp-server.ts calls per message; it never throws for message content.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuditStore } from '../../security/ports';
import type { CrossReference } from '../cross-reference';
import type { PatientIndex } from '../ports';
import { DEFAULT_RESULT_SET_LIMITS, ResultSets, type ResultSetLimits } from '../result-sets';
import { dispatchV2, type Inbound } from './dispatch';
import { Iti10Notifier, type MllpSend, type Subscriber } from './notify-iti10';
import type { V2Context } from './v2-context';

export interface Hl7v2ServiceDeps {
  readonly xref: CrossReference;
  readonly patients: PatientIndex;
  readonly audit: AuditStore;
  readonly log: Logger;
  /** Our MSH-3 / MSH-4 (defaults: TESSERA / TESSERA). */
  readonly application?: string;
  readonly facility?: string;
  readonly resultSets?: ResultSetLimits;
  /** ITI-10 subscribers and the MLLP/TLS sender (src/app/mllp-server.ts sendMllp). */
  readonly notify?: { readonly subscribers: readonly Subscriber[]; readonly send: MllpSend };
  readonly now?: () => Date;
  readonly newControlId?: () => string;
}

export interface Hl7v2Service {
  handle(inbound: Inbound): Promise<string | undefined>;
  /** Resolves once queued ITI-10 notifications have been attempted. */
  idle(): Promise<void>;
}

export function createHl7v2Service(deps: Hl7v2ServiceDeps): Hl7v2Service {
  const now = deps.now ?? (() => new Date());
  const newControlId = deps.newControlId ?? (() => randomUUID().replace(/-/g, '').slice(0, 20));
  const reply = () => ({ controlId: newControlId(), now: now(), application: deps.application ?? 'TESSERA', facility: deps.facility ?? 'TESSERA' });
  const notifier = deps.notify && deps.notify.subscribers.length > 0
    ? new Iti10Notifier({ xref: deps.xref, subscribers: deps.notify.subscribers, send: deps.notify.send, reply, log: deps.log })
    : undefined;
  const v2: V2Context = {
    xref: deps.xref,
    patients: deps.patients,
    audit: deps.audit,
    resultSets: new ResultSets(deps.resultSets ?? DEFAULT_RESULT_SET_LIMITS, () => now().getTime()),
    log: deps.log,
    reply,
  };
  // ITI-10 follows the cross-reference, so HL7v3 (ITI-44) changes notify the subscribers too.
  if (notifier) deps.xref.onPersonChanged((personId) => notifier.personChanged(personId));
  return {
    handle: (inbound) => dispatchV2(v2, inbound),
    idle: () => notifier?.idle() ?? Promise.resolve(),
  };
}
