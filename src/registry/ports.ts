/**
 * What the registry needs from storage. Adapters live in src/storage/{sqlite,mongodb}; the registry
 * never imports them. Every method is async so that the MongoDB adapter can implement it too.
 */
import type {
  Association,
  AssociationType,
  AvailabilityStatus,
  DocumentEntry,
  DocumentEntryType,
  Folder,
  RegistryObject,
  SubmissionSet,
} from '../metadata/model';

/** A whole ITI-41/42 submission after validation, with entryUUIDs assigned. Committed atomically. */
export interface RegistryCommit {
  /** New objects; every id is a `urn:uuid:`. */
  readonly objects: readonly RegistryObject[];
  /** Status changes of existing objects (RPLC deprecation and its cascade). */
  readonly statusUpdates: readonly { readonly id: string; readonly status: AvailabilityStatus }[];
  /** Existing folders whose lastUpdateTime changes (documents added to them). */
  readonly folderUpdates: readonly { readonly id: string; readonly lastUpdateTime: string }[];
  /**
   * Checked inside the transaction before anything is written; a failed one throws
   * ConflictError('precondition', id) and nothing is written. Guards two RPLCs racing on one original.
   */
  readonly preconditions: readonly { readonly id: string; readonly status: AvailabilityStatus }[];
  /** Fingerprint of the submission's content, kept with the SubmissionSet to recognise replays. */
  readonly fingerprint: string;
}

/** A time range on a DTM field: `from` inclusive, `to` exclusive (ITI TF-2a §3.18.4.1.2.3.6). */
export interface TimeRange {
  readonly from?: string;
  readonly to?: string;
}

/** OR within `anyOf`; a list of CodeFilters is ANDed. `codingScheme` absent = any scheme. */
export interface CodeFilter {
  readonly anyOf: readonly { readonly code: string; readonly codingScheme?: string }[];
}

export interface DocumentEntryCriteria {
  readonly patientIds?: readonly string[];
  readonly statuses?: readonly AvailabilityStatus[];
  readonly ids?: readonly string[];
  readonly uniqueIds?: readonly string[];
  readonly types?: readonly DocumentEntryType[];
  readonly classCode?: CodeFilter;
  readonly typeCode?: CodeFilter;
  readonly formatCode?: CodeFilter;
  readonly practiceSettingCode?: CodeFilter;
  readonly healthcareFacilityTypeCode?: CodeFilter;
  readonly eventCodes?: readonly CodeFilter[];
  readonly confidentialityCodes?: readonly CodeFilter[];
  readonly creationTime?: TimeRange;
  readonly serviceStartTime?: TimeRange;
  readonly serviceStopTime?: TimeRange;
  /** SQL LIKE patterns with % and _; OR across patterns. */
  readonly authorPersons?: readonly string[];
  readonly referenceIds?: readonly string[];
}

export interface SubmissionSetCriteria {
  readonly patientIds?: readonly string[];
  readonly statuses?: readonly AvailabilityStatus[];
  readonly ids?: readonly string[];
  readonly uniqueIds?: readonly string[];
  readonly sourceIds?: readonly string[];
  readonly submissionTime?: TimeRange;
  readonly authorPersons?: readonly string[];
  readonly contentTypeCode?: CodeFilter;
}

export interface FolderCriteria {
  readonly patientIds?: readonly string[];
  readonly statuses?: readonly AvailabilityStatus[];
  readonly ids?: readonly string[];
  readonly uniqueIds?: readonly string[];
  readonly lastUpdateTime?: TimeRange;
  readonly codeList?: readonly CodeFilter[];
}

export interface AssociationCriteria {
  /** Associations whose source OR target is one of these. */
  readonly endpointIds?: readonly string[];
  readonly sourceIds?: readonly string[];
  readonly targetIds?: readonly string[];
  readonly types?: readonly AssociationType[];
  readonly statuses?: readonly AvailabilityStatus[];
}

/** `limit`: the adapter returns at most limit+1 rows so the caller can detect XDSTooManyResults. */
export interface QueryOptions {
  readonly limit: number;
}

export interface RegistryStore {
  commit(change: RegistryCommit): Promise<void>;

  findDocumentEntries(c: DocumentEntryCriteria, o: QueryOptions): Promise<DocumentEntry[]>;
  findSubmissionSets(c: SubmissionSetCriteria, o: QueryOptions): Promise<SubmissionSet[]>;
  findFolders(c: FolderCriteria, o: QueryOptions): Promise<Folder[]>;
  findAssociations(c: AssociationCriteria, o: QueryOptions): Promise<Association[]>;

  /** Objects of any kind by entryUUID (missing ids are simply absent). */
  getByIds(ids: readonly string[]): Promise<RegistryObject[]>;
  /** The fingerprint stored with a SubmissionSet uniqueId, if that SubmissionSet exists. */
  getSubmissionFingerprint(submissionSetUniqueId: string): Promise<string | undefined>;
}
