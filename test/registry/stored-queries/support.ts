/** Runs one stored query against the seeded store and reports ids or the XDS error code. */
import { XdsError } from '../../../src/errors';
import { ITI18_QUERIES, ITI51_QUERIES, runStoredQuery } from '../../../src/registry/stored-queries';
import { adhocQuery, type SlotSpec } from './request';
import { ID, type Seeded } from './seed';

const NAMES = new Map(Object.entries(ID).map(([k, v]) => [v as string, k]));
/** Seed ids → their short names (DE1, SS1_DE1, …) so expectations read like the data set. */
export const names = (ids: readonly string[]): string[] => ids.map((id) => NAMES.get(id) ?? id);

export interface Runner {
  /** Object names in response order, or throws. */
  ids(queryId: string, slots: readonly SlotSpec[], returnType?: string): Promise<string[]>;
  /** The XDS error code the query fails with. */
  code(queryId: string, slots: readonly SlotSpec[], returnType?: string): Promise<string>;
  /** The full XdsError. */
  error(queryId: string, slots: readonly SlotSpec[], returnType?: string): Promise<XdsError>;
}

export function runner(seeded: () => Seeded, o: { limit?: number; multi?: boolean } = {}): Runner {
  const run = async (queryId: string, slots: readonly SlotSpec[], returnType = 'ObjectRef') => {
    const { stores } = seeded();
    const ctx = { store: stores.registry, patients: stores.patients, limit: o.limit ?? 100 };
    return runStoredQuery(o.multi ? ITI51_QUERIES : ITI18_QUERIES, adhocQuery(queryId, slots, returnType), ctx);
  };
  const error = async (queryId: string, slots: readonly SlotSpec[], returnType?: string) => {
    try {
      await run(queryId, slots, returnType);
    } catch (e) {
      if (e instanceof XdsError) return e;
      throw e;
    }
    throw new Error('expected the query to fail');
  };
  return {
    ids: async (q, s, r) => names((await run(q, s, r)).objects.map((x) => x.id)),
    error,
    code: async (q, s, r) => (await error(q, s, r)).errors[0]!.errorCode,
  };
}

export const sorted = (xs: readonly string[]): string[] => [...xs].sort();
