/**
 * Composition of the PIX Manager / PDQ Supplier: one cross-reference over an IdentityStore, the handlers for
 * ITI-44, ITI-45, ITI-47 (+ continuation and cancel), and error bodies for the transaction table (used only
 * if an XdsError escapes, which these handlers never throw: they answer with acknowledgements themselves).
 */
import { randomUUID } from 'node:crypto';
import type { RegistryErrorEntry } from '../errors';
import { writeAck } from '../hl7v3/write-ack';
import { writePdqResponse, writePixResponse } from '../hl7v3/write-query-response';
import type { ReplyContext } from '../hl7v3/write-wrapper';
import { SoapAction } from '../ebxml/vocabulary';
import type { Handler, TransactionDef } from '../transactions';
import { CrossReference } from './cross-reference';
import { DEFAULT_IDENTITY_DOMAINS, NIST_AFFINITY_DOMAIN_OID, type IdentityDomains } from './domains';
import { createIti44 } from './handle-iti44';
import { createIti45 } from './handle-iti45';
import { createIti47, createIti47Cancel, createIti47Continue } from './handle-iti47';
import type { IdentityStore } from './identity-ports';
import type { Thresholds } from './matching/score';
import type { PixContext } from './pix-context';
import { DEFAULT_RESULT_SET_LIMITS, ResultSets, type ResultSetLimits } from './result-sets';

export interface PixOptions {
  readonly domains?: IdentityDomains;
  /** Our application's device OID (sender/device/id of every reply). */
  readonly deviceOid?: string;
  /** The custodian organisation OID in registrationEvents. */
  readonly custodianOid?: string;
  readonly thresholds?: Thresholds;
  readonly resultSets?: ResultSetLimits;
  /** Most patients per PDQ response page (default 100). */
  readonly pageSize?: number;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

export interface PixHandlers {
  readonly iti44: Handler;
  readonly iti45: Handler;
  readonly iti47: Handler;
  readonly iti47Continue: Handler;
  readonly iti47Cancel: Handler;
  readonly iti44ErrorBody: (errors: readonly RegistryErrorEntry[]) => string;
  readonly iti45ErrorBody: (errors: readonly RegistryErrorEntry[]) => string;
  readonly iti47ErrorBody: (errors: readonly RegistryErrorEntry[]) => string;
  readonly crossReference: CrossReference;
  /** Our device and custodian OIDs, for messages the PIX Manager sends itself (ITI-46). */
  readonly deviceOid: string;
  readonly custodianOid: string;
}

export function createPixHandlers(identity: IdentityStore, o: PixOptions = {}): PixHandlers {
  const now = o.now ?? (() => new Date());
  const xref = new CrossReference(identity, {
    domains: o.domains ?? DEFAULT_IDENTITY_DOMAINS,
    thresholds: o.thresholds,
    newId: o.newId ?? (() => randomUUID().replace(/-/g, '')),
    now,
  });
  const deviceOid = o.deviceOid ?? `${NIST_AFFINITY_DOMAIN_OID}.1`;
  const pix: PixContext = {
    xref,
    deviceOid,
    custodianOid: o.custodianOid ?? deviceOid,
    resultSets: new ResultSets(o.resultSets ?? DEFAULT_RESULT_SET_LIMITS, () => now().getTime()),
    pageSize: o.pageSize ?? 100,
  };
  const ctx = (): ReplyContext => ({ messageId: randomUUID(), now: now(), deviceOid });
  const details = (errors: readonly RegistryErrorEntry[]) =>
    errors.map((e) => ({ typeCode: e.severity === 'Warning' ? ('W' as const) : ('E' as const), text: `${e.errorCode}: ${e.codeContext}`, location: e.location }));
  const none = { interaction: '' };
  const reply = (errors: readonly RegistryErrorEntry[]) => ({ ack: 'AE' as const, details: details(errors), responseCode: 'AE' as const, custodianOid: pix.custodianOid });
  return {
    iti44: createIti44(pix),
    iti45: createIti45(pix),
    iti47: createIti47(pix),
    iti47Continue: createIti47Continue(pix),
    iti47Cancel: createIti47Cancel(pix),
    iti44ErrorBody: (errors) => writeAck('AE', none, ctx(), details(errors)),
    iti45ErrorBody: (errors) => writePixResponse(none, ctx(), reply(errors), []),
    iti47ErrorBody: (errors) => writePdqResponse(none, ctx(), reply(errors), []),
    crossReference: xref,
    deviceOid,
    custodianOid: pix.custodianOid,
  };
}

/**
 * Handler and error body per wsa:Action, for attaching to the ITI-44/45/47 rows of TRANSACTIONS (several rows
 * share a TransactionId, so rows are matched by action): `TRANSACTIONS.map((t) => ({ ...t, ...rows[t.action] }))`.
 */
export function pixRowsByAction(h: PixHandlers): Readonly<Record<string, Pick<TransactionDef, 'handler' | 'errorBody'>>> {
  const feed = { handler: h.iti44, errorBody: h.iti44ErrorBody };
  return {
    [SoapAction.iti44Add]: feed,
    [SoapAction.iti44Revise]: feed,
    [SoapAction.iti44Merge]: feed,
    [SoapAction.iti45]: { handler: h.iti45, errorBody: h.iti45ErrorBody },
    [SoapAction.iti47]: { handler: h.iti47, errorBody: h.iti47ErrorBody },
    [SoapAction.iti47Continue]: { handler: h.iti47Continue, errorBody: h.iti47ErrorBody },
    [SoapAction.iti47Cancel]: { handler: h.iti47Cancel, errorBody: h.iti44ErrorBody },
  };
}
