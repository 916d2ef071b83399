/**
 * The one table of transactions: ITI id → endpoint path, wsa:Action, reply action, actor, MTOM use,
 * handler. Adding a transaction = one row here + one handler file (design.md, convention 2).
 * A row without a handler answers a SOAP fault (not implemented yet), never a crash.
 */
import type { Logger } from 'pino';
import type { RegistryErrorEntry } from './errors';
import type { Actor } from './errors/codes';
import type { SoapRequest } from './soap/read-request';
import type { MtomPart } from './soap/mtom-write';
import type { BodyParts } from './soap/write-response';
import type { Stores } from './storage/stores';
import type { StoredBlob } from './repository/ports';
import type { AffinityDomain } from './metadata/affinity-domain';
import type { Submission } from './metadata/model';
import { SoapAction } from './ebxml/vocabulary';

export type TransactionId = 'ITI-18' | 'ITI-51' | 'ITI-41' | 'ITI-42' | 'ITI-43' | 'ITI-44' | 'ITI-45' | 'ITI-47';
export type Endpoint = '/xds/registry' | '/xds/repository' | '/pix' | '/pdq';

/** Who is calling: from the verified TLS client certificate. */
export interface NodeIdentity {
  readonly subject: string; // e.g. "CN=hospital-a,O=Example"
  readonly commonName?: string;
  readonly fingerprint256?: string;
  readonly address?: string;
}

export interface RegistrySettings {
  readonly patientIdCheck: 'on' | 'off';
  readonly maxQueryResults: number;
  readonly affinity: AffinityDomain;
}

export interface RepositorySettings {
  readonly repositoryUniqueId: string;
  readonly maxDocumentBytes: number;
}

/** Everything a handler may use; passed in, never imported (design.md: no singletons). */
export interface Deps {
  readonly stores: Stores;
  readonly registry: RegistrySettings;
  readonly repository: RepositorySettings;
  readonly now: () => Date;
  readonly newUuid: () => string; // returns `urn:uuid:…`
  readonly log: Logger;
  /**
   * The registry's local-id translation for a calling node (IDENTITY_DOMAINS `translateLocalIds`), or undefined
   * when that node has no such policy (src/registry/translate-patient-ids.ts).
   */
  readonly patientIdTranslator?: (peer: NodeIdentity) => ((s: Submission) => Promise<Submission>) | undefined;
}

export interface HandlerContext {
  readonly peer: NodeIdentity;
  readonly messageId?: string;
  readonly log: Logger;
}

/**
 * A handler's answer: the SOAP Body content (one element, as XML text, or as BodyParts whose concatenation is
 * that text: soap/write-response.ts) and MTOM parts if any.
 */
export interface HandlerResult<B extends string | BodyParts = string> {
  readonly body: B;
  readonly parts?: readonly MtomPart[];
  /** For the request log: how many objects/documents were involved. */
  readonly count?: number;
  /**
   * Work that must not delay the answer (a cache write such as keeping ebRIM forms): run once the reply has
   * been handed to the socket. Never awaited; it reports its own failures.
   */
  readonly afterReply?: () => void;
}

/** `B`: what the Body comes as; `string` unless the handler streams parts (ITI-18/51 answers). */
export type Handler<B extends string | BodyParts = string> = (req: SoapRequest<StoredBlob>, deps: Deps, ctx: HandlerContext) => Promise<HandlerResult<B>>;

export interface TransactionDef {
  readonly id: TransactionId;
  readonly endpoint: Endpoint;
  readonly action: string;
  readonly replyAction: string;
  readonly actor: Actor | 'pix' | 'pdq';
  /** Whether requests may carry MTOM attachments (stored as pending blobs as they stream in). */
  readonly acceptsAttachments: boolean;
  readonly handler?: Handler<string | BodyParts>;
  /** Turns XDS errors into this transaction's Body (RegistryResponse, AdhocQueryResponse, ...). */
  readonly errorBody?: (errors: readonly RegistryErrorEntry[]) => string;
}

const row = (
  id: TransactionId,
  endpoint: Endpoint,
  action: string,
  actor: TransactionDef['actor'],
  acceptsAttachments = false,
  replyAction = `${action}Response`,
): TransactionDef => ({ id, endpoint, action, replyAction, actor, acceptsAttachments });

/** Rows without handlers; `createTransactionTable` attaches the implemented ones. */
export const TRANSACTIONS: readonly TransactionDef[] = [
  row('ITI-42', '/xds/registry', SoapAction.iti42, 'registry'),
  row('ITI-18', '/xds/registry', SoapAction.iti18, 'registry'),
  row('ITI-51', '/xds/registry', SoapAction.iti51, 'registry'),
  row('ITI-41', '/xds/repository', SoapAction.iti41, 'repository', true),
  row('ITI-43', '/xds/repository', SoapAction.iti43, 'repository'),
  row('ITI-44', '/pix', SoapAction.iti44Add, 'pix', false, 'urn:hl7-org:v3:MCCI_IN000002UV01'),
  row('ITI-44', '/pix', SoapAction.iti44Revise, 'pix', false, 'urn:hl7-org:v3:MCCI_IN000002UV01'),
  row('ITI-44', '/pix', SoapAction.iti44Merge, 'pix', false, 'urn:hl7-org:v3:MCCI_IN000002UV01'),
  row('ITI-45', '/pix', SoapAction.iti45, 'pix', false, 'urn:hl7-org:v3:PRPA_IN201310UV02'),
  row('ITI-47', '/pdq', SoapAction.iti47, 'pdq', false, 'urn:hl7-org:v3:PRPA_IN201306UV02'),
  row('ITI-47', '/pdq', SoapAction.iti47Continue, 'pdq', false, 'urn:hl7-org:v3:PRPA_IN201306UV02'),
  row('ITI-47', '/pdq', SoapAction.iti47Cancel, 'pdq', false, 'urn:hl7-org:v3:MCCI_IN000002UV01'),
];

export const findTransaction = (
  table: readonly TransactionDef[],
  endpoint: string,
  action: string,
): TransactionDef | undefined => table.find((t) => t.endpoint === endpoint && t.action === action);
