/**
 * The transactions this build serves: the rows of src/transactions.ts with their handlers and error
 * bodies attached. Rows without a handler answer a "not implemented" Receiver fault.
 */
import { TRANSACTIONS, type TransactionDef, type TransactionId } from '../transactions';
import { handleIti42, iti42ErrorBody } from '../registry/handle-iti42';
import { handleIti18, iti18ErrorBody } from '../registry/handle-iti18';
import { handleIti41, iti41ErrorBody } from '../repository/handle-iti41';
import { handleIti43, iti43ErrorBody } from '../repository/handle-iti43';

const IMPLEMENTED: Partial<Record<TransactionId, Pick<TransactionDef, 'handler' | 'errorBody'>>> = {
  'ITI-42': { handler: handleIti42, errorBody: iti42ErrorBody },
  'ITI-18': { handler: handleIti18, errorBody: iti18ErrorBody },
  'ITI-41': { handler: handleIti41, errorBody: iti41ErrorBody },
  'ITI-43': { handler: handleIti43, errorBody: iti43ErrorBody },
};

export function implementedTransactions(): readonly TransactionDef[] {
  return TRANSACTIONS.map((t) => ({ ...t, ...IMPLEMENTED[t.id] }));
}
