/**
 * The B7 identity dataset, written DIRECTLY through SqliteIdentityStore.commit in large transactions (50k
 * records each), secondary indexes of identity_records dropped during the load and rebuilt after (the same
 * CREATE INDEX statements, read back from sqlite_master). Layout per person: an enterprise id (a record
 * without demographics, as CrossReference mints it), a record in hospital domain A, and with 40% / 20%
 * probability records in domains B and C (a clerk's variant of the demographics); 0.5% of persons also have a
 * duplicate registration in domain A that is merged into their main id (merge row with the person redirect).
 * A further 0.5% have an unmerged duplicate in domain A: the feed benchmark merges those.
 *
 * Reusable: with `dataDir` holding a dataset of the same size and seed (b7-dataset.json), nothing is built.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDb } from '../../src/storage/sqlite/db-sqlite';
import { SqliteIdentityStore } from '../../src/storage/sqlite/identity-sqlite';
import type { IdentityRecord } from '../../src/patient-identity/identity-ports';
import { keyToCx, type PatientKey } from '../../src/patient-identity/model';
import { NIST_AFFINITY_DOMAIN_OID } from '../../src/patient-identity/domains';
import { PopulationGenerator, toPatient, type Person } from './identity-population';

export const DOMAINS = { A: '1.3.6.1.4.1.21367.13.20.3000', B: '1.3.6.1.4.1.21367.13.20.3100', C: '1.3.6.1.4.1.21367.13.20.3200' } as const;

export interface IdentityPicks {
  /** Local ids (any domain) of persons, for ITI-45. */
  readonly pixIds: readonly PatientKey[];
  /** Demographics of persons in domain A (PDQ by name + birth date; feed revises and duplicates). */
  readonly people: readonly { readonly key: PatientKey; readonly person: Person }[];
  /** [survivor, obsolete] pairs in domain A, not merged yet. */
  readonly mergePairs: readonly (readonly [PatientKey, PatientKey])[];
  /** A common family name (+ birth year from 300k persons): a PDQ with more matches than one page (continuation). */
  readonly wide: { readonly family: string; readonly birthYear?: string };
}

export interface IdentityDatasetInfo {
  readonly seed: number;
  readonly persons: number;
  readonly records: number;
  readonly merges: number;
  readonly buildSeconds: number;
  readonly indexSeconds: number;
  readonly storeMB: number;
  readonly reused: boolean;
  readonly picks: IdentityPicks;
}

const T = '2026-01-01T00:00:00.000Z';
const BATCH = 50_000;

function storeMB(dir: string): number {
  return readdirSync(dir).filter((f) => f.startsWith('tessera.db')).reduce((a, f) => a + statSync(join(dir, f)).size, 0) / 1e6;
}

export async function buildIdentityDataset(o: { dataDir: string; persons: number; seed?: number; progress?: (l: string) => void }): Promise<IdentityDatasetInfo> {
  const seed = o.seed ?? 7;
  const marker = join(o.dataDir, 'b7-dataset.json');
  if (existsSync(marker)) {
    const info = JSON.parse(readFileSync(marker, 'utf8')) as IdentityDatasetInfo;
    if (info.persons === o.persons && info.seed === seed) {
      // Brings a dataset of an older schema up to date here (migrations + backfill), not in the server's start-up.
      const db = openDb(join(o.dataDir, 'tessera.db'));
      new SqliteIdentityStore(db);
      db.close();
      return { ...info, storeMB: storeMB(o.dataDir), reused: true };
    }
  }
  const db = openDb(join(o.dataDir, 'tessera.db'));
  db.pragma('synchronous = OFF');
  const store = new SqliteIdentityStore(db);
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'identity_records' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
  for (const i of indexes) db.exec(`DROP INDEX ${i.name}`);
  const g = new PopulationGenerator(seed);
  const pixIds: PatientKey[] = [];
  const people: { key: PatientKey; person: Person }[] = [];
  const mergePairs: [PatientKey, PatientKey][] = [];
  const merges: { from: PatientKey; into: PatientKey; fromPerson: string; intoPerson: string }[] = [];
  let batch: IdentityRecord[] = [];
  let records = 0;
  const flush = async () => {
    await store.commit({ records: batch });
    records += batch.length;
    batch = [];
  };
  const t0 = performance.now();
  for (let n = 0; n < o.persons; n++) {
    const p = g.person();
    const personId = keyToCx({ id: `E${n}`, authority: NIST_AFFINITY_DOMAIN_OID });
    const a = { id: `A${n}`, authority: DOMAINS.A };
    batch.push({ key: { id: `E${n}`, authority: NIST_AFFINITY_DOMAIN_OID }, personId, updated: T });
    batch.push({ key: a, personId, patient: toPatient(a, p), updated: T });
    if (g.r.next() < 0.4) batch.push({ key: { id: `B${n}`, authority: DOMAINS.B }, personId, patient: toPatient({ id: `B${n}`, authority: DOMAINS.B }, g.variant(p)), updated: T });
    if (g.r.next() < 0.2) batch.push({ key: { id: `C${n}`, authority: DOMAINS.C }, personId, patient: toPatient({ id: `C${n}`, authority: DOMAINS.C }, g.variant(p)), updated: T });
    const dup = g.r.next();
    if (dup < 0.01) {
      // A duplicate registration in A with its own (minted) person: merged now (first half) or by the feed bench.
      const d = { id: `A${n}d`, authority: DOMAINS.A };
      const dupPerson = keyToCx({ id: `E${n}d`, authority: NIST_AFFINITY_DOMAIN_OID });
      batch.push({ key: { id: `E${n}d`, authority: NIST_AFFINITY_DOMAIN_OID }, personId: dupPerson, updated: T });
      batch.push({ key: d, personId: dupPerson, patient: toPatient(d, g.variant(p)), updated: T });
      if (dup < 0.005) merges.push({ from: d, into: a, fromPerson: dupPerson, intoPerson: personId });
      else if (mergePairs.length < 20_000) mergePairs.push([a, d]);
    }
    if (n % 97 === 0 && pixIds.length < 20_000) pixIds.push(a, ...(batch.at(-1)!.key.authority !== a.authority ? [batch.at(-1)!.key] : []));
    if (n % 89 === 0 && people.length < 20_000) people.push({ key: a, person: p });
    if (batch.length >= BATCH) await flush();
    if (n > 0 && n % 200_000 === 0) o.progress?.(`identities: ${n} persons, ${records} records, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  await flush();
  // Group-committed (identity-sqlite.ts): submitted together, written in a few transactions.
  await Promise.all(merges.map((m) => store.commit({ merge: { ...m, time: T } })));
  const loaded = performance.now();
  for (const i of indexes) db.exec(i.sql);
  const indexSeconds = (performance.now() - loaded) / 1000;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  // Smith is ~2% of persons: ~2,000 at 100k (family alone), ~200 per birth year at 1M.
  const wide = o.persons >= 300_000 ? { family: 'Smith', birthYear: '1970' } : { family: 'Smith' };
  const info: IdentityDatasetInfo = {
    seed,
    persons: o.persons,
    records,
    merges: merges.length,
    buildSeconds: (performance.now() - t0) / 1000,
    indexSeconds,
    storeMB: storeMB(o.dataDir),
    reused: false,
    picks: { pixIds, people, mergePairs, wide },
  };
  writeFileSync(marker, JSON.stringify(info));
  return info;
}
