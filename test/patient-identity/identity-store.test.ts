/**
 * SqliteIdentityStore beyond the port contract (test/storage/identity-store.contract.ts runs that on every
 * backend): compound blocking keys, the PDQ search index, the migration-4 backfill, and the migrations.
 */
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../src/storage/sqlite/db-sqlite';
import { SqliteIdentityStore } from '../../src/storage/sqlite/identity-sqlite';
import type { IdentityStore } from '../../src/patient-identity/identity-ports';
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
  let store: IdentityStore;
  let close: () => void;

  beforeEach(() => {
    const o = openIdentityDb();
    store = o.identity;
    close = () => o.db.close();
  });
  afterEach(() => close());

  it('candidates on compound keys (matchKeys) find a variant of a record and not its neighbours', async () => {
    await store.commit({
      records: [
        { key: k('a'), personId: 'P1', patient: demo('Johnson', 'Margaret', '19650412'), updated: T },
        { key: k('b'), personId: 'P2', patient: demo('Jones', 'Peter', '19650412'), updated: T },
        { key: k('c'), personId: 'P3', patient: demo('Johnson', 'Margaret'), updated: T },
        { key: k('d'), personId: 'P4', patient: demo('Smith', 'Anna', '19650101'), updated: T },
      ],
    });
    const ids = async (p: Patient) => (await store.candidates({ nameKeys: matchKeys(p) }, 10)).map((r) => r.key.id).sort();
    // Swapped names + day/month swap: the year key; b shares the birth date and family initial (D key);
    // c has no birth date (M key); d shares nothing.
    expect(await ids(demo('Margaret', 'Jonhson', '19651204'))).to.deep.equal(['a', 'c']);
    expect(await ids(demo('Jonson', 'Margaret', '19650412'))).to.deep.equal(['a', 'b', 'c']);
    expect(await ids(demo('Johnsen', 'Margaret'))).to.deep.equal(['a', 'c']);
  });

  it('searchCandidates narrows PDQ on name and birth date prefixes, ANDed, merged-away excluded', async () => {
    const sqlite = store as SqliteIdentityStore;
    await store.commit({
      records: [
        { key: k('a'), personId: 'P1', patient: demo('Johnson', 'Margaret', '19650412'), updated: T },
        { key: k('b'), personId: 'P2', patient: demo('Johnston', 'Mark', '19650412'), updated: T },
        { key: k('c'), personId: 'P3', patient: demo('Johnson', 'Margaret', '19700101'), updated: T },
        { key: k('d'), personId: 'P4', updated: T },
      ],
    });
    const ids = async (b: Parameters<SqliteIdentityStore['searchCandidates']>[0]) => (await sqlite.searchCandidates(b, 10)).map((r) => r.key.id).sort();
    expect(await ids({ family: 'JOHNSON', birth: '19650412' })).to.deep.equal(['a']);
    expect(await ids({ family: 'JOHNS', birth: '1965' })).to.deep.equal(['a', 'b']);
    expect(await ids({ given: 'MAR' })).to.deep.equal(['a', 'b', 'c']);
    expect(await ids({ birth: '1970' })).to.deep.equal(['c']);
    await store.commit({ merge: { from: k('c'), into: k('a'), time: T } });
    expect(await ids({ family: 'JOHNSON' })).to.deep.equal(['a']);
  });

  it('fills the search columns of records written before migration 4 when opened', async () => {
    const o = openIdentityDb();
    try {
      await o.identity.commit({ records: [{ key: k('a'), personId: 'P1', patient: demo('Johnson', 'Margaret', '19650412'), updated: T }] });
      o.db.exec("UPDATE identity_records SET block_key1 = NULL, block_key2 = NULL, block_key3 = NULL, block_key4 = NULL, pdq_family = NULL, pdq_given = NULL, pdq_birth = NULL; INSERT INTO identity_backfill VALUES (4)");
      expect(await o.identity.searchCandidates({ family: 'JOHNSON' }, 10)).to.have.length(0);
      const reopened = new SqliteIdentityStore(o.db);
      expect((await reopened.searchCandidates({ family: 'JOHNSON', birth: '1965' }, 10)).map((r) => r.key.id)).to.deep.equal(['a']);
      expect(await reopened.candidates({ nameKeys: matchKeys(demo('Jonson', 'Margaret', '19650412')) }, 10)).to.have.length(1);
      expect(o.db.prepare('SELECT count(*) AS n FROM identity_backfill').get()).to.deep.equal({ n: 0 });
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
