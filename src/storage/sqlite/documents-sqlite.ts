/**
 * DocumentStore: content files under `<dataDir>/documents/` with rows in SQLite.
 * Write protocol (security.md §4.1): putPending streams to `tmp/`, fsyncs and renames to `pending/<blobId>`;
 * commit() moves pending files to their content-addressed place `<sha1[0..2]>/<sha1>` (identical content
 * shares a file), fsyncs the directory, THEN inserts the rows in one transaction. A crash before the rows
 * leaves no visible document; leftovers (tmp, pending, unreferenced content) are removed by sweep().
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ConflictError } from '../../errors';
import type { DocumentRecord, DocumentStore, StoredBlob } from '../../repository/ports';
import { isSha1, meter } from '../blob-meter';
import { sqliteCode, type Db } from './db-sqlite';

const isBlobId = (s: string): boolean => /^[0-9a-f]{32}$/.test(s);

async function fsyncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
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

  private constructor(private readonly db: Db, private readonly root: string) {
    this.pendingDir = join(root, 'pending');
    this.tmpDir = join(root, 'tmp');
  }

  static async open(db: Db, root: string): Promise<FileDocumentStore> {
    const store = new FileDocumentStore(db, root);
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
    const tmp = join(this.tmpDir, blobId);
    const handle = await open(tmp, 'wx');
    this.writing.add(blobId);
    try {
      const m = await meter(source, async (c) => void (await handle.write(c)), options?.maxBytes);
      await handle.sync();
      await handle.close();
      await rename(tmp, join(this.pendingDir, blobId));
      return { blobId, sha1: m.sha1, size: m.size };
    } catch (err) {
      await handle.close().catch(() => undefined);
      await rm(tmp, { force: true });
      source.destroy();
      throw err;
    } finally {
      this.writing.delete(blobId);
    }
  }

  async commit(records: readonly DocumentRecord[]): Promise<void> {
    const shas = [...new Set(records.map((r) => r.sha1))];
    for (const s of shas) this.committing.set(s, (this.committing.get(s) ?? 0) + 1);
    try {
      await this.placeContent(records);
      this.insertRows(records);
    } finally {
      for (const s of shas) {
        const n = (this.committing.get(s) ?? 1) - 1;
        if (n === 0) this.committing.delete(s);
        else this.committing.set(s, n);
      }
    }
  }

  /** Moves each pending blob to its content-addressed file (or drops it when that content exists). */
  private async placeContent(records: readonly DocumentRecord[]): Promise<void> {
    const dirs = new Set<string>();
    const seen = new Set<string>();
    for (const r of records) {
      if (seen.has(r.blobId)) continue;
      seen.add(r.blobId);
      if (!isBlobId(r.blobId)) throw new Error(`unknown blob ${r.blobId}`);
      const target = this.contentPath(r.sha1);
      const pending = join(this.pendingDir, r.blobId);
      const found = await stat(pending).catch(() => undefined);
      if (!found) {
        if (await stat(target).catch(() => undefined)) continue; // committed before (e.g. a retried commit)
        throw new Error(`unknown blob ${r.blobId}`);
      }
      if (found.size !== r.size) throw new Error(`blob ${r.blobId} size does not match its record`);
      await mkdir(join(this.root, r.sha1.slice(0, 2)), { recursive: true });
      if (await stat(target).catch(() => undefined)) {
        await unlink(pending);
      } else {
        await rename(pending, target);
        const now = new Date();
        await utimes(target, now, now); // its age now counts from commit, for the orphan sweep
      }
      dirs.add(join(this.root, r.sha1.slice(0, 2)));
    }
    for (const d of dirs) await fsyncDir(d);
  }

  private insertRows(records: readonly DocumentRecord[]): void {
    const insert = this.db.prepare(
      `INSERT INTO documents (repository_uid, document_uid, blob_id, mime_type, sha1, size) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.db
      .transaction(() => {
        for (const r of records) {
          try {
            insert.run(r.repositoryUniqueId, r.documentUniqueId, r.blobId, r.mimeType, r.sha1, r.size);
          } catch (err) {
            const code = sqliteCode(err);
            if (code?.startsWith('SQLITE_CONSTRAINT')) throw new ConflictError('uniqueId', r.documentUniqueId, { cause: err });
            throw err;
          }
        }
      })
      .immediate();
  }

  async discard(blobIds: readonly string[]): Promise<void> {
    // A blob already committed is no longer under pending/: removing it is a harmless no-op.
    for (const id of blobIds) if (isBlobId(id)) await rm(join(this.pendingDir, id), { force: true });
  }

  async find(documentUniqueId: string, repositoryUniqueId: string): Promise<DocumentRecord | undefined> {
    const row = this.db
      .prepare('SELECT * FROM documents WHERE repository_uid = ? AND document_uid = ?')
      .get(repositoryUniqueId, documentUniqueId) as DocRow | undefined;
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
    return createReadStream(this.contentPath(record.sha1));
  }

  async sweep(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    removed += await this.removeOld(this.tmpDir, cutoff, (name) => !this.writing.has(name));
    removed += await this.removeOld(this.pendingDir, cutoff, () => true);
    const referenced = this.db.prepare('SELECT 1 FROM documents WHERE sha1 = ? LIMIT 1');
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
      if (!s || !s.isFile() || s.mtimeMs > cutoff || !orphan(name)) continue;
      await rm(path, { force: true });
      removed++;
    }
    return removed;
  }
}
