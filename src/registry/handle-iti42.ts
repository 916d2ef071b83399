/**
 * ITI-42 Register Document Set-b (ITI TF-2b §3.42): SubmitObjectsRequest in, RegistryResponse out.
 * Knows nothing of HTTP or SOAP framing; errors are thrown as XdsError and turned into a RegistryResponse
 * once, at the endpoint (iti42ErrorBody).
 */
import { SoapFaultError, XdsError, type RegistryErrorEntry } from '../errors';
import type { Submission } from '../metadata/model';
import { submissionImported, type AuditOutcome } from '../security/audit-events';
import { NS } from '../ebxml/vocabulary';
import { is } from '../soap/xml';
import { readSubmitObjectsRequest } from '../ebxml/read-submit-objects';
import { writeRegistryResponse } from '../ebxml/write-registry-response';
import type { Deps, Handler, HandlerContext, NodeIdentity } from '../transactions';
import { registerSubmission, type RegisterDeps } from './register-submission';

export const registerDepsOf = (deps: Deps, peer?: NodeIdentity): RegisterDeps => ({
  registry: deps.stores.registry,
  patients: deps.stores.patients,
  affinity: deps.registry.affinity,
  patientIdCheck: deps.registry.patientIdCheck,
  now: deps.now,
  newUuid: deps.newUuid,
  translatePatientIds: peer ? deps.patientIdTranslator?.(peer) : undefined,
});

export const handleIti42: Handler = async (req, deps, ctx) => {
  if (!is(req.body, NS.lcm, 'SubmitObjectsRequest')) {
    throw new SoapFaultError('Sender', 'ITI-42 expects an lcm:SubmitObjectsRequest (ebRS 3.0) in the SOAP Body');
  }
  const { submission, errors } = readSubmitObjectsRequest(req.body, 'registry');
  const audit = (outcome: AuditOutcome) => auditImport(deps, ctx, submission, outcome);
  try {
    const warnings = await registerSubmission(submission, registerDepsOf(deps, ctx.peer), {
      transaction: 'ITI-42',
      actor: 'registry',
      wireErrors: errors,
    });
    await audit(0);
    return { body: writeRegistryResponse(warnings), count: submission.documentEntries.length };
  } catch (e) {
    await audit(e instanceof XdsError ? 4 : 8);
    throw e;
  }
};

/** DCM Import (110107) for ITI-42 (ITI TF-2b §3.42.5.1.2). */
const auditImport = (deps: Deps, ctx: HandlerContext, s: Submission, outcome: AuditOutcome): Promise<void> =>
  deps.stores.audit.append(submissionImported('ITI-42', s, outcome, { time: deps.now(), sourceNode: ctx.peer.subject, messageId: ctx.messageId }));

export const iti42ErrorBody = (errors: readonly RegistryErrorEntry[]): string => writeRegistryResponse(errors);
