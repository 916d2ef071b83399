/** The SQLite document store keeps small documents inside the database and larger ones in files. */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { INLINE_MAX } from '../../../src/storage/sqlite/documents-sqlite';
import { openSqliteStores, type SqliteStores } from '../../../src/storage/sqlite/open-sqlite';
import type { DocumentRecord } from '../../../src/repository/ports';
import { tempDir } from '../backends';
import { readAll } from '../document-store.contract';
import { oid } from '../fixtures';

describe('SQLite document store: small documents inside the database', () => {
  let dir: string;
  let s: SqliteStores;
  beforeEach(async () => {
    dir = await tempDir();
    s = await openSqliteStores(dir);
  });
  afterEach(async () => {
    await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Content files under documents/<2 hex>/. */
  const contentFiles = async (): Promise<string[]> => {
    const root = join(dir, 'documents');
    const subs = (await readdir(root)).filter((d) => /^[0-9a-f]{2}$/.test(d));
    return (await Promise.all(subs.map((d) => readdir(join(root, d))))).flat();
  };
  const inDatabase = (sha1: string): boolean =>
    s.registry['db'].prepare('SELECT 1 FROM document_contents WHERE sha1 = ?').get(sha1) !== undefined;

  async function store(chunks: readonly Buffer[]): Promise<DocumentRecord> {
    const blob = await s.documents.putPending(Readable.from(chunks));
    const rec = { documentUniqueId: oid(), repositoryUniqueId: '1.2.3', blobId: blob.blobId, mimeType: 'text/xml', sha1: blob.sha1, size: blob.size };
    await s.documents.commit([rec]);
    return rec;
  }

  it('keeps a document of INLINE_MAX bytes in the database and one byte more in a file, both byte-identical', async () => {
    const small = randomBytes(INLINE_MAX);
    const large = randomBytes(INLINE_MAX + 1);
    const a = await store([small]);
    expect(await contentFiles()).to.deep.equal([]);
    expect(inDatabase(a.sha1)).to.equal(true);
    const b = await store([large]);
    expect(await contentFiles()).to.deep.equal([b.sha1]);
    expect(inDatabase(b.sha1)).to.equal(false);
    expect((await readAll(s.documents.open(a))).equals(small)).to.equal(true);
    expect((await readAll(s.documents.open(b))).equals(large)).to.equal(true);
  });

  it('turns into a file when many small chunks go past INLINE_MAX after a first batch that fitted', async () => {
    // 512 chunks close a batch (blob-meter.ts): the first one holds 102 KB, the rest follows.
    const chunks = Array.from({ length: 812 }, () => randomBytes(200));
    const rec = await store(chunks);
    const bytes = Buffer.concat(chunks);
    expect(rec.sha1).to.equal(createHash('sha1').update(bytes).digest('hex'));
    expect(await contentFiles()).to.deep.equal([rec.sha1]);
    expect((await readAll(s.documents.open(rec))).equals(bytes)).to.equal(true);
  });

  it('holds a pending small document in memory only: discard and the sweep drop it, nothing is written', async () => {
    const kept = await s.documents.putPending(Readable.from([Buffer.from('swept')]));
    const dropped = await s.documents.putPending(Readable.from([Buffer.from('discarded')]));
    await s.documents.discard([dropped.blobId]);
    expect(await s.documents.sweep(60_000), 'young').to.equal(0);
    expect(await s.documents.sweep(-1)).to.equal(1);
    expect(await readdir(join(dir, 'documents', 'pending'))).to.deep.equal([]);
    let failed = false;
    await s.documents.commit([{ documentUniqueId: oid(), repositoryUniqueId: '1.2.3', blobId: kept.blobId, mimeType: 'text/plain', sha1: kept.sha1, size: kept.size }]).catch(() => (failed = true));
    expect(failed, 'a swept blob cannot be committed').to.equal(true);
    expect(inDatabase(kept.sha1)).to.equal(false);
  });
});
