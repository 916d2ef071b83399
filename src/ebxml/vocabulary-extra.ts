/**
 * Wire literals missing from vocabulary.ts (which this folder may not edit). To be merged into
 * vocabulary.ts by its owner; until then import them from here and spell them nowhere else.
 */

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
