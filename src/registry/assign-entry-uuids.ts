/**
 * Symbolic ids (anything not `urn:uuid:`) are replaced with fresh entryUUIDs, and every reference to
 * them follows (ITI TF-3 §4.2.3.1.1: the registry assigns entryUUIDs to symbolic ids).
 * Every object is registered as the first version of its logical object, so its logicalId (`lid`) is its
 * entryUUID (ITI TF-3 §4.1.12.1, Metadata Update: an original version's lid equals its id); Tessera does not
 * implement Metadata Update (ITI-57), so a submitted lid is never kept.
 */
import type { Association, Submission } from '../metadata/model';

const UUID_URN = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const isUuidUrn = (id: string): boolean => UUID_URN.test(id);

export interface AssignedIds {
  readonly submission: Submission;
  /** symbolic id → assigned entryUUID */
  readonly assigned: ReadonlyMap<string, string>;
}

export function assignEntryUuids(s: Submission, newUuid: () => string): AssignedIds {
  const assigned = new Map<string, string>();
  const all = [...s.submissionSets, ...s.documentEntries, ...s.folders, ...s.associations];
  for (const o of all) {
    if (!isUuidUrn(o.id) && !assigned.has(o.id)) assigned.set(o.id, newUuid());
  }
  const map = (id: string) => assigned.get(id) ?? id;
  const withId = <T extends { id: string; lid?: string }>(o: T): T => ({ ...o, id: map(o.id), lid: map(o.id) });
  const association = (a: Association): Association => ({
    ...a,
    id: map(a.id),
    sourceId: map(a.sourceId),
    targetId: map(a.targetId),
  });
  return {
    assigned,
    submission: {
      submissionSets: s.submissionSets.map(withId),
      documentEntries: s.documentEntries.map(withId),
      folders: s.folders.map(withId),
      associations: s.associations.map(association),
    },
  };
}
