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
  /**
   * The in-process repository's rows for the documents of an ITI-41 (their bytes already placed,
   * DocumentStore.prepare), written in this same transaction: metadata and documents become visible together,
   * with one commit and one fsync. The registry does not read them; the store hands them to the document
   * store's row writer. A row already stored with the same sha1 and size is kept (the same document again);
   * another one for that uniqueId throws ConflictError('uniqueId', documentUniqueId).
   */
  readonly documents?: readonly DocumentRow[];
}

/** A stored document as the repository records it (repository/ports.ts calls it DocumentRecord). */
export interface DocumentRow {
  readonly documentUniqueId: string;
  readonly repositoryUniqueId: string;
  /** The document store's id of the bytes. */
  readonly blobId: string;
  readonly mimeType: string;
  /** SHA-1 of the bytes, lower-case hex (the XDS `hash` slot). */
  readonly sha1: string;
  readonly size: number;
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
  /**
   * Attach stored ebRIM forms (STORED_EBRIM), for a LeafClass answer. Off, the adapter does not read them
   * (6 KB per DocumentEntry: an ObjectRef answer must not pay for them) and attaches nothing.
   */
  readonly storedEbrim?: boolean;
}

/**
 * Key of the stored ebRIM (ebxml `writeStoredEbrim`: the object's XML without home and status) that a store
 * attaches to each object it returns, as a NON-enumerable property: deep equality, JSON and spreads ignore it,
 * so any copy or edit of a returned object drops it and is serialised afresh. The value is the text, or null
 * when the store holds none for the object yet (it is kept on the first LeafClass answer, `keepStoredEbrim`).
 */
export const STORED_EBRIM: unique symbol = Symbol('tessera.storedEbrim');

/** The stored ebRIM of a returned object; null: none kept yet; undefined: not an object as the store returned it. */
export const storedEbrimOf = (o: RegistryObject): string | null | undefined =>
  (o as { readonly [STORED_EBRIM]?: string | null })[STORED_EBRIM];

/** Marks a freshly read object as the store's, with its stored ebRIM or null (adapters only). */
export function attachStoredEbrim<T extends RegistryObject>(o: T, ebrim: string | null | undefined): T {
  Object.defineProperty(o, STORED_EBRIM, { value: typeof ebrim === 'string' ? ebrim : null, enumerable: false });
  return o;
}

/** A stored form to keep for an object the store returned with none (storedEbrimOf(object) === null). */
export interface EbrimToKeep {
  readonly object: RegistryObject;
  readonly ebrim: string;
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

  /**
   * Keeps stored ebRIM forms computed by a LeafClass answer (a cache: not needed for durability, so it costs
   * registration nothing and may be written later and without fsync). A form is kept only if the object still
   * has none and, for a Folder, its lastUpdateTime is still the one it was computed from; a folder update
   * drops the folder's form.
   */
  keepStoredEbrim(items: readonly EbrimToKeep[]): Promise<void>;
}
