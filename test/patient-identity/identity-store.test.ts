/**
 * SqliteIdentityStore beyond the port contract (test/storage/identity-store.contract.ts runs that on every
 * backend): the migration-4 and migration-7 backfills, the migrations, and the group-committed writes.
 */
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../src/storage/sqlite/db-sqlite';
import { SqliteIdentityStore } from '../../src/storage/sqlite/identity-sqlite';
import type { Patient } from '../../src/patient-identity/model';
import { openIdentityDb } from './support';
import { matchKeys } from '../../src/patient-identity/matching/blocking';

const T = '2026-01-01T00:00:00.000Z';
const demo = (family: string, given: string, birthTime?: string): Patient => ({
  ids: [],
  otherIds: [],
  names: [{ family: [family], given: [given] }],
  birthTime,
  addresses: [],
  telecoms: [],
});
const k = (id: string) => ({ id, authority: '1.2.3' });

describe('IdentityStore (SQLite)', () => {
  it('fills the search columns of records written before migration 4 when opened', async () => {
    const o = openIdentityDb();
    try {
      await o.identity.commit({ records: [{ key: k('a'), personId: 'P1', patient: demo('Johnson', 'Margaret', '19650412'), updated: T }] });
      o.db.exec("UPDATE identity_records SET block_key1 = NULL, block_key2 = NULL, block_key3 = NULL, block_key4 = NULL, pdq_family = NULL, pdq_given = NULL, pdq_birth = NULL; INSERT INTO identity_backfill VALUES (4)");
      expect(await o.identity.searchCandidates({ family: 'JOHNSON' }, 10)).to.have.length(0);
      const reopened = new SqliteIdentityStore(o.db);
      expect((await reopened.searchCandidates({ family: 'JOHNSON', birth: '1965' }, 10)).map((r) => r.key.id)).to.deep.equal(['a']);
      expect(await reopened.candidates(matchKeys(demo('Jonson', 'Margaret', '19650412')), 10)).to.have.length(1);
      expect(o.db.prepare('SELECT count(*) AS n FROM identity_backfill').get()).to.deep.equal({ n: 0 });
    } finally {
      o.db.close();
    }
  });

  it('migration 7 fills the comparables and the new year keys of existing rows when opened', async () => {
    const o = openIdentityDb();
    try {
      await o.identity.commit({ records: [{ key: k('a'), personId: 'P1', patient: demo('Jöhnson', 'Margaret', '19650412'), updated: T }] });
      // As a database of schema 6 left it: the year key without month/day, no comparables, no day key.
      o.db.exec("UPDATE identity_records SET block_key1 = 'Y1965|J|M', block_key5 = NULL, match_cmp = NULL; INSERT INTO identity_backfill VALUES (7)");
      // Before the backfill: found through the year-only key every probe with a full date asks, compared from JSON.
      const before = await o.identity.candidates(matchKeys(demo('Jonson', 'Margaret', '19651204')), 10);
      expect(before.map((c) => c.comparable)).to.deep.equal([{ family: 'JOHNSON', given: 'MARGARET', gender: '', street: '', city: '', postalCode: '', birth: '19650412' }]);
      new SqliteIdentityStore(o.db);
      expect(o.db.prepare('SELECT block_key1, block_key5, match_cmp FROM identity_records').get()).to.deep.equal({
        block_key1: 'Y1965|J|M|04',
        block_key5: 'Y1965|J|M|12',
        match_cmp: 'JOHNSON|MARGARET|||||19650412',
      });
      expect(await o.identity.candidates(matchKeys(demo('Jonson', 'Margaret', '19651204')), 10)).to.deep.equal(before);
    } finally {
      o.db.close();
    }
  });

  it('write: applied (seen by later writes and reads) before durable, which waits for the WAL fsync', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-idgc-'));
    const db = openDb(join(dir, 'tessera.db'));
    const held: (() => void)[] = [];
    const store = new SqliteIdentityStore(db, { fsyncFile: () => new Promise<void>((resolve) => held.push(resolve)) });
    try {
      const first = store.write({ records: [{ key: k('a'), personId: 'P1', patient: demo('Ann', 'Lee', '19800101'), updated: T }] });
      await first.applied;
      expect(await store.getRecord(k('a'))).to.deep.include({ personId: 'P1' });
      let done = false;
      void first.durable.then(() => (done = true));
      const second = store.write({ records: [{ key: k('b'), personId: 'P2', updated: T }] });
      await second.applied;
      expect(await store.getRecord(k('b'))).to.deep.include({ personId: 'P2' });
      await new Promise((r) => setImmediate(r));
      expect(done).to.equal(false); // nothing is durable before its fsync returned
      held.splice(0).forEach((r) => r());
      await first.durable;
      await new Promise((r) => setImmediate(r));
      held.splice(0).forEach((r) => r()); // the second batch committed while the first fsync ran: it waits for the next
      await second.durable;
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('write: a failing batch rolls back alone, its neighbours stand', async () => {
    const o = openIdentityDb();
    try {
      const first = o.identity.write({ records: [{ key: k('a'), personId: 'P1', updated: T }], merge: { from: k('x'), into: k('a'), time: T } });
      // A second merge of the same id violates the merges primary key: only its batch (record c included) is undone.
      const dup = o.identity.write({ records: [{ key: k('c'), personId: 'P3', updated: T }], merge: { from: k('x'), into: k('b'), time: T } });
      const third = o.identity.write({ records: [{ key: k('d'), personId: 'P4', updated: T }] });
      await Promise.all([first.applied, dup.applied, third.applied]);
      await first.durable;
      await third.durable;
      let failed: unknown;
      await dup.durable.catch((e: unknown) => (failed = e));
      expect(String(failed)).to.match(/UNIQUE|PRIMARY/);
      expect(await o.identity.getRecord(k('c'))).to.equal(undefined);
      expect(await o.identity.getRecord(k('d'))).to.deep.include({ personId: 'P4' });
      expect(await o.identity.mergedInto(k('x'))).to.deep.equal(k('a'));
    } finally {
      o.db.close();
    }
  });

  it('is part of the tessera.db migrations', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-idmig-'));
    const db = openDb(join(dir, 'tessera.db'));
    try {
      const s = new SqliteIdentityStore(db);
      await s.commit({ records: [{ key: k('a'), personId: 'P', updated: T }] });
      expect(await s.getRecord(k('a'))).to.deep.include({ personId: 'P' });
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
