/**
 * Every ebXML RegRep / XDS.b URN and UUID used on the wire, spelled once (ITI TF-3 §4.2.5, and
 * ../shared/reference/xds.md). Import from here; never repeat a literal elsewhere.
 */
import { SOAP12_NS, WSA_NS, XOP_NS } from '../soap/namespaces';

export const NS = {
  soap12: SOAP12_NS,
  wsa: WSA_NS,
  xop: XOP_NS,
  rim: 'urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0',
  rs: 'urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0',
  lcm: 'urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0',
  query: 'urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0',
  xdsb: 'urn:ihe:iti:xds-b:2007',
  rim21: 'urn:oasis:names:tc:ebxml-regrep:rim:xsd:2.1',
  rs21: 'urn:oasis:names:tc:ebxml-regrep:registry:xsd:2.1',
} as const;

export const ObjectType = {
  stableDocumentEntry: 'urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1',
  onDemandDocumentEntry: 'urn:uuid:34268e47-fdf5-41a6-ba33-82133c465248',
  registryPackage: 'urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage',
  association: 'urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Association',
  classification: 'urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification',
  externalIdentifier: 'urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:ExternalIdentifier',
} as const;

/** Classification nodes that mark a RegistryPackage as SubmissionSet or Folder. */
export const ClassificationNode = {
  submissionSet: 'urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd',
  folder: 'urn:uuid:d9d542f3-6cc4-48b6-8870-ea235fbc94c2',
} as const;

export const DocumentEntryScheme = {
  author: 'urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d',
  classCode: 'urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a',
  confidentialityCode: 'urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f',
  eventCodeList: 'urn:uuid:2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4',
  formatCode: 'urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d',
  healthcareFacilityTypeCode: 'urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1',
  practiceSettingCode: 'urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead',
  typeCode: 'urn:uuid:f0306f51-975f-434e-a61c-c59651d33983',
  limitedMetadata: 'urn:uuid:ab9b591b-83ab-4d03-8f5d-f93b1fb92e85',
  patientId: 'urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427',
  uniqueId: 'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab',
} as const;

export const SubmissionSetScheme = {
  author: 'urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d',
  contentTypeCode: 'urn:uuid:aa543740-bdda-424e-8c96-df4873be8500',
  limitedMetadata: 'urn:uuid:5003a9db-8d8d-49e6-bf0c-990e34ac7707',
  patientId: 'urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446',
  uniqueId: 'urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8',
  sourceId: 'urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832',
} as const;

export const FolderScheme = {
  codeList: 'urn:uuid:1ba97051-7806-41a8-a48b-8fce7af683c5',
  limitedMetadata: 'urn:uuid:2c144a76-29a9-4b7c-af54-b25409fe7d03',
  patientId: 'urn:uuid:f64ffdf0-4b97-4e06-b79f-a52b38ec2f8a',
  uniqueId: 'urn:uuid:75df8f67-9973-4fbe-a900-df66cefecc5a',
} as const;

export const AssociationDocumentationScheme = 'urn:uuid:abd807a3-4432-4053-87b4-fd82c643d1f3';

export const StatusPrefix = 'urn:oasis:names:tc:ebxml-regrep:StatusType:';
export const AssociationTypePrefix = {
  HasMember: 'urn:oasis:names:tc:ebxml-regrep:AssociationType:',
  ihe2007: 'urn:ihe:iti:2007:AssociationType:',
  ihe2010: 'urn:ihe:iti:2010:AssociationType:',
} as const;

export const ResponseStatus = {
  Success: 'urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success',
  Failure: 'urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure',
  PartialSuccess: 'urn:ihe:iti:2007:ResponseStatusType:PartialSuccess',
} as const;

export const ErrorSeverity = {
  Error: 'urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error',
  Warning: 'urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning',
} as const;

export const SoapAction = {
  iti41: 'urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b',
  iti42: 'urn:ihe:iti:2007:RegisterDocumentSet-b',
  iti43: 'urn:ihe:iti:2007:RetrieveDocumentSet',
  iti18: 'urn:ihe:iti:2007:RegistryStoredQuery',
  iti51: 'urn:ihe:iti:2009:MultiPatientStoredQuery',
  iti44Add: 'urn:hl7-org:v3:PRPA_IN201301UV02',
  iti44Revise: 'urn:hl7-org:v3:PRPA_IN201302UV02',
  iti44Merge: 'urn:hl7-org:v3:PRPA_IN201304UV02',
  iti45: 'urn:hl7-org:v3:PRPA_IN201309UV02',
  iti47: 'urn:hl7-org:v3:PRPA_IN201305UV02',
  iti47Continue: 'urn:hl7-org:v3:QUQI_IN000003UV01_Continue',
  iti47Cancel: 'urn:hl7-org:v3:QUQI_IN000003UV01_Cancel',
} as const;

/** xml:lang lives in the XML namespace; XmlElement keys namespaced attributes as `{ns}local`. */
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** ITI TF-3 §4.2.3.2.28: DocumentEntry.referenceIdList is a slot named by a URN. */
export const ReferenceIdListSlot = 'urn:ihe:iti:xds:2013:referenceIdList';

/**
 * Name/LocalizedString of each ExternalIdentifier (ITI TF-3 §4.2.3.2.26, §4.2.3.3.12, §4.2.3.4.7): receivers
 * such as the NIST toolkit check them in query responses.
 */
export const ExternalIdentifierName = {
  documentEntryPatientId: 'XDSDocumentEntry.patientId',
  documentEntryUniqueId: 'XDSDocumentEntry.uniqueId',
  submissionSetPatientId: 'XDSSubmissionSet.patientId',
  submissionSetUniqueId: 'XDSSubmissionSet.uniqueId',
  submissionSetSourceId: 'XDSSubmissionSet.sourceId',
  folderPatientId: 'XDSFolder.patientId',
  folderUniqueId: 'XDSFolder.uniqueId',
} as const;
