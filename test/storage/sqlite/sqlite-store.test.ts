/** SQLite-only properties: query plans, schema version, durability settings, several processes on one file. */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { schemaVersion } from '../../../src/storage/sqlite/db-sqlite';
import { openSqliteStores, type SqliteStores } from '../../../src/storage/sqlite/open-sqlite';
import type { ExplainQuery } from '../../../src/storage/sqlite/registry-sqlite';
import { tempDir } from '../backends';
import { spawnUntil } from '../child-process';
import { PID, author, docEntry, oid, submission } from '../fixtures';
import { readAll } from '../document-store.contract';

describe('SQLite stores', () => {
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

  it('answers patient-scoped queries from an index, never a scan of objects', async () => {
    // Enough rows that the planner has a reason to choose; the plan must use the patient index regardless.
    for (let i = 0; i < 20; i++) await s.registry.commit(submission([docEntry({ patientId: `p${i}^^^&1.2&ISO` })]));
    const cases: ExplainQuery[] = [
      { documentEntries: { patientIds: [PID], statuses: ['Approved'] } },
      { documentEntries: { patientIds: [PID], statuses: ['Approved'], classCode: { anyOf: [{ code: 'c' }] }, eventCodes: [{ anyOf: [{ code: 'e' }] }] } },
      { documentEntries: { patientIds: [PID], statuses: ['Approved', 'Deprecated'], creationTime: { from: '2020', to: '2021' }, authorPersons: ['%x%'] } },
      { documentEntries: { patientIds: [PID], statuses: ['Approved'], types: ['stable'], referenceIds: ['r'] } },
      { submissionSets: { patientIds: [PID], statuses: ['Approved'], submissionTime: { from: '2020' }, authorPersons: ['%x%'] } },
      { folders: { patientIds: [PID], statuses: ['Approved'], codeList: [{ anyOf: [{ code: 'f' }] }] } },
    ];
    for (const c of cases) {
      const plan = s.registry.explain(c);
      expect(plan.some((l) => /^SEARCH o USING INDEX objects_patient/.test(l)), plan.join('\n')).to.equal(true);
      expect(plan.some((l) => /^SCAN o\b/.test(l)), plan.join('\n')).to.equal(false);
    }
  });

  it('answers id, uniqueId and association lookups from indexes that narrow more than the kind', async () => {
    // Rows of every kind and no planner statistics, as on a fresh server (bench/iti18-query.ts found the
    // planner walking objects_patient(kind=?) over every object of a kind for these lookups).
    for (let i = 0; i < 20; i++) await s.registry.commit(submission([docEntry({ patientId: `p${i}^^^&1.2&ISO` })]));
    const cases: ExplainQuery[] = [
      { documentEntries: { ids: ['urn:uuid:x'] } },
      { documentEntries: { uniqueIds: ['1.2'] } },
      { submissionSets: { uniqueIds: ['1.2'] } },
      { associations: { endpointIds: ['urn:uuid:x'], types: ['HasMember'] } },
      { associations: { sourceIds: ['urn:uuid:x'] } },
      { associations: { targetIds: ['urn:uuid:x'] } },
    ];
    for (const c of cases) {
      const plan = s.registry.explain(c);
      expect(plan.some((l) => /^SCAN o\b/.test(l)), `${JSON.stringify(c)}\n${plan.join('\n')}`).to.equal(false);
      expect(plan.some((l) => /USING (COVERING )?INDEX \w+ \(kind=\?\)/.test(l)), `${JSON.stringify(c)}\n${plan.join('\n')}`).to.equal(false);
    }
  });

  it('opens with WAL, synchronous=FULL and the current schema version, and keeps data across reopen', async () => {
    const de = docEntry({ authors: [author('^Keep^Me')] });
    await s.registry.commit(submission([de]));
    await s.close();
    const raw = new Database(join(dir, 'tessera.db'), { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).to.equal('wal');
    expect(raw.pragma('user_version', { simple: true })).to.equal(schemaVersion);
    raw.close();
    s = await openSqliteStores(dir);
    const db = (s.registry as unknown as { db: Database.Database }).db;
    expect(db.pragma('synchronous', { simple: true })).to.equal(2); // FULL
    expect(await s.registry.findDocumentEntries({ authorPersons: ['%Keep%'] }, { limit: 5 })).to.have.length(1);
  });

  it('refuses a database file from a newer schema', async () => {
    await s.close();
    const raw = new Database(join(dir, 'tessera.db'));
    raw.pragma(`user_version = ${schemaVersion + 1}`);
    raw.close();
    let err: unknown;
    await openSqliteStores(dir).then((x) => (s = x), (e: unknown) => (err = e));
    expect(String(err)).to.match(/newer than this server/);
    s = await openSqliteStores(join(dir, 'other')); // something for afterEach to close
  });

  it('lets exactly one of two processes committing one uniqueId win', async () => {
    const uid = oid();
    const startAt = Date.now() + 2500;
    const runs = [0, 1].map(() => spawnUntil('sqlite/commit-child.ts', ['race', dir, uid, String(startAt)], '\n'));
    await Promise.all(runs.map((r) => r.ready));
    await Promise.all(runs.map((r) => r.exited));
    const outputs = await Promise.all(runs.map((r) => new Promise<string>((res) => res(r.output()))));
    expect(outputs.sort()).to.deep.equal(['conflict uniqueId', 'ok']);
    expect(await s.registry.findDocumentEntries({ uniqueIds: [uid] }, { limit: 5 })).to.have.length(1);
  });

  it('after SIGKILL during commits, every acknowledged document is there and every row has its bytes', async () => {
    await s.close();
    const run = spawnUntil('sqlite/commit-child.ts', ['loop', dir], 'acked');
    await run.ready;
    await new Promise((r) => setTimeout(r, 300 + Math.random() * 300));
    run.child.kill('SIGKILL');
    await run.exited;
    const acked = run.output().split('\n').filter((l) => l.startsWith('acked ')).map((l) => l.split(' '));
    expect(acked.length).to.be.greaterThan(0);
    s = await openSqliteStores(dir);
    for (const [, uid, sha1] of acked) expect((await s.documents.find(uid, '1.2.3'))?.sha1, uid).to.equal(sha1);
    const db = (s.registry as unknown as { db: Database.Database }).db;
    // Sizes 1 B to 300 KB: small documents' bytes are in the database, larger ones in files.
    const rows = db.prepare('SELECT document_uid AS uid, sha1, size FROM documents').all() as { uid: string; sha1: string; size: number }[];
    let inDb = 0;
    for (const r of rows) {
      if (db.prepare('SELECT 1 FROM document_contents WHERE sha1 = ?').get(r.sha1)) inDb++;
      const bytes = await readAll(s.documents.open((await s.documents.find(r.uid, '1.2.3'))!));
      expect(createHash('sha1').update(bytes).digest('hex')).to.equal(r.sha1);
      expect(bytes.length).to.equal(r.size);
    }
    if (rows.length >= 7) expect(inDb, 'some in the database, some in files').to.be.within(1, rows.length - 1);
    await s.documents.sweep(0);
    expect(db.prepare('SELECT count(*) AS n FROM documents').get()).to.deep.equal({ n: rows.length });
  });
});
