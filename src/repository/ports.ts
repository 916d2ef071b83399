/**
 * What the repository needs from storage: documents streamed in while hashing, streamed out, and a
 * pending → committed protocol so that a crash never leaves a retrievable half-submission
 * (../shared/reference/security.md §4.1, "Recommended write protocol for ITI-41").
 */
import type { Readable } from 'node:stream';

export interface StoredBlob {
  readonly blobId: string;
  /** SHA-1 of the bytes, lower-case hex (the XDS `hash` slot). */
  readonly sha1: string;
  readonly size: number;
}

export interface DocumentRecord {
  readonly documentUniqueId: string;
  readonly repositoryUniqueId: string;
  readonly blobId: string;
  readonly mimeType: string;
  readonly sha1: string;
  readonly size: number;
}

export interface DocumentStore {
  /**
   * Streams bytes into a new pending blob, computing SHA-1 and size on the way. Rejects (and leaves
   * nothing behind) when more than `maxBytes` arrive.
   */
  putPending(source: Readable, options?: { readonly maxBytes?: number }): Promise<StoredBlob>;
  /** Makes pending blobs durable and links them to document uniqueIds; all or nothing. */
  commit(records: readonly DocumentRecord[]): Promise<void>;
  /** Removes pending blobs that will never be committed (failed registration). */
  discard(blobIds: readonly string[]): Promise<void>;
  /** A committed document by uniqueId, or undefined. */
  find(documentUniqueId: string, repositoryUniqueId: string): Promise<DocumentRecord | undefined>;
  open(record: DocumentRecord): Readable;
  /** Deletes pending blobs older than `olderThanMs` and returns how many were removed. */
  sweep(olderThanMs: number): Promise<number>;
}
