/**
 * Registers one validated-on-the-wire submission, all or nothing (ITI TF-2b §3.42.4.1.3).
 * Used by ITI-42 and, in process, by the repository's ITI-41.
 *
 * Order: metadata rules → replay check → patient check → uniqueness against the registry → lifecycle →
 * one atomic commit. Every error found in a phase is reported, not only the first.
 *
 * Replays: a submission whose SubmissionSet uniqueId is already registered with the same content
 * fingerprint answers Success again and changes nothing (clients retry after timeouts); different
 * content under that uniqueId is XDSDuplicateUniqueIdInRegistry.
 */
import { createHash } from 'node:crypto';
import { ConflictError, XdsError, type RegistryErrorEntry } from '../errors';
import { XdsCode, defaultMetadataCode, type Actor } from '../errors/codes';
import type { AffinityDomain } from '../metadata/affinity-domain';
import type { DocumentEntry, RegistryObject, Submission } from '../metadata/model';
import { validateSubmission } from '../metadata/validate-submission';
import { parseCx } from '../metadata/hl7-types';
import type { PatientIndex } from '../patient-identity/ports';
import type { DocumentRow, RegistryStore } from './ports';
import { assignEntryUuids } from './assign-entry-uuids';
import { planLifecycle } from './lifecycle';
import { dtmNow } from './dtm-now';

export interface RegisterDeps {
  readonly registry: RegistryStore;
  readonly patients: PatientIndex;
  readonly affinity: AffinityDomain;
  readonly patientIdCheck: 'on' | 'off';
  readonly now: () => Date;
  readonly newUuid: () => string;
  /** Per-source policy (translate-patient-ids.ts): local patient ids → enterprise ids, after the metadata rules. */
  readonly translatePatientIds?: (s: Submission) => Promise<Submission>;
}

export interface RegisterOptions {
  readonly transaction: 'ITI-41' | 'ITI-42';
  readonly actor: Actor;
  /** Errors already found while reading the wire format; reported together with the rule errors. */
  readonly wireErrors?: readonly RegistryErrorEntry[];
  /**
   * The in-process repository's document rows (ITI-41), committed with the metadata (RegistryCommit.documents).
   * A replay commits them too: the same rows again change nothing, and missing ones are added.
   */
  readonly documents?: readonly DocumentRow[];
}

/** Returns the warnings to report inside a Success; throws XdsError with every error otherwise. */
export async function registerSubmission(
  input: Submission,
  deps: RegisterDeps,
  o: RegisterOptions,
): Promise<RegistryErrorEntry[]> {
  const findings = [...(o.wireErrors ?? []), ...validateSubmission(input, { transaction: o.transaction, actor: o.actor, affinity: deps.affinity })];
  failOnErrors(findings);
  const warnings = findings;

  const ss = input.submissionSets[0];
  const fingerprint = fingerprintOf(input);
  if (ss?.uniqueId && (await isReplay(deps.registry, ss.uniqueId, fingerprint))) {
    await durable(deps.registry, o.documents);
    return warnings;
  }

  // After the rules and the replay check (the fingerprint stays the one of what the source sent).
  const translated = deps.translatePatientIds ? await deps.translatePatientIds(input) : input;
  failOnErrors(await checkPatient(translated.submissionSets[0]?.patientId, deps));

  const { submission, assigned } = assignEntryUuids(translated, deps.newUuid);
  const now = dtmNow(deps.now());
  const existing = await loadReferenced(submission, deps.registry);
  failOnErrors(await checkAgainstRegistry(submission, new Set(assigned.values()), deps.registry, o.actor));

  const plan = await planLifecycle(
    submission,
    {
      existing,
      associationsTo: (targetId, types) =>
        deps.registry.findAssociations({ targetIds: [targetId], types, statuses: ['Approved'] }, { limit: 10_000 }),
      objects: async (ids) => (ids.length ? deps.registry.getByIds(ids) : []),
    },
    { actor: o.actor, now, newUuid: deps.newUuid },
  );
  failOnErrors(plan.errors);

  const objects: RegistryObject[] = [
    ...submission.submissionSets.map((x) => ({ ...x, availabilityStatus: 'Approved' as const })),
    ...submission.documentEntries.map((x) => ({ ...x, availabilityStatus: 'Approved' as const })),
    // The registry owns lastUpdateTime: set on creation, whatever was submitted (ITI TF-3 §4.2.3.4.6).
    ...submission.folders.map((x) => ({ ...x, availabilityStatus: 'Approved' as const, lastUpdateTime: now })),
    ...[...submission.associations, ...plan.addedAssociations].map((x) => ({ ...x, availabilityStatus: 'Approved' as const })),
  ];
  try {
    await deps.registry.commit({ objects, fingerprint, ...plan.change, documents: o.documents });
  } catch (e) {
    const outcome = await explainConflict(e, submission, fingerprint, deps.registry, o.actor);
    if (outcome !== 'replay') throw outcome;
    await durable(deps.registry, o.documents);
  }
  return warnings;
}

