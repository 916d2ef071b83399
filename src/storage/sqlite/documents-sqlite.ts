/**
 * DocumentStore: content files under `<dataDir>/documents/` with rows in SQLite.
 *
 * Small documents (at most INLINE_MAX bytes, the usual C-CDA) never become files: putPending keeps their
 * bytes in memory, and the transaction that writes their rows also writes the bytes into
 * `document_contents` (content-addressed by sha1), so they are durable with the rows' WAL fsync. A file
 * costs an open, a write, an fdatasync, two renames and a directory fsync per document: ~0.8 ms of the main
 * thread and two thread-pool round trips of a 30 KB ITI-41's ~5 CPU-ms (BENCHMARKS.md, session 5). SQLite
 * reads and writes blobs of this size faster than the file system (sqlite.org/intern-v-extern-blob.html).
 * A crash loses only unacknowledged pending bytes, exactly as a pending file would be swept.
 *
 * Larger documents: write protocol (security.md §4.1): putPending streams to `tmp/`, fsyncs and renames to `pending/<blobId>`;
 * commit() moves pending files to their content-addressed place `<sha1[0..2]>/<sha1>` (identical content
 * shares a file), fsyncs the directory, THEN inserts the rows in one transaction: its own (commit), or the
 * in-process registry's (prepare + applyRows, RegistryCommit.documents). A crash before the rows leaves no
 * visible document; leftovers (tmp, pending, unreferenced content) are removed by sweep().
 *
 * System calls: the cheap metadata calls of the hot path (open, close, rename, stat, utimes, unlink of one
 * local file) are made synchronously, and only the calls that wait for the disk (fdatasync, fsync, writes
 * larger than SYNC_WRITE_MAX) go to libuv's thread pool. On our machines a thread-pool round trip costs
 * 30–37 µs of CPU against 4–8 µs for the same call made inline (BENCHMARKS.md, session 4), and a small
 * ITI-41 made about 19 of them: ~0.6 of its 6–8 CPU-ms. The trade-off: a data directory on a slow network
 * file system would stall the event loop for the duration of these calls; use a local disk.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, fdatasync, fsync, openSync, renameSync, statSync, unlinkSync, utimesSync, writev, writevSync } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';
import { ConflictError } from '../../errors';
import type { DocumentRecord, DocumentStore, PreparedDocuments, StoredBlob } from '../../repository/ports';
import { isSha1, meter } from '../blob-meter';
import type { Statement } from 'better-sqlite3';
import { sqliteCode, type Db } from './db-sqlite';
import { GroupCommit } from './group-commit';

const ignoreMissing = (err: NodeJS.ErrnoException): void => {
  if (err.code !== 'ENOENT') throw err;
};

const isBlobId = (s: string): boolean => /^[0-9a-f]{32}$/.test(s);

const fdatasyncAsync = promisify(fdatasync);
const fsyncAsync = promisify(fsync);
const writevAsync = promisify(writev);

/** A batch up to this size is written inline (a copy into the page cache, microseconds); larger ones on the pool. */
const SYNC_WRITE_MAX = 64 * 1024;

/**
 * One writev per batch (no copy of the chunks). A regular file may take fewer bytes than offered (disk
 * filling up): write the rest, which then fails with the OS error (ENOSPC).
 */
async function writeBatch(fd: number, chunks: readonly Buffer[], bytes: number): Promise<void> {
  let rest = chunks;
  while (rest.length > 0) {
    const written = bytes <= SYNC_WRITE_MAX ? writevSync(fd, rest as Buffer[]) : (await writevAsync(fd, rest as Buffer[])).bytesWritten;
    if (written === 0) throw new Error('a write to the blob file made no progress');
    rest = withoutFirstBytes(rest, written);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // closing after a failed write: the write's error is the one to report
  }
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    ignoreMissing(err as NodeJS.ErrnoException);
  }
}

/** Documents up to this size are stored inside the database (see above); larger ones as files. */
export const INLINE_MAX = 128 * 1024;

/** Bytes written between two background fdatasyncs of a blob being stored. */
const EARLY_FLUSH_BYTES = 4 * 1024 * 1024;

/**
 * Flushes a large blob to disk while it is still arriving, one fdatasync in flight at a time, so that the
 * fdatasync that makes it durable before it is acknowledged only has the last few MiB left to write (B2: the
 * final fsync of a 20 MB document was ~50 ms of every request at one stream; it also no longer delays the
 * WAL fsyncs of concurrent requests behind 20 MB of dirty pages). A failed early flush fails the store.
 */
class EarlyFlush {
  private unflushed = 0;
  private running: Promise<void> | undefined;
  private failure: unknown;

