/**
 * Migration 8 ("registry write indexes", registry-query-sqlite.ts): codes, author persons and referenceIds
 * are columns of the object row. Checks the column encoding against look-alike values and that a store
 * written by the side-table schema (version 7) is carried over by the migration.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { schemaVersion } from '../../../src/storage/sqlite/db-sqlite';
import { openSqliteStores, type SqliteStores } from '../../../src/storage/sqlite/open-sqlite';
import { tempDir } from '../backends';
import { PID, author, docEntry, folder, submission } from '../fixtures';

const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id).sort();

describe('SQLite registry write indexes (migration 8)', () => {
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

  it('matches codes exactly, whatever separator-like characters the values carry', async () => {
    const odd = docEntry({ classCode: { code: 'a\x1eb', codingScheme: 's\x1f\x1c' } });
    const plain = docEntry({ classCode: { code: 'a', codingScheme: 'b' } });
    await s.registry.commit(submission([odd, plain]));
    const find = async (code: string, codingScheme?: string) =>
      ids(await s.registry.findDocumentEntries({ patientIds: [PID], classCode: { anyOf: [{ code, codingScheme }] } }, { limit: 10 }));
    expect(await find('a\x1eb', 's\x1f\x1c')).to.deep.equal([odd.id]);
    expect(await find('a\x1eb')).to.deep.equal([odd.id]);
    expect(await find('a')).to.deep.equal([plain.id]);
    expect(await find('a', 'b')).to.deep.equal([plain.id]);
    expect(await find('a', 'b\x1e')).to.deep.equal([]);
    expect(await find('b')).to.deep.equal([]);
    // The field is part of the needle: the classCode value is not a typeCode.
    expect(ids(await s.registry.findDocumentEntries({ patientIds: [PID], typeCode: { anyOf: [{ code: 'a' }] } }, { limit: 10 }))).to.deep.equal([]);
  });

  it('writes no side-table rows and keeps the (kind, id) index out of the schema', async () => {
    await s.registry.commit(submission([docEntry()]));
    const db = (s.registry as unknown as { db: Database.Database }).db;
    const names = (db.prepare(`SELECT name FROM sqlite_schema`).all() as { name: string }[]).map((r) => r.name);
    expect(names).to.not.include.members(['codes', 'author_persons', 'reference_ids', 'objects_kind_id']);
    const row = db.prepare(`SELECT codes, author_persons, reference_ids FROM objects WHERE kind = 'DocumentEntry'`).get() as Record<string, string | null>;
    expect(row.codes).to.include('classCode\x1eclass-a\x1escheme-1\x1f');
    expect(row.author_persons).to.equal(null);
  });

  it('moves the side-table rows of a version-7 store into the columns', async () => {
    const de = docEntry({ authors: [author('^Old^Author')], referenceIdList: ['ref-1^^^&1.2&ISO'], classCode: { code: 'x\x1ey', codingScheme: 'sch' } });
    const f = folder();
    await s.registry.commit(submission([de, f]));
    await s.close();
    downgradeToVersion7(join(dir, 'tessera.db'));
    s = await openSqliteStores(dir);
    const find = (c: object) => s.registry.findDocumentEntries({ patientIds: [PID], ...c }, { limit: 10 }).then(ids);
    expect(await find({ classCode: { anyOf: [{ code: 'x\x1ey', codingScheme: 'sch' }] } })).to.deep.equal([de.id]);
    expect(await find({ classCode: { anyOf: [{ code: 'x' }] } })).to.deep.equal([]);
    expect(await find({ confidentialityCodes: [{ anyOf: [{ code: 'N' }] }] })).to.deep.equal([de.id]);
    expect(await find({ authorPersons: ['%Old%'] })).to.deep.equal([de.id]);
    expect(await find({ referenceIds: ['ref-1^^^&1.2&ISO'] })).to.deep.equal([de.id]);
    expect(await find({ referenceIds: ['ref-2'] })).to.deep.equal([]);
    const folders = await s.registry.findFolders({ patientIds: [PID], codeList: [{ anyOf: [{ code: 'folder-a', codingScheme: 'scheme-1' }] }] }, { limit: 10 });
    expect(ids(folders)).to.deep.equal([f.id]);
    // document_uids came along: the same uniqueId with another hash is still refused.
    let err: unknown;
    await s.registry.commit(submission([docEntry({ uniqueId: de.uniqueId, hash: 'ff'.repeat(20) })])).catch((e: unknown) => (err = e));
    expect(String(err)).to.match(/uniqueId/);
  });
});

/**
 * Rewrites a current store into the version-7 layout: the columns' content goes back into the side tables
 * (decoded from the column format), the columns are dropped, the old indexes and document_uids return.
 */
