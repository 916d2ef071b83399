/**
 * What the repository needs from storage: documents streamed in while hashing, streamed out, and a
 * pending → committed protocol so that a crash never leaves a retrievable half-submission
 * (../shared/reference/security.md §4.1, "Recommended write protocol for ITI-41").
 */
import type { Readable } from 'node:stream';
import type { DocumentRow } from '../registry/ports';

export interface StoredBlob {
  readonly blobId: string;
  /** SHA-1 of the bytes, lower-case hex (the XDS `hash` slot). */
  readonly sha1: string;
  readonly size: number;
}

/** The row of a committed document: uniqueIds, its blob, mimeType, SHA-1 and size (registry/ports.ts). */
export type DocumentRecord = DocumentRow;

/** What prepare() placed, waiting for the transaction that writes its rows. */
export interface PreparedDocuments {
  /**
   * Call once that transaction is over. `written` false (it failed or never ran): content that prepare()
   * placed only for these records, and that nothing references, is removed at once.
   */
  settle(written: boolean): Promise<void>;
}

export interface DocumentStore {
  /**
   * Streams bytes into a new pending blob, computing SHA-1 and size on the way. Rejects (and leaves
   * nothing behind) when more than `maxBytes` arrive.
   */
  putPending(source: Readable, options?: { readonly maxBytes?: number }): Promise<StoredBlob>;
  /**
   * Makes pending blobs durable and links them to document uniqueIds; all or nothing. A record whose uniqueId
   * is already stored with the same sha1 and size is kept as it is (the same document again); another one
   * is ConflictError('uniqueId').
   */
  commit(records: readonly DocumentRecord[]): Promise<void>;
  /**
   * commit() in two halves, for rows that another transaction of the same backend writes (the in-process
   * registry's, RegistryCommit.documents): makes the blobs durable where their rows will point; their rows
   * make them visible. Follow with settle() once that transaction is over.
   */
  prepare(records: readonly DocumentRecord[]): Promise<PreparedDocuments>;
  /** Removes pending blobs that will never be committed (failed registration). */
  discard(blobIds: readonly string[]): Promise<void>;
  /** A committed document by uniqueId, or undefined. */
  find(documentUniqueId: string, repositoryUniqueId: string): Promise<DocumentRecord | undefined>;
  open(record: DocumentRecord): Readable;
  /** Deletes pending blobs older than `olderThanMs` and returns how many were removed. */
  sweep(olderThanMs: number): Promise<number>;
}