/**
 * Waits until everything committed so far is durable. A replay may see the original while its group
 * commit's fsync is still running (group-commit.ts); its Success must not be sent before the original is
 * durable. A commit that changes nothing settles only after an fsync that covers every earlier commit.
 * A replayed ITI-41's document rows go in it (stored ones are kept as they are).
 */
const durable = (store: RegistryStore, documents?: readonly DocumentRow[]): Promise<void> =>
  store.commit({ objects: [], statusUpdates: [], folderUpdates: [], preconditions: [], fingerprint: '', documents });

function failOnErrors(entries: readonly RegistryErrorEntry[]): void {
  if (entries.some((e) => e.severity === 'Error')) throw new XdsError(entries);
}

/** Content fingerprint: the submission as read, before the registry assigned anything. */
export function fingerprintOf(s: Submission): string {
  return createHash('sha256').update(JSON.stringify(s)).digest('hex');
}

async function isReplay(store: RegistryStore, ssUniqueId: string, fingerprint: string): Promise<boolean> {
  const stored = await store.getSubmissionFingerprint(ssUniqueId);
  if (stored === undefined) return false;
  if (stored === fingerprint) return true;
  throw XdsError.of(
    XdsCode.DuplicateUniqueIdInRegistry,
    `SubmissionSet uniqueId ${ssUniqueId} is already registered with different content`,
  );
}

async function checkPatient(patientId: string | undefined, deps: RegisterDeps): Promise<RegistryErrorEntry[]> {
  if (deps.patientIdCheck === 'off' || patientId === undefined) return [];
  const key = parseCx(patientId);
  if (!key) return []; // a malformed CX was already reported by the metadata rules
  const status = await deps.patients.status(key);
  if (status.state === 'active') return [];
  const why =
    status.state === 'merged'
      ? `patientId ${patientId} was merged into ${status.survivor.id}^^^&${status.survivor.authority}&ISO`
      : `patientId ${patientId} is not known to the patient identity index`;
  return [{ errorCode: XdsCode.UnknownPatientId, codeContext: why, severity: 'Error' }];
}

async function loadReferenced(s: Submission, store: RegistryStore): Promise<Map<string, RegistryObject>> {
  const inMessage = new Set([...s.submissionSets, ...s.documentEntries, ...s.folders, ...s.associations].map((x) => x.id));
  const wanted = new Set<string>();
  for (const a of s.associations) for (const id of [a.sourceId, a.targetId]) if (!inMessage.has(id)) wanted.add(id);
  const found = wanted.size ? await store.getByIds([...wanted]) : [];
  return new Map(found.map((x) => [x.id, x]));
}