function downgradeToVersion7(file: string): void {
  const db = new Database(file);
  expect(db.pragma('user_version', { simple: true })).to.equal(schemaVersion);
  db.exec(`
    CREATE TABLE codes (object_id TEXT NOT NULL REFERENCES objects(id), field TEXT NOT NULL, code TEXT NOT NULL, scheme TEXT NOT NULL);
    CREATE INDEX codes_object ON codes (object_id, field, code, scheme);
    CREATE INDEX codes_value ON codes (field, code, scheme);
    CREATE TABLE author_persons (object_id TEXT NOT NULL REFERENCES objects(id), person TEXT NOT NULL);
    CREATE INDEX author_persons_object ON author_persons (object_id);
    CREATE TABLE reference_ids (object_id TEXT NOT NULL REFERENCES objects(id), ref TEXT NOT NULL);
    CREATE INDEX reference_ids_object ON reference_ids (object_id, ref);
    CREATE INDEX reference_ids_ref ON reference_ids (ref);
  `);
  const unescape = (v: string) => v.replace(/\x1c(.)/g, (_, c: string) => String.fromCharCode(c.charCodeAt(0) - 32));
  const rows = db.prepare(`SELECT id, codes, author_persons, reference_ids FROM objects`).all() as Record<string, string | null>[];
  for (const r of rows) {
    for (const entry of (r.codes ?? '').split('\x1f').filter(Boolean)) {
      const [field, code, scheme] = entry.split('\x1e').map(unescape);
      db.prepare(`INSERT INTO codes VALUES (?, ?, ?, ?)`).run(r.id, field, code, scheme);
    }
    for (const p of JSON.parse(r.author_persons ?? '[]') as string[]) db.prepare(`INSERT INTO author_persons VALUES (?, ?)`).run(r.id, p);
    for (const x of JSON.parse(r.reference_ids ?? '[]') as string[]) db.prepare(`INSERT INTO reference_ids VALUES (?, ?)`).run(r.id, x);
  }
  db.exec(`
    ALTER TABLE objects DROP COLUMN codes;
    ALTER TABLE objects DROP COLUMN author_persons;
    ALTER TABLE objects DROP COLUMN reference_ids;
    CREATE TABLE document_uids_old (unique_id TEXT PRIMARY KEY, hash TEXT, size TEXT);
    INSERT INTO document_uids_old SELECT * FROM document_uids;
    DROP TABLE document_uids;
    ALTER TABLE document_uids_old RENAME TO document_uids;
    DROP INDEX objects_kind_unique_id;
    DROP INDEX objects_kind_assoc_source;
    DROP INDEX objects_kind_assoc_target;
    CREATE INDEX objects_kind_id ON objects (kind, id);
    CREATE INDEX objects_kind_unique_id ON objects (kind, unique_id);
    CREATE INDEX objects_kind_assoc_source ON objects (kind, assoc_source);
    CREATE INDEX objects_kind_assoc_target ON objects (kind, assoc_target);
    DROP TABLE document_contents;
  `);
  expect((db.prepare(`SELECT count(*) AS n FROM codes`).get() as { n: number }).n).to.equal(8); // 6 of the DocumentEntry, 1 of the folder, 1 of the SubmissionSet
  db.pragma('user_version = 8'); // before REGISTRY_WRITE_INDEXES_SQL (migrations[8])
  db.close();
}
