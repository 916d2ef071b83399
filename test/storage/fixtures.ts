/** Model builders for the storage contract suites. */
import { randomUUID } from 'node:crypto';
import type { Association, AssociationType, DocumentEntry, Folder, SubmissionSet } from '../../src/metadata/model';
import type { RegistryCommit } from '../../src/registry/ports';

export const uuid = (): string => `urn:uuid:${randomUUID()}`;
let counter = 0;
export const oid = (): string => `1.2.3.4.${process.pid}.${Date.now()}.${++counter}`;

export const PID = 'p1^^^&1.2.840.1&ISO';
export const PID2 = 'p2^^^&1.2.840.1&ISO';

export function docEntry(o: Partial<DocumentEntry> = {}): DocumentEntry {
  return {
    kind: 'DocumentEntry',
    id: uuid(),
    type: 'stable',
    uniqueId: oid(),
    patientId: PID,
    availabilityStatus: 'Approved',
    mimeType: 'text/plain',
    classCode: { code: 'class-a', codingScheme: 'scheme-1' },
    typeCode: { code: 'type-a', codingScheme: 'scheme-1' },
    formatCode: { code: 'format-a', codingScheme: 'scheme-1' },
    practiceSettingCode: { code: 'practice-a', codingScheme: 'scheme-1' },
    healthcareFacilityTypeCode: { code: 'hcf-a', codingScheme: 'scheme-1' },
    confidentialityCodes: [{ code: 'N', codingScheme: '2.16.840.1.113883.5.25' }],
    eventCodes: [],
    authors: [],
    sourcePatientInfo: [],
    referenceIdList: [],
    extraSlots: [],
    limitedMetadata: false,
    ...o,
  };
}

export function subSet(o: Partial<SubmissionSet> = {}): SubmissionSet {
  return {
    kind: 'SubmissionSet',
    id: uuid(),
    uniqueId: oid(),
    sourceId: '1.2.3.99',
    patientId: PID,
    availabilityStatus: 'Approved',
    submissionTime: '20240101120000',
    contentTypeCode: { code: 'content-a', codingScheme: 'scheme-1' },
    authors: [],
    intendedRecipients: [],
    extraSlots: [],
    limitedMetadata: false,
    ...o,
  };
}

export function folder(o: Partial<Folder> = {}): Folder {
  return {
    kind: 'Folder',
    id: uuid(),
    uniqueId: oid(),
    patientId: PID,
    availabilityStatus: 'Approved',
    codeList: [{ code: 'folder-a', codingScheme: 'scheme-1' }],
    lastUpdateTime: '20240101120000',
    extraSlots: [],
    limitedMetadata: false,
    ...o,
  };
}

export function assoc(type: AssociationType, sourceId: string, targetId: string, o: Partial<Association> = {}): Association {
  return { kind: 'Association', id: uuid(), type, sourceId, targetId, availabilityStatus: 'Approved', extraSlots: [], ...o };
}

export function author(person: string) {
  return { person, institutions: [], roles: [], specialties: [], telecom: [] };
}

/** A submission set with its entries and HasMember associations. */
export function submission(entries: readonly (DocumentEntry | Folder)[], o: Partial<RegistryCommit> = {}, ss = subSet()): RegistryCommit {
  const members = entries.map((e) => assoc('HasMember', ss.id, e.id, { submissionSetStatus: 'Original' }));
  return { objects: [ss, ...entries, ...members], statusUpdates: [], folderUpdates: [], preconditions: [], fingerprint: `fp-${ss.uniqueId}`, ...o };
}
