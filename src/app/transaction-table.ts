/**
 * The transactions this build serves: the rows of src/transactions.ts with their handlers and error
 * bodies attached. Rows without a handler answer a "not implemented" Receiver fault.
 */
import { TRANSACTIONS, type TransactionDef, type TransactionId } from '../transactions';
import { handleIti42, iti42ErrorBody } from '../registry/handle-iti42';
import { handleIti18, handleIti51, iti18ErrorBody } from '../registry/handle-iti18';
import { createIti41Handler, handleIti41, iti41ErrorBody } from '../repository/handle-iti41';
import { remoteRegistryClient, type RemoteRegistryOptions } from '../repository/registry-client-remote';
import { pixRowsByAction, type PixHandlers } from '../patient-identity/create-pix-handlers';
import { handleIti43, iti43ErrorBody } from '../repository/handle-iti43';

const IMPLEMENTED: Partial<Record<TransactionId, Pick<TransactionDef, 'handler' | 'errorBody'>>> = {
  'ITI-42': { handler: handleIti42, errorBody: iti42ErrorBody },
  'ITI-18': { handler: handleIti18, errorBody: iti18ErrorBody },
  'ITI-51': { handler: handleIti51, errorBody: iti18ErrorBody },
  'ITI-41': { handler: handleIti41, errorBody: iti41ErrorBody },
  'ITI-43': { handler: handleIti43, errorBody: iti43ErrorBody },
};

export interface TableOptions {
  /** Register ITI-41 submissions at this remote registry instead of the in-process one (REGISTRY_URL). */
  readonly remoteRegistry?: RemoteRegistryOptions;
  /** PIX Manager / PDQ Supplier handlers (HL7v3); without them those rows answer 'not implemented'. */
  readonly pix?: PixHandlers;
}

export function implementedTransactions(o: TableOptions = {}): readonly TransactionDef[] {
  const remote = o.remoteRegistry;
  const iti41 = remote ? { ...IMPLEMENTED['ITI-41'], handler: createIti41Handler(() => remoteRegistryClient(remote)) } : IMPLEMENTED['ITI-41'];
  // PIX/PDQ rows share transaction ids (ITI-44 add/revise/merge, ITI-47 query/continue/cancel): match by action.
  const pix = o.pix ? pixRowsByAction(o.pix) : {};
  return TRANSACTIONS.map((t) => ({ ...t, ...(t.id === 'ITI-41' ? iti41 : IMPLEMENTED[t.id]), ...pix[t.action] }));
}
