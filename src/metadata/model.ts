/**
 * The XDS metadata model (ITI TF-3 §4.2.3), kept apart from the ebRIM wire form.
 * Pure data: no I/O, no XML. HL7 values (CX, XCN, XON, DTM) stay strings exactly as received;
 * `metadata/hl7-types.ts` parses and checks them where a rule needs to.
 *
 * Identifiers: `id` is the entryUUID (`urn:uuid:…`) once the registry has assigned it; before that it
 * may be a symbolic id from the submission.
 */

export type AvailabilityStatus = 'Approved' | 'Deprecated' | 'Submitted';

export const AssociationTypes = [
  'HasMember',
  'APND',
  'RPLC',
  'XFRM',
  'XFRM_RPLC',
  'signs',
  'IsSnapshotOf',
  'UpdateAvailabilityStatus',
  'SubmitAssociation',
] as const;
export type AssociationType = (typeof AssociationTypes)[number];

export interface LocalizedString {
  readonly value: string;
  readonly lang?: string;
  readonly charset?: string;
}

/** A coded value: classification nodeRepresentation + codingScheme slot + Name. */
export interface Code {
  readonly code: string;
  readonly codingScheme: string;
  readonly displayName?: LocalizedString;
}

/** Any slot that IHE does not define for the object: stored and returned as received. */
export interface Slot {
  readonly name: string;
  readonly type?: string;
  readonly values: readonly string[];
}

/** One author classification (ITI TF-3 §4.2.3.1.4). Values are raw HL7 strings. */
export interface Author {
  readonly person?: string; // XCN
  readonly institutions: readonly string[]; // XON
  readonly roles: readonly string[];
  readonly specialties: readonly string[];
  readonly telecom: readonly string[]; // XTN
}

export interface VersionInfo {
  readonly versionName?: string;
  readonly comment?: string;
}

interface RegistryEntry {
  readonly id: string;
  readonly lid?: string;
  readonly home?: string; // homeCommunityId
  readonly availabilityStatus?: AvailabilityStatus;
  readonly title?: LocalizedString;
  readonly comments?: LocalizedString;
  readonly version?: VersionInfo;
  readonly extraSlots: readonly Slot[];
  readonly limitedMetadata: boolean;
}

export type DocumentEntryType = 'stable' | 'on-demand';

export interface DocumentEntry extends RegistryEntry {
  readonly kind: 'DocumentEntry';
  readonly type: DocumentEntryType;
  readonly uniqueId?: string;
  readonly patientId?: string; // CX
  readonly mimeType?: string;
  readonly classCode?: Code;
  readonly typeCode?: Code;
  readonly formatCode?: Code;
  readonly healthcareFacilityTypeCode?: Code;
  readonly practiceSettingCode?: Code;
  readonly confidentialityCodes: readonly Code[];
  readonly eventCodes: readonly Code[];
  readonly authors: readonly Author[];
  readonly creationTime?: string; // DTM
  readonly serviceStartTime?: string;
  readonly serviceStopTime?: string;
  readonly hash?: string; // SHA-1, 40 hex
  readonly size?: string; // decimal, kept as text
  readonly languageCode?: string;
  readonly legalAuthenticator?: string; // XCN
  readonly sourcePatientId?: string; // CX
  readonly sourcePatientInfo: readonly string[]; // PID-x lines
  readonly uri?: string;
  readonly repositoryUniqueId?: string;
  readonly documentAvailability?: string;
  readonly referenceIdList: readonly string[]; // CXi
}

export interface SubmissionSet extends RegistryEntry {
  readonly kind: 'SubmissionSet';
  readonly uniqueId?: string;
  readonly sourceId?: string;
  readonly patientId?: string;
  readonly submissionTime?: string;
  readonly contentTypeCode?: Code;
  readonly authors: readonly Author[];
  readonly intendedRecipients: readonly string[];
}

export interface Folder extends RegistryEntry {
  readonly kind: 'Folder';
  readonly uniqueId?: string;
  readonly patientId?: string;
  readonly codeList: readonly Code[];
  readonly lastUpdateTime?: string; // set by the registry
}

export interface Association {
  readonly kind: 'Association';
  readonly id: string;
  readonly home?: string;
  readonly type: AssociationType;
  readonly sourceId: string;
  readonly targetId: string;
  readonly availabilityStatus?: AvailabilityStatus;
  /** SubmissionSetStatus slot on SS-HasMember-DocumentEntry: Original or Reference. */
  readonly submissionSetStatus?: string;
  readonly previousVersion?: string;
  readonly associationPropagation?: string;
  readonly documentation?: Code; // RPLC documentation classification
  readonly extraSlots: readonly Slot[];
}

export type RegistryObject = DocumentEntry | SubmissionSet | Folder | Association;
export type RegistryObjectKind = RegistryObject['kind'];

/** What one ITI-41/42 message carries, in document order, before registry processing. */
export interface Submission {
  readonly submissionSets: readonly SubmissionSet[];
  readonly documentEntries: readonly DocumentEntry[];
  readonly folders: readonly Folder[];
  readonly associations: readonly Association[];
}

export const emptySubmission = (): Submission => ({
  submissionSets: [],
  documentEntries: [],
  folders: [],
  associations: [],
});
