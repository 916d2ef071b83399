/**
 * What IHE defines on each object type (ITI TF-3 §4.2.3.2–§4.2.3.4, §4.2.2): slots with their cardinality,
 * coded classifications and external identifiers. One table per kind, shared by the reader (what is IHE and
 * what goes to extraSlots) and the writer (which slot carries which field).
 */
import {
  AssociationDocumentationScheme,
  DocumentEntryScheme as De,
  FolderScheme as Fd,
  SubmissionSetScheme as Ss,
} from './vocabulary';
import { ReferenceIdListSlot } from './vocabulary';

/** 'uri' is the DocumentEntry URI slot: one value, or several `n|part` values when longer than 256 (§4.2.3.2.24). */
export type Cardinality = 'single' | 'multi' | 'uri';

/** How a classification scheme maps onto the model: one Code, a list of Codes, or an Author. */
export type ClassificationShape = 'code' | 'codes' | 'author';

export interface KindSpec {
  readonly kind: 'DocumentEntry' | 'SubmissionSet' | 'Folder' | 'Association';
  readonly slots: Readonly<Record<string, Cardinality>>;
  /** classificationScheme → model field and shape. */
  readonly classifications: Readonly<Record<string, { readonly field: string; readonly shape: ClassificationShape }>>;
  /** limitedMetadata classification (classificationNode per §4.2.3.2.29; a classificationScheme is accepted on read). */
  readonly limitedMetadata?: string;
  /** identificationScheme → model field. */
  readonly externalIds: Readonly<Record<string, string>>;
  readonly uniqueIdScheme?: string;
}

export const DocumentEntrySpec: KindSpec = {
  kind: 'DocumentEntry',
  slots: {
    creationTime: 'single',
    serviceStartTime: 'single',
    serviceStopTime: 'single',
    hash: 'single',
    size: 'single',
    languageCode: 'single',
    legalAuthenticator: 'single',
    sourcePatientId: 'single',
    sourcePatientInfo: 'multi',
    URI: 'uri',
    repositoryUniqueId: 'single',
    documentAvailability: 'single',
    [ReferenceIdListSlot]: 'multi',
  },
  classifications: {
    [De.author]: { field: 'authors', shape: 'author' },
    [De.classCode]: { field: 'classCode', shape: 'code' },
    [De.confidentialityCode]: { field: 'confidentialityCodes', shape: 'codes' },
    [De.eventCodeList]: { field: 'eventCodes', shape: 'codes' },
    [De.formatCode]: { field: 'formatCode', shape: 'code' },
    [De.healthcareFacilityTypeCode]: { field: 'healthcareFacilityTypeCode', shape: 'code' },
    [De.practiceSettingCode]: { field: 'practiceSettingCode', shape: 'code' },
    [De.typeCode]: { field: 'typeCode', shape: 'code' },
  },
  limitedMetadata: De.limitedMetadata,
  externalIds: { [De.patientId]: 'patientId', [De.uniqueId]: 'uniqueId' },
  uniqueIdScheme: De.uniqueId,
};

export const SubmissionSetSpec: KindSpec = {
  kind: 'SubmissionSet',
  slots: { submissionTime: 'single', intendedRecipient: 'multi' },
  classifications: {
    [Ss.author]: { field: 'authors', shape: 'author' },
    [Ss.contentTypeCode]: { field: 'contentTypeCode', shape: 'code' },
  },
  limitedMetadata: Ss.limitedMetadata,
  externalIds: { [Ss.patientId]: 'patientId', [Ss.uniqueId]: 'uniqueId', [Ss.sourceId]: 'sourceId' },
  uniqueIdScheme: Ss.uniqueId,
};

export const FolderSpec: KindSpec = {
  kind: 'Folder',
  slots: { lastUpdateTime: 'single' },
  classifications: { [Fd.codeList]: { field: 'codeList', shape: 'codes' } },
  limitedMetadata: Fd.limitedMetadata,
  externalIds: { [Fd.patientId]: 'patientId', [Fd.uniqueId]: 'uniqueId' },
  uniqueIdScheme: Fd.uniqueId,
};

/** OriginalStatus/NewStatus (ITI-57) have no model field yet: they ride in extraSlots, in order. */
export const AssociationSpec: KindSpec = {
  kind: 'Association',
  slots: { SubmissionSetStatus: 'single', PreviousVersion: 'single', AssociationPropagation: 'single' },
  classifications: { [AssociationDocumentationScheme]: { field: 'documentation', shape: 'code' } },
  externalIds: {},
};

/** Author classification slots (ITI TF-3 §4.2.3.1.4): authorPerson is single-valued, the rest repeat. */
export const AuthorSlots = {
  person: 'authorPerson',
  institution: 'authorInstitution',
  role: 'authorRole',
  specialty: 'authorSpecialty',
  telecom: 'authorTelecommunication',
} as const;

export const CodingSchemeSlot = 'codingScheme';

/** ebRIM Value is a LongName (≤ 256 chars); longer URIs are split as `1|…`, `2|…` (ITI TF-3 §4.2.3.2.24). */
export const MAX_VALUE_LENGTH = 256;
