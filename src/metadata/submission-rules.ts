/**
 * Rules over the whole message rather than one object (ITI TF-3 §4.2.2 and §3.42.4.1.3.x): one
 * SubmissionSet, one patient, every new object reachable from the SubmissionSet, references that
 * resolve, and uniqueIds not repeated inside the message.
 */
import { XdsCode, defaultMetadataCode, type Actor, type RegistryErrorEntry } from '../errors';
import { checkUuidUrn, parseCx } from './hl7-types';
import type { Association, RegistryObject, Submission } from './model';
import { objectLabel } from './object-label';
import { quote } from './rules/rule';

const error = (errorCode: string, o: RegistryObject | undefined, text: string): RegistryErrorEntry => ({
  errorCode,
  codeContext: o === undefined ? text : `${objectLabel(o)}: ${text}`,
  severity: 'Error',
  ...(o === undefined ? {} : { location: o.id }),
});

const allObjects = (s: Submission): readonly RegistryObject[] => [
  ...s.submissionSets,
  ...s.documentEntries,
  ...s.folders,
  ...s.associations,
];

/** TF-3 §4.2.1.1: a submission carries exactly one SubmissionSet. */
export function checkSubmissionSetCount(s: Submission, actor: Actor): RegistryErrorEntry[] {
  const n = s.submissionSets.length;
  if (n === 1) return [];
  const ids = s.submissionSets.map((ss) => ss.id).join(', ');
  return [error(defaultMetadataCode(actor), undefined, `submission has ${n} SubmissionSets${n > 1 ? ` (${ids})` : ''}; exactly one is required`)];
}

/** Two CX values name the same patient: same id and assigning authority (raw compare when unparsable). */
function samePatient(a: string, b: string): boolean {
  const pa = parseCx(a);
  const pb = parseCx(b);
  if (pa === undefined || pb === undefined) return a === b;
  return pa.id === pb.id && pa.authority === pb.authority;
}

/** TF-3 §4.2.2.1: SubmissionSet, DocumentEntries and Folders of one submission share one patientId. */
export function checkSinglePatient(s: Submission): RegistryErrorEntry[] {
  const objects = [...s.submissionSets, ...s.documentEntries, ...s.folders];
  const ref = objects.find((o) => o.patientId !== undefined && o.patientId !== '');
  if (ref === undefined) return [];
  const out: RegistryErrorEntry[] = [];
  for (const o of objects) {
    if (o === ref || o.patientId === undefined || o.patientId === '') continue;
    if (!samePatient(o.patientId, ref.patientId!)) {
      const text = `patientId ${quote(o.patientId)} does not match ${ref.kind} ${ref.id} patientId ${quote(ref.patientId!)}`;
      out.push(error(XdsCode.PatientIdDoesNotMatch, o, text));
    }
  }
  return out;
}

const isHasMember = (a: Association): boolean => a.type === 'HasMember';

/**
 * TF-3 §4.2.2.1.1-3: every DocumentEntry and Folder of the message is a member of the SubmissionSet;
 * a DocumentEntry may instead be reached through a Folder HasMember that is itself a member.
 */
export function checkMembership(s: Submission, actor: Actor): RegistryErrorEntry[] {
  const ssIds = new Set(s.submissionSets.map((ss) => ss.id));
  const folderIds = new Set(s.folders.map((f) => f.id));
  const ssMembers = new Set(s.associations.filter((a) => isHasMember(a) && ssIds.has(a.sourceId)).map((a) => a.targetId));
  const viaFolder = new Set(
    s.associations
      .filter((a) => isHasMember(a) && ssMembers.has(a.id) && (folderIds.has(a.sourceId) || a.sourceId.startsWith('urn:uuid:')))
      .map((a) => a.targetId),
  );
  const out: RegistryErrorEntry[] = [];
  for (const d of s.documentEntries) {
    if (!ssMembers.has(d.id) && !viaFolder.has(d.id)) {
      out.push(error(defaultMetadataCode(actor), d, 'is not the target of a HasMember association from the SubmissionSet'));
    }
  }
  for (const f of s.folders) {
    if (!ssMembers.has(f.id)) {
      out.push(error(defaultMetadataCode(actor), f, 'is not the target of a HasMember association from the SubmissionSet'));
    }
  }
  return out;
}

/**
 * Association ends not in the message. A `urn:uuid:` id may name a registered object (the Registry
 * checks that later); anything else is a symbolic id that names nothing and is reported here.
 */
export function externalReferences(s: Submission): string[] {
  const ids = new Set(allObjects(s).map((o) => o.id));
  const out = new Set<string>();
  for (const a of s.associations) {
    for (const end of [a.sourceId, a.targetId]) {
      if (end !== undefined && end !== '' && !ids.has(end) && checkUuidUrn(end) === undefined) out.add(end);
    }
  }
  return [...out];
}

export function checkUnresolvedReferences(s: Submission, actor: Actor): RegistryErrorEntry[] {
  const ids = new Set(allObjects(s).map((o) => o.id));
  const out: RegistryErrorEntry[] = [];
  for (const a of s.associations) {
    for (const [field, end] of [['sourceObject', a.sourceId], ['targetObject', a.targetId]] as const) {
      if (end === undefined || end === '' || ids.has(end) || checkUuidUrn(end) === undefined) continue;
      out.push(error(defaultMetadataCode(actor), a, `${field} ${quote(end)} is neither an object of this submission nor a urn:uuid: reference`));
    }
  }
  return out;
}

/** TF-3 Table 4.2.4.1-2: a uniqueId used twice in one message; the code depends on the answering actor. */
export function checkDuplicateUniqueIds(s: Submission, actor: Actor): RegistryErrorEntry[] {
  const code = actor === 'repository' ? XdsCode.RepositoryDuplicateUniqueIdInMessage : XdsCode.RegistryDuplicateUniqueIdInMessage;
  const firstBy = new Map<string, RegistryObject>();
  const out: RegistryErrorEntry[] = [];
  for (const o of [...s.submissionSets, ...s.documentEntries, ...s.folders]) {
    if (o.uniqueId === undefined || o.uniqueId === '') continue;
    const first = firstBy.get(o.uniqueId);
    if (first === undefined) firstBy.set(o.uniqueId, o);
    else out.push(error(code, o, `uniqueId ${quote(o.uniqueId)} is also used by ${first.kind} ${first.id}`));
  }
  return out;
}

/** Two objects with the same id would make every reference to that id ambiguous (ebRIM §2.5.1). */
export function checkDuplicateIds(s: Submission, actor: Actor): RegistryErrorEntry[] {
  const seen = new Set<string>();
  const out: RegistryErrorEntry[] = [];
  for (const o of allObjects(s)) {
    if (seen.has(o.id)) out.push(error(defaultMetadataCode(actor), o, `id ${quote(o.id)} is used by more than one object`));
    seen.add(o.id);
  }
  return out;
}
