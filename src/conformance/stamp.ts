/**
 * The toolkit's automatic rewrites of a submission (../shared/conformance/README.md §3): patient ID,
 * fresh uniqueIds, sourceId and, with AssignUuids, symbolic ids → urn:uuid. Each returns what it assigned
 * (object id → value) so that later steps can find it through UseId / reports.
 */
import { DocumentEntryScheme, SubmissionSetScheme, FolderScheme } from '../ebxml/vocabulary';
import { type Node, walk } from './xml-tree';

export type Assignments = Record<string, string>;

const PATIENT_SCHEMES = new Set<string>([DocumentEntryScheme.patientId, SubmissionSetScheme.patientId, FolderScheme.patientId]);
const UNIQUE_ID_SCHEMES = new Set<string>([DocumentEntryScheme.uniqueId, SubmissionSetScheme.uniqueId, FolderScheme.uniqueId]);

/** ExternalIdentifiers with their owning object (parent element). */
function externalIds(root: Node): Array<{ ei: Node; owner: Node }> {
  const out: Array<{ ei: Node; owner: Node }> = [];
  walk(root, (n, parent) => {
    if (n.local === 'ExternalIdentifier' && parent) out.push({ ei: n, owner: parent });
  });
  return out;
}

const ownerId = (ei: Node, owner: Node): string => owner.attrs.id ?? ei.attrs.registryObject ?? '';

export function stampPatientId(root: Node, patientId: string): Assignments {
  const done: Assignments = {};
  for (const { ei, owner } of externalIds(root)) {
    if (!PATIENT_SCHEMES.has(ei.attrs.identificationScheme ?? '')) continue;
    ei.attrs.value = patientId;
    done[ownerId(ei, owner)] = patientId;
  }
  return done;
}

/**
 * Replaces uniqueId values with fresh OIDs. `spare` lists object ids (NoAssignUids id=…) to leave alone;
 * `spareAll` is NoAssignUids without id; `excludeSchemes` are AssignUuids/Exclude schemes.
 */
export function stampUniqueIds(
  root: Node,
  newUid: () => string,
  o: { spareAll?: boolean; spare?: ReadonlySet<string>; excludeSchemes?: ReadonlySet<string> } = {},
): Assignments {
  const done: Assignments = {};
  for (const { ei, owner } of externalIds(root)) {
    const scheme = ei.attrs.identificationScheme ?? '';
    if (!UNIQUE_ID_SCHEMES.has(scheme)) continue;
    const id = ownerId(ei, owner);
    if (o.spareAll || o.spare?.has(id) || o.excludeSchemes?.has(scheme)) {
      done[id] = ei.attrs.value ?? '';
      continue;
    }
    ei.attrs.value = newUid();
    done[id] = ei.attrs.value;
  }
  return done;
}

export function stampSourceId(root: Node, sourceId: string): Assignments {
  const done: Assignments = {};
  for (const { ei, owner } of externalIds(root)) {
    if (ei.attrs.identificationScheme !== SubmissionSetScheme.sourceId) continue;
    ei.attrs.value = sourceId;
    done[ownerId(ei, owner)] = sourceId;
  }
  return done;
}

const REFERENCES = ['classifiedObject', 'sourceObject', 'targetObject', 'registryObject'];
const OBJECTS = new Set(['ExtrinsicObject', 'RegistryPackage', 'Association', 'Classification', 'ExternalIdentifier']);

/**
 * AssignUuids: every object id that is not already a urn:uuid gets a new one and every reference to it
 * follows (including the P&R `xdsb:Document/@id`, which points at the ExtrinsicObject).
 */
export function assignUuids(root: Node, newUuid: () => string): Assignments {
  const map: Assignments = {};
  walk(root, (n) => {
    const id = n.attrs.id;
    if (OBJECTS.has(n.local) && id && !id.startsWith('urn:uuid:') && !map[id]) map[id] = newUuid();
  });
  walk(root, (n) => {
    if (OBJECTS.has(n.local) && n.attrs.id && map[n.attrs.id]) n.attrs.id = map[n.attrs.id];
    if (n.local === 'Document' && n.attrs.id && map[n.attrs.id]) n.attrs.id = map[n.attrs.id];
    for (const r of REFERENCES) if (n.attrs[r] && map[n.attrs[r]]) n.attrs[r] = map[n.attrs[r]];
  });
  return map;
}