  constructor(private readonly fd: number) {}

  wrote(bytes: number): void {
    this.unflushed += bytes;
    if (this.unflushed < EARLY_FLUSH_BYTES || this.running) return;
    this.unflushed = 0;
    this.running = fdatasyncAsync(this.fd).then(
      () => (this.running = undefined),
      (err: unknown) => {
        this.failure ??= err;
        this.running = undefined;
      },
    );
  }

  async settled(): Promise<void> {
    await this.running;
    if (this.failure !== undefined) throw this.failure;
  }
}

/**
 * A blob too large for the database, written to `tmp/<blobId>` and, once complete and fdatasync'ed, renamed
 * to its pending name. `writing` lists it while it is in tmp/ (the sweep leaves it alone).
 */
class PendingFile {
  private readonly path: string;
  private readonly fd: number;
  private fdOpen = true; // a closed fd number may be reused at once by an open on the thread pool: close it once
  private readonly flusher: EarlyFlush;

  constructor(
    tmpDir: string,
    private readonly blobId: string,
    private readonly writing: Set<string>,
  ) {
    this.path = join(tmpDir, blobId);
    this.fd = openSync(this.path, 'wx');
    writing.add(blobId);
    this.flusher = new EarlyFlush(this.fd);
  }

  async write(chunks: readonly Buffer[], bytes: number): Promise<void> {
    await writeBatch(this.fd, chunks, bytes);
    this.flusher.wrote(bytes);
  }

  async finish(pendingPath: string): Promise<void> {
    await this.flusher.settled();
    await fdatasyncAsync(this.fd); // data and size; the name becomes durable with its directory at commit
    this.fdOpen = false;
    closeSync(this.fd);
    renameSync(this.path, pendingPath);
    this.writing.delete(this.blobId);
  }

  async abandon(): Promise<void> {
    await this.flusher.settled().catch(() => undefined); // no fdatasync may still use the fd once it is closed
    if (this.fdOpen) closeQuietly(this.fd);
    this.fdOpen = false;
    unlinkIfPresent(this.path);
    this.writing.delete(this.blobId);
  }
}

function withoutFirstBytes(chunks: readonly Buffer[], n: number): readonly Buffer[] {
  let i = 0;
  while (i < chunks.length && n >= chunks[i]!.length) n -= chunks[i++]!.length;
  if (i === chunks.length) return [];
  return [chunks[i]!.subarray(n), ...chunks.slice(i + 1)];
}

async function fsyncDir(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    closeSync(fd);
  }
}

interface DocRow {
  readonly document_uid: string;
  readonly repository_uid: string;
  readonly blob_id: string;
  readonly mime_type: string;
  readonly sha1: string;
  readonly size: number;
}

export class FileDocumentStore implements DocumentStore {
  private readonly pendingDir: string;
  private readonly tmpDir: string;
  /** sha1s being committed right now: sweep() must not take their content file for an orphan. */
  private readonly committing = new Map<string, number>();
  /** blobIds being written right now (a slow upload can be older than the sweep limit). */
  private readonly writing = new Set<string>();
  /** Sizes of the blobs this store wrote that are still pending: commit needs no stat, discard no guess. */
  private readonly pending = new Map<string, number>();
  /** Pending small documents, held in memory until their rows are written (or discarded, or swept). */
  private readonly inline = new Map<string, { readonly bytes: Buffer; readonly at: number }>();
  private readonly madeDirs = new Set<string>();

  /** Prepared once: compiling per call was a visible share of a small ITI-41/43 request. */
  private readonly stmt: {
    readonly insert: Statement;
    readonly find: Statement;
    readonly referenced: Statement;
    readonly putContent: Statement;
    readonly content: Statement;
  };
  private readonly rows: GroupCommit<readonly DocumentRecord[]>;