/** Registry-state rules: pre-assigned entryUUIDs, SS/Folder uniqueIds, DocumentEntry hash/size identity. */
async function checkAgainstRegistry(
  s: Submission,
  freshIds: ReadonlySet<string>,
  store: RegistryStore,
  actor: Actor,
): Promise<RegistryErrorEntry[]> {
  const errors: RegistryErrorEntry[] = [];
  const err = (errorCode: string, codeContext: string) => errors.push({ errorCode, codeContext, severity: 'Error' });
  // Every object of the submission is new: a pre-assigned entryUUID already in the registry is a reuse (NIST
  // 15806). The ones just assigned (random v4 UUIDs) are not looked up (a B1 query saved); the primary key
  // would still refuse one at commit, reported with the same code by explainConflict.
  const preassigned = [...s.submissionSets, ...s.documentEntries, ...s.folders, ...s.associations].filter((x) => !freshIds.has(x.id));
  const taken = preassigned.length ? await store.getByIds(preassigned.map((x) => x.id)) : [];
  for (const t of taken) err(defaultMetadataCode(actor), `${t.kind} ${t.id}: entryUUID is already registered`);

  const packages = [...s.submissionSets, ...s.folders].filter((x) => x.uniqueId);
  const uniqueIdsOf = (xs: readonly { uniqueId?: string }[]) => xs.flatMap((x) => (x.uniqueId ? [x.uniqueId] : []));
  const ssUids = uniqueIdsOf(s.submissionSets);
  const folderUids = uniqueIdsOf(s.folders);
  const [sets, folders] = await Promise.all([
    ssUids.length ? store.findSubmissionSets({ uniqueIds: ssUids }, { limit: 100 }) : [],
    folderUids.length ? store.findFolders({ uniqueIds: folderUids }, { limit: 100 }) : [],
  ]);
  const usedPackageIds = new Set([...sets, ...folders].map((x) => x.uniqueId));
  for (const p of packages) {
    if (usedPackageIds.has(p.uniqueId)) err(XdsCode.DuplicateUniqueIdInRegistry, `${p.kind} ${p.id}: uniqueId ${p.uniqueId} is already registered`);
  }

  const uids = uniqueIdsOf(s.documentEntries);
  const registered = uids.length ? await store.findDocumentEntries({ uniqueIds: uids }, { limit: 10_000 }) : [];
  for (const d of s.documentEntries) {
    const twin = registered.find((r) => r.uniqueId === d.uniqueId);
    if (twin) errors.push(...compareTwin(d, twin));
  }
  return errors;
}

/** Sizes are decimal text and may carry leading zeros ("061224"): compare the numbers. */
const sameSize = (a?: string, b?: string): boolean =>
  a !== undefined && b !== undefined && /^\d+$/.test(a) && /^\d+$/.test(b) ? BigInt(a) === BigInt(b) : a === b;

/**
 * The same document registered again (ITI TF-2b §3.42.4.1.3.4; NIST 12004): accepted when hash and size
 * are identical, otherwise XDSNonIdenticalHash / XDSNonIdenticalSize.
 */
function compareTwin(d: DocumentEntry, twin: DocumentEntry): RegistryErrorEntry[] {
  const where = `DocumentEntry ${d.id} (uniqueId ${d.uniqueId})`;
  if (d.hash?.toLowerCase() !== twin.hash?.toLowerCase()) {
    return [{ errorCode: XdsCode.NonIdenticalHash, codeContext: `${where}: hash ${d.hash} differs from the registered ${twin.hash}`, severity: 'Error' }];
  }
  if (!sameSize(d.size, twin.size)) {
    return [{ errorCode: XdsCode.NonIdenticalSize, codeContext: `${where}: size ${d.size} differs from the registered ${twin.size}`, severity: 'Error' }];
  }
  return [];
}

/**
 * A concurrent submission won a race the checks above could not see: say what it took, or 'replay'
 * when it was this very submission (identical content), which is then a Success.
 */
async function explainConflict(
  e: unknown,
  s: Submission,
  fingerprint: string,
  store: RegistryStore,
  actor: Actor,
): Promise<unknown> {
  if (!(e instanceof ConflictError)) return e;
  const ss = s.submissionSets[0];
  if (e.kind === 'uniqueId' && ss?.uniqueId === e.key) {
    if ((await store.getSubmissionFingerprint(e.key)) === fingerprint) return 'replay';
    return XdsError.of(XdsCode.DuplicateUniqueIdInRegistry, `SubmissionSet uniqueId ${e.key} is already registered`);
  }
  if (e.kind === 'uniqueId') {
    const doc = s.documentEntries.find((d) => d.uniqueId === e.key);
    if (doc) return XdsError.of(XdsCode.NonIdenticalHash, `DocumentEntry ${doc.id} (uniqueId ${e.key}): registered concurrently with different content`);
    return XdsError.of(XdsCode.DuplicateUniqueIdInRegistry, `uniqueId ${e.key} is already registered`);
  }
  if (e.kind === 'precondition') {
    return XdsError.of(XdsCode.RegistryDeprecatedDocumentError, `DocumentEntry ${e.key} was deprecated by a concurrent submission`);
  }
  return XdsError.of(defaultMetadataCode(actor), `entryUUID ${e.key} is already registered`);
}
