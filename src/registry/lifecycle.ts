/**
 * Document lifecycle rules of a submission against what the registry already holds
 * (ITI TF-3 §4.1.6 document relationships, §4.1.9 folders; ../shared/reference/xds.md "Lifecycle rules").
 *
 * - RPLC / XFRM_RPLC deprecate the original; the deprecation cascades to the original's APND and XFRM
 *   children; the replacement joins every folder the original was in (those folders' lastUpdateTime changes).
 * - RPLC, XFRM, XFRM_RPLC, APND and signs may not target a Deprecated document
 *   (XDSRegistryDeprecatedDocumentError) and must stay within one patient (XDSPatientIdDoesNotMatch).
 * - A Folder HasMember DocumentEntry links one patient; adding to an existing folder updates its lastUpdateTime.
 */
import type { Actor } from '../errors/codes';
import { XdsCode, defaultMetadataCode } from '../errors/codes';
import type { RegistryErrorEntry } from '../errors';
import type { Association, AvailabilityStatus, RegistryObject, Submission } from '../metadata/model';
import type { RegistryCommit } from './ports';

export interface LifecycleLookup {
  /** Existing registry objects referenced by the submission, by entryUUID. */
  readonly existing: ReadonlyMap<string, RegistryObject>;
  /** Approved associations of the given types that point at `targetId`. */
  associationsTo(targetId: string, types: readonly Association['type'][]): Promise<Association[]>;
  /** Registry objects by entryUUID (for objects the submission does not reference itself). */
  objects(ids: readonly string[]): Promise<RegistryObject[]>;
}

export interface LifecyclePlan {
  readonly errors: RegistryErrorEntry[];
  readonly change: Omit<RegistryCommit, 'objects' | 'fingerprint'>;
  /** Associations the registry adds itself (replacements joining the original's folders). */
  readonly addedAssociations: Association[];
}

const REPLACING = new Set<Association['type']>(['RPLC', 'XFRM_RPLC']);
const RELATING = new Set<Association['type']>(['RPLC', 'XFRM_RPLC', 'APND', 'XFRM', 'signs']);