  private constructor(
    db: Db,
    private readonly root: string,
    private readonly inlineMax: number,
  ) {
    this.pendingDir = join(root, 'pending');
    this.tmpDir = join(root, 'tmp');
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO documents (repository_uid, document_uid, blob_id, mime_type, sha1, size) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      find: db.prepare('SELECT * FROM documents WHERE repository_uid = ? AND document_uid = ?'),
      referenced: db.prepare('SELECT 1 FROM documents WHERE sha1 = ? LIMIT 1'),
      putContent: db.prepare('INSERT OR IGNORE INTO document_contents (sha1, bytes) VALUES (?, ?)'),
      content: db.prepare('SELECT bytes FROM document_contents WHERE sha1 = ?').pluck(),
    };
    this.rows = new GroupCommit(db, (records: readonly DocumentRecord[]) => this.applyRows(records));
  }

  /** `inlineMax`: the largest document kept inside the database (INLINE_MAX; tests choose 0 for files only). */
  static async open(db: Db, root: string, o: { readonly inlineMax?: number } = {}): Promise<FileDocumentStore> {
    const store = new FileDocumentStore(db, root, o.inlineMax ?? INLINE_MAX);
    await mkdir(store.pendingDir, { recursive: true });
    await mkdir(store.tmpDir, { recursive: true });
    return store;
  }

  private contentPath(sha1: string): string {
    if (!isSha1(sha1)) throw new Error('invalid content hash');
    return join(this.root, sha1.slice(0, 2), sha1);
  }

  async putPending(source: Readable, options?: { readonly maxBytes?: number }): Promise<StoredBlob> {
    const blobId = randomBytes(16).toString('hex');
    // A first batch no larger than inlineMax is also the last one (meter cuts 1 MiB batches): hold it. Any
    // further bytes turn the blob into a file, starting with what was held.
    let held: { chunks: readonly Buffer[]; bytes: number } | undefined;
    let file: PendingFile | undefined;
    try {
      const m = await meter(
        source,
        async (chunks, bytes) => {
          if (!file && !held && bytes <= this.inlineMax) {
            held = { chunks, bytes };
            return;
          }
          file ??= new PendingFile(this.tmpDir, blobId, this.writing);
          if (held) await file.write(held.chunks, held.bytes);
          held = undefined;
          await file.write(chunks, bytes);
        },
        options?.maxBytes,
      );
      if (!file) {
        this.inline.set(blobId, { bytes: held ? Buffer.concat(held.chunks, held.bytes) : Buffer.alloc(0), at: Date.now() });
        return { blobId, sha1: m.sha1, size: m.size };
      }
      await file.finish(join(this.pendingDir, blobId));
      this.pending.set(blobId, m.size);
      return { blobId, sha1: m.sha1, size: m.size };
    } catch (err) {
      await file?.abandon();
      source.destroy();
      throw err;
    }
  }

  async commit(records: readonly DocumentRecord[]): Promise<void> {
    const prepared = await this.prepare(records);
    let written = false;
    try {
      await this.rows.submit(records);
      written = true;
    } finally {
      await prepared.settle(written);
    }
  }

  async prepare(records: readonly DocumentRecord[]): Promise<PreparedDocuments> {
    const shas = [...new Set(records.map((r) => r.sha1))];
    for (const s of shas) this.committing.set(s, (this.committing.get(s) ?? 0) + 1);
    const release = () => {
      for (const s of shas) {
        const n = (this.committing.get(s) ?? 1) - 1;
        if (n === 0) this.committing.delete(s);
        else this.committing.set(s, n);
      }
    };
    const placed: string[] = [];
    try {
      await this.placeContent(records, placed);
    } catch (err) {
      release();
      this.removeUnreferenced(placed);
      throw err;
    }
    let settled = false;
    return {
      settle: async (written) => {
        if (settled) return;
        settled = true;
        release();
        for (const r of records) this.inline.delete(r.blobId); // in the database now, or never to be
        if (!written) this.removeUnreferenced(placed);
      },
    };
  }

  /**
   * Content files this store just placed for rows that were not written: removed unless another commit holds
   * them or a row references them. Decided and removed in one turn, as the sweep does.
   */
  private removeUnreferenced(sha1s: readonly string[]): void {
    for (const sha1 of sha1s) {
      if (this.committing.has(sha1) || this.stmt.referenced.get(sha1) !== undefined) continue;
      unlinkIfPresent(this.contentPath(sha1));
    }
  }

  /** The 2-hex directory of a content hash; created once per process (at most 256). */
  private async contentDir(sha1: string): Promise<void> {
    const sub = sha1.slice(0, 2);
    if (this.madeDirs.has(sub)) return;
    await mkdir(join(this.root, sub), { recursive: true });
    this.madeDirs.add(sub);
  }

  /**
   * Moves each pending blob to its content-addressed file (or drops it when that content exists), and adds
   * the sha1 of each file it created to `placed`.
   */
  private async placeContent(records: readonly DocumentRecord[], placed: string[]): Promise<void> {
    const dirs = new Set<string>();
    const seen = new Set<string>();
    for (const r of records) {
      if (seen.has(r.blobId)) continue;
      seen.add(r.blobId);
      if (!isBlobId(r.blobId)) throw new Error(`unknown blob ${r.blobId}`);
      const held = this.inline.get(r.blobId);
      if (held) {
        if (held.bytes.length !== r.size) throw new Error(`blob ${r.blobId} size does not match its record`);
        continue; // written with its row (applyRows)
      }
      const target = this.contentPath(r.sha1);
      const pending = join(this.pendingDir, r.blobId);
      const size = this.pending.get(r.blobId) ?? statSync(pending, { throwIfNoEntry: false })?.size;
      if (size === undefined) {
        if (statSync(target, { throwIfNoEntry: false })) continue; // committed before (e.g. a retried commit)
        throw new Error(`unknown blob ${r.blobId}`);
      }
      if (size !== r.size) throw new Error(`blob ${r.blobId} size does not match its record`);
      await this.contentDir(r.sha1);
      if (statSync(target, { throwIfNoEntry: false })) {
        unlinkSync(pending);
      } else {
        renameSync(pending, target);
        placed.push(r.sha1);
        const now = new Date();
        utimesSync(target, now, now); // its age now counts from commit, for the orphan sweep
      }
      this.pending.delete(r.blobId);
      dirs.add(join(this.root, r.sha1.slice(0, 2)));
    }
    for (const d of dirs) await fsyncDir(d);
  }

  /**
   * Writes the rows inside the caller's transaction: commit()'s own group commit (one record set = one
   * savepoint), or the in-process registry's (RegistryCommit.documents). A uniqueId already stored with the
   * same bytes keeps its row; with other bytes it is a conflict.
   */
  readonly applyRows = (records: readonly DocumentRecord[]): void => {
    for (const r of records) {
      const held = this.inline.get(r.blobId);
      if (held) this.stmt.putContent.run(r.sha1, held.bytes);
      try {
        this.stmt.insert.run(r.repositoryUniqueId, r.documentUniqueId, r.blobId, r.mimeType, r.sha1, r.size);
      } catch (err) {
        const code = sqliteCode(err);
        if (!code?.startsWith('SQLITE_CONSTRAINT')) throw err;
        const stored = this.stmt.find.get(r.repositoryUniqueId, r.documentUniqueId) as DocRow | undefined;
        if (stored && stored.sha1 === r.sha1 && stored.size === r.size) continue;
        throw new ConflictError('uniqueId', r.documentUniqueId, { cause: err });
      }
    }
  };

  /**
   * Removes the pending blobs among `blobIds` (this runs after every ITI-41 request). Committed blobs are no
   * longer pending and unknown ids were never written here: both are left alone without a system call (a
   * pending file of an earlier process is the sweeper's).
   */
  async discard(blobIds: readonly string[]): Promise<void> {
    for (const id of blobIds) {
      if (this.inline.delete(id) || !this.pending.delete(id)) continue;
      unlinkIfPresent(join(this.pendingDir, id));
    }
  }

  async find(documentUniqueId: string, repositoryUniqueId: string): Promise<DocumentRecord | undefined> {
    const row = this.stmt.find.get(repositoryUniqueId, documentUniqueId) as DocRow | undefined;
    if (!row) return undefined;
    return {
      documentUniqueId: row.document_uid,
      repositoryUniqueId: row.repository_uid,
      blobId: row.blob_id,
      mimeType: row.mime_type,
      sha1: row.sha1,
      size: row.size,
    };
  }

  open(record: DocumentRecord): Readable {
    // A small document may also be a file: stored before migration 9, or with another INLINE_MAX.
    const bytes = record.size <= Math.max(INLINE_MAX, this.inlineMax) ? (this.stmt.content.get(record.sha1) as Buffer | undefined) : undefined;
    if (bytes) return Readable.from([bytes], { objectMode: false });
    return createReadStream(this.contentPath(record.sha1));
  }

  async sweep(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for (const [id, held] of this.inline) {
      if (held.at > cutoff) continue;
      this.inline.delete(id);
      removed++;
    }
    removed += await this.removeOld(this.tmpDir, cutoff, (name) => !this.writing.has(name));
    removed += await this.removeOld(this.pendingDir, cutoff, (name) => {
      this.pending.delete(name);
      return true;
    });
    const referenced = this.stmt.referenced;
    for (const sub of await readdir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(sub)) continue;
      removed += await this.removeOld(
        join(this.root, sub),
        cutoff,
        (name) => isSha1(name) && !this.committing.has(name) && referenced.get(name) === undefined,
      );
    }
    return removed;
  }

  private async removeOld(dir: string, cutoff: number, orphan: (name: string) => boolean): Promise<number> {
    let removed = 0;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const path = join(dir, name);
      const s = await stat(path).catch(() => undefined);
      // Decided and removed in one turn: a commit cannot start using the file in between.
      if (!s || !s.isFile() || s.mtimeMs > cutoff || !orphan(name)) continue;
      unlinkIfPresent(path);
      removed++;
    }
    return removed;
  }
}
