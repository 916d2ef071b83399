/**
 * XDS error codes (ITI TF-3 Table 4.2.4.1-2, NIST TransactionDefinedErrorCodes.txt).
 * Every code the server emits is listed here once; nothing else spells them.
 */
export const XdsCode = {
  MissingDocument: 'XDSMissingDocument',
  MissingDocumentMetadata: 'XDSMissingDocumentMetadata',
  RegistryNotAvailable: 'XDSRegistryNotAvailable',
  RegistryError: 'XDSRegistryError',
  RepositoryError: 'XDSRepositoryError',
  RegistryDuplicateUniqueIdInMessage: 'XDSRegistryDuplicateUniqueIdInMessage',
  RepositoryDuplicateUniqueIdInMessage: 'XDSRepositoryDuplicateUniqueIdInMessage',
  DuplicateUniqueIdInRegistry: 'XDSDuplicateUniqueIdInRegistry',
  NonIdenticalHash: 'XDSNonIdenticalHash',
  NonIdenticalSize: 'XDSNonIdenticalSize',
  RegistryBusy: 'XDSRegistryBusy',
  RepositoryBusy: 'XDSRepositoryBusy',
  RegistryOutOfResources: 'XDSRegistryOutOfResources',
  RepositoryOutOfResources: 'XDSRepositoryOutOfResources',
  RegistryMetadataError: 'XDSRegistryMetadataError',
  RepositoryMetadataError: 'XDSRepositoryMetadataError',
  TooManyResults: 'XDSTooManyResults',
  ExtraMetadataNotSaved: 'XDSExtraMetadataNotSaved',
  UnknownPatientId: 'XDSUnknownPatientId',
  PatientIdDoesNotMatch: 'XDSPatientIdDoesNotMatch',
  UnknownStoredQuery: 'XDSUnknownStoredQuery',
  StoredQueryMissingParam: 'XDSStoredQueryMissingParam',
  StoredQueryParamNumber: 'XDSStoredQueryParamNumber',
  RegistryDeprecatedDocumentError: 'XDSRegistryDeprecatedDocumentError',
  UnknownRepositoryId: 'XDSUnknownRepositoryId',
  DocumentUniqueIdError: 'XDSDocumentUniqueIdError',
  ResultNotSinglePatient: 'XDSResultNotSinglePatient',
  MissingHomeCommunityId: 'XDSMissingHomeCommunityId',
  UnknownCommunity: 'XDSUnknownCommunity',
  UnresolvedReferenceException: 'UnresolvedReferenceException',
} as const;
export type XdsCode = (typeof XdsCode)[keyof typeof XdsCode];

/** Which actor answers; decides the generic default code (registry vs repository flavour). */
export type Actor = 'registry' | 'repository';

export const defaultMetadataCode = (actor: Actor): XdsCode =>
  actor === 'repository' ? XdsCode.RepositoryMetadataError : XdsCode.RegistryMetadataError;
export const defaultInternalCode = (actor: Actor): XdsCode =>
  actor === 'repository' ? XdsCode.RepositoryError : XdsCode.RegistryError;