export async function planLifecycle(
  s: Submission,
  lookup: LifecycleLookup,
  o: { readonly actor: Actor; readonly now: string; readonly newUuid: () => string },
): Promise<LifecyclePlan> {
  const local = new Map<string, RegistryObject>();
  for (const x of [...s.submissionSets, ...s.documentEntries, ...s.folders, ...s.associations]) local.set(x.id, x);
  const resolve = (id: string) => local.get(id) ?? lookup.existing.get(id);
  const meta = defaultMetadataCode(o.actor);
  const errors: RegistryErrorEntry[] = [];
  const err = (errorCode: string, codeContext: string) => errors.push({ errorCode, codeContext, severity: 'Error' });

  const statusUpdates = new Map<string, AvailabilityStatus>();
  const preconditions = new Map<string, AvailabilityStatus>();
  const folderUpdates = new Set<string>();
  const addedAssociations: Association[] = [];
  const replaced = new Set<string>();

  for (const a of s.associations) {
    const source = resolve(a.sourceId);
    const target = resolve(a.targetId);
    const where = `Association ${a.id} (${a.type})`;
    if (!source) err(meta, `${where}: sourceObject ${a.sourceId} is neither in the submission nor in the registry`);
    if (!target) err(meta, `${where}: targetObject ${a.targetId} is neither in the submission nor in the registry`);
    if (!source || !target) continue;
    if (a.sourceId === a.targetId) {
      err(meta, `${where}: sourceObject and targetObject are the same object ${a.sourceId}`);
      continue;
    }
    if (a.type === 'HasMember') {
      checkHasMember(a, source, target, local, where, meta, err, folderUpdates);
      continue;
    }
    if (!RELATING.has(a.type)) continue;
    if (source.kind !== 'DocumentEntry' || target.kind !== 'DocumentEntry') {
      err(meta, `${where}: ${a.type} must link two DocumentEntries, found ${source.kind} → ${target.kind}`);
      continue;
    }
    if (!local.has(source.id)) err(meta, `${where}: sourceObject ${source.id} must be a DocumentEntry of this submission`);
    if (target.availabilityStatus === 'Deprecated') {
      err(XdsCode.RegistryDeprecatedDocumentError, `${where}: target DocumentEntry ${target.id} (uniqueId ${target.uniqueId}) is Deprecated`);
      continue;
    }
    if (source.patientId !== target.patientId) {
      err(XdsCode.PatientIdDoesNotMatch, `${where}: DocumentEntry ${source.id} patientId ${source.patientId} differs from target ${target.id} patientId ${target.patientId}`);
      continue;
    }
    if (!REPLACING.has(a.type) || !lookup.existing.has(target.id)) continue;
    if (replaced.has(target.id)) {
      err(meta, `${where}: DocumentEntry ${target.id} is replaced twice in one submission`);
      continue;
    }
    replaced.add(target.id);
    preconditions.set(target.id, 'Approved');
    statusUpdates.set(target.id, 'Deprecated');
    for (const child of await lookup.associationsTo(target.id, ['APND', 'XFRM'])) statusUpdates.set(child.sourceId, 'Deprecated');
    const memberships = await lookup.associationsTo(target.id, ['HasMember']);
    const containers = await lookup.objects(memberships.map((m) => m.sourceId).filter((id) => !resolve(id)));
    const containerOf = (id: string) => resolve(id) ?? containers.find((c) => c.id === id);
    for (const membership of memberships) {
      const folder = containerOf(membership.sourceId);
      if (folder?.kind !== 'Folder') continue;
      addedAssociations.push({
        kind: 'Association',
        id: o.newUuid(),
        type: 'HasMember',
        sourceId: folder.id,
        targetId: source.id,
        availabilityStatus: 'Approved',
        extraSlots: [],
      });
      folderUpdates.add(folder.id);
    }
  }

  return {
    errors,
    addedAssociations,
    change: {
      statusUpdates: [...statusUpdates].map(([id, status]) => ({ id, status })),
      preconditions: [...preconditions].map(([id, status]) => ({ id, status })),
      folderUpdates: [...folderUpdates].filter((id) => !local.has(id)).map((id) => ({ id, lastUpdateTime: o.now })),
    },
  };
}

function checkHasMember(
  a: Association,
  source: RegistryObject,
  target: RegistryObject,
  local: ReadonlyMap<string, RegistryObject>,
  where: string,
  meta: string,
  err: (code: string, context: string) => void,
  folderUpdates: Set<string>,
): void {
  if (a.documentation) err(meta, `${where}: documentation classification is only allowed on RPLC, XFRM, XFRM_RPLC and APND`);
  if (source.kind === 'SubmissionSet') {
    if (!local.has(source.id)) err(meta, `${where}: SubmissionSet ${source.id} is not the SubmissionSet of this submission`);
    if (target.kind === 'DocumentEntry' && !local.has(target.id)) samePatient(source, target, where, err);
    return;
  }
  if (source.kind === 'Folder') {
    if (target.kind !== 'DocumentEntry') {
      err(meta, `${where}: a Folder may only contain DocumentEntries, found ${target.kind} ${target.id}`);
      return;
    }
    if (source.availabilityStatus === 'Deprecated' && !local.has(source.id)) {
      err(meta, `${where}: Folder ${source.id} is Deprecated`);
      return;
    }
    samePatient(source, target, where, err);
    folderUpdates.add(source.id);
    return;
  }
  err(meta, `${where}: HasMember must start at a SubmissionSet or a Folder, found ${source.kind} ${source.id}`);
}

const patientOf = (o: RegistryObject): string | undefined => (o.kind === 'Association' ? undefined : o.patientId);

function samePatient(a: RegistryObject, b: RegistryObject, where: string, err: (code: string, context: string) => void): void {
  const pa = patientOf(a);
  const pb = patientOf(b);
  if (pa !== undefined && pb !== undefined && pa !== pb) {
    err(XdsCode.PatientIdDoesNotMatch, `${where}: ${a.kind} ${a.id} patientId ${pa} differs from ${b.kind} ${b.id} patientId ${pb}`);
  }
}
