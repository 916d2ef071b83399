/**
 * SqliteIdentityStore beyond the port contract (test/storage/identity-store.contract.ts runs that on every
 * backend): the migration-4 backfill and the migrations.
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
