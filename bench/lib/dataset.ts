/**
 * The seeded benchmark dataset (performance.md §5.1), loaded DIRECTLY through the storage layer before the
 * server starts: every submission goes through registerSubmission (metadata rules, lifecycle planning, one
 * atomic RegistryStore.commit), exactly as an ITI-42 would after parsing, so the rows, indexes and RPLC
 * deprecations are the real ones.
 *
 * Distributions: docs per patient lognormal (median ≈ 5) plus heavy patients (0.1%, the first with exactly
 * 1,000 entries, the others 1,000–2,000); 10% of submissions carry 2–10 entries; 10% of submissions file
 * their entries in a new Folder; 5% of entries replace (RPLC) an earlier Approved entry of the same patient,
 * 2% append to / transform one (APND / XFRM); codes skewed (dataset-model.ts).
 *
 * Bulk-load durability: the SQLite file is opened with `synchronous = OFF` for the load only (the server
 * later opens it with its own FULL setting). One fsync per submission (~8 ms on this VM) would make the
 * S dataset take 15 minutes; the data written is identical.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDb } from '../../src/storage/sqlite/db-sqlite';
import { SqliteRegistryStore } from '../../src/storage/sqlite/registry-sqlite';
import { SqlitePatientIndex } from '../../src/storage/sqlite/patients-sqlite';
import { registerSubmission, type RegisterDeps } from '../../src/registry/register-submission';
import { OPEN_AFFINITY_DOMAIN } from '../../src/metadata/affinity-domain';
import { parseCx } from '../../src/metadata/hl7-types';
import type { Association, DocumentEntry, Folder, Submission } from '../../src/metadata/model';
import { Rng, association, documentEntry, entryTables, folder, patientCx, submissionSet, type EntryTables } from './dataset-model';

export interface DatasetPicks {
  /** Patients holding exactly 10 entries (any status). */
  readonly tenEntryPatients: readonly string[];
  readonly heavyPatient: string;
  readonly heavyEntries: number;
  /** entryUUIDs of Approved DocumentEntries, spread over the dataset. */
  readonly docIds: readonly string[];
  /** Up to 100 Approved entryUUIDs of one patient per group (GetDocuments must stay within one patient). */
  readonly docGroups: readonly (readonly string[])[];
  /**
   * Patients that have at least one Folder: a uniform sample of all of them. (The first 500 were taken before:
   * heavy patients come first, so at M they were 100 of the 500 picks, 20% of the FindFolders requests each
   * answering 100–200 folders, against 0.3% of folder-holding patients: that, not the plan, set the M tail.)
   */
  readonly folderPatients: readonly string[];
  /** entryUUIDs of entries that were replaced or appended to (GetRelatedDocuments has something to find). */
  readonly relatedDocIds: readonly string[];
}

export interface DatasetInfo {
  readonly seed: number;
  readonly patients: number;
  readonly documentEntries: number;
  readonly submissions: number;
  readonly folders: number;
  readonly replaced: number;
  readonly appended: number;
  readonly buildSeconds: number;
  readonly storeMB: number;
  readonly picks: DatasetPicks;
  /** True when an existing dataset in dataDir (same size, seed and statistics choice) was used as it was. */
  readonly reused: boolean;
}

/** Size of a sampled pick list (reservoir sampling, Algorithm R). */
const PICKS = 500;

/** Written next to the store once a build finished: its presence means the dataset in the folder is complete. */
const MARKER = 'b4-dataset.json';

function reusable(dataDir: string, docs: number, seed: number, keepStats: boolean): DatasetInfo | undefined {
  const marker = join(dataDir, MARKER);
  if (!existsSync(marker)) return undefined;
  const info = JSON.parse(readFileSync(marker, 'utf8')) as DatasetInfo & { readonly docs: number; readonly keepStats: boolean };
  if (info.docs !== docs || info.seed !== seed || info.keepStats !== keepStats) return undefined;
  return { ...info, storeMB: storeMB(dataDir), reused: true };
}

/** Entries per patient: heavy ones first, then lognormal counts scaled to the wanted total. */
export function planCounts(r: Rng, docs: number): number[] {
  const patients = Math.max(2, Math.floor(docs / 10));
  const heavy = Math.max(1, Math.round(patients / 1000));
  const counts = Array.from({ length: heavy }, (_, i) => (i === 0 ? 1000 : 1000 + r.int(1000)));
  const rest = Math.max(patients - heavy, 1);
  const left = Math.max(docs - counts.reduce((a, b) => a + b, 0), rest);
  const raw = Array.from({ length: rest }, () => Math.min(500, Math.exp(Math.log(5) + r.normal() * 1.1)));
  const scale = left / raw.reduce((a, b) => a + b, 0);
  const scaled = raw.map((x) => Math.max(1, Math.round(x * scale)));
  let diff = left - scaled.reduce((a, b) => a + b, 0);
  while (diff !== 0) {
    const i = r.int(rest);
    if (diff > 0 || scaled[i]! > 1) {
      scaled[i]! += Math.sign(diff);
      diff -= Math.sign(diff);
    }
  }
  return [...counts, ...scaled];
}

interface Counters {
  doc: number;
  ss: number;
  folder: number;
  assoc: number;
  replaced: number;
  appended: number;
}

/** One submission of `k` new entries for patient p; may relate its single entry to an earlier one. */
function makeSubmission(r: Rng, t: EntryTables, c: Counters, p: number, k: number, earlier: string[]): Submission {
  const ss = submissionSet(r, t, ++c.ss, p);
  const docs: DocumentEntry[] = Array.from({ length: k }, () => documentEntry(r, t, ++c.doc, p));
  const assocs: Association[] = docs.map((d) => association(++c.assoc, 'HasMember', ss.id, d.id, 'Original'));
  const folders: Folder[] = [];
  if (r.next() < 0.1) {
    const f = folder(r, ++c.folder, p);
    folders.push(f);
    assocs.push(association(++c.assoc, 'HasMember', ss.id, f.id));
    for (const d of docs) {
      const fd = association(++c.assoc, 'HasMember', f.id, d.id);
      assocs.push(fd, association(++c.assoc, 'HasMember', ss.id, fd.id));
    }
  } else if (k === 1 && earlier.length > 0) {
    const u = r.next();
    if (u < 0.05) {
      const [target] = earlier.splice(r.int(earlier.length), 1);
      assocs.push(association(++c.assoc, 'RPLC', docs[0]!.id, target!));
      c.replaced++;
    } else if (u < 0.07) {
      assocs.push(association(++c.assoc, r.next() < 0.5 ? 'APND' : 'XFRM', docs[0]!.id, r.pick(earlier)));
      c.appended++;
      // An APND/XFRM child is deprecated with its parent when that is replaced: never a later RPLC target.
      return { submissionSets: [ss], documentEntries: docs, folders, associations: assocs };
    }
  }
  // Entries filed in folders are never replacement targets: keeps folder membership out of the lifecycle mix.
  if (folders.length === 0) earlier.push(...docs.map((d) => d.id));
  return { submissionSets: [ss], documentEntries: docs, folders, associations: assocs };
}

function storeMB(dataDir: string): number {
  const bytes = readdirSync(dataDir)
    .filter((f) => f.startsWith('tessera.db'))
    .reduce((a, f) => a + statSync(join(dataDir, f)).size, 0);
  return bytes / 1e6;
}

/**
 * `keepStats`: leave the ANALYZE statistics in the file. The server never runs ANALYZE itself, so by default
 * they are removed and the server plans its queries exactly as it would on a store it filled itself.
 */
export async function buildDataset(o: { dataDir: string; docs: number; seed?: number; keepStats?: boolean; progress?: (line: string) => void }): Promise<DatasetInfo> {
  const seed = o.seed ?? 42;
  const existing = reusable(o.dataDir, o.docs, seed, o.keepStats === true);
  if (existing) return existing;
  const r = new Rng(seed);
  const t = entryTables();
  const counts = planCounts(r, o.docs);
  const db = openDb(join(o.dataDir, 'tessera.db'));
  db.pragma('synchronous = OFF');
  const patients = new SqlitePatientIndex(db);
  let uuid = 0;
  const deps: RegisterDeps = {
    registry: new SqliteRegistryStore(db),
    patients,
    affinity: OPEN_AFFINITY_DOMAIN,
    patientIdCheck: 'on',
    now: () => new Date(Date.UTC(2026, 0, 1)),
    newUuid: () => `urn:uuid:b4ffffff-0000-4000-8000-${(++uuid).toString(16).padStart(12, '0')}`,
  };
  const c: Counters = { doc: 0, ss: 0, folder: 0, assoc: 0, replaced: 0, appended: 0 };
  const tenEntryPatients: string[] = [];
  const folderPatients: string[] = [];
  const docIds: string[] = [];
  const docGroups: string[][] = [];
  const relatedDocIds: string[] = [];
  // A PRNG of its own for sampling: the dataset itself stays what the seed made it.
  const picker = new Rng(seed ^ 0x5eed);
  const sample = (into: string[], value: string, seen: number) => {
    const j = into.length < PICKS ? into.length : picker.int(seen);
    if (j < PICKS) into[j] = value;
  };
  let folderHolders = 0;
  const t0 = performance.now();
  for (let p = 0; p < counts.length; p++) {
    await patients.add(parseCx(patientCx(p))!);
    const earlier: string[] = [];
    const folders0 = c.folder;
    for (let left = counts[p]!; left > 0; ) {
      const k = Math.min(left, r.next() < 0.1 ? 2 + r.int(9) : 1);
      const s = makeSubmission(r, t, c, p, k, earlier);
      await registerSubmission(s, deps, { transaction: 'ITI-42', actor: 'registry' });
      const related = s.associations.find((a) => a.type !== 'HasMember');
      if (related) relatedDocIds.push(related.targetId);
      left -= k;
      // Planner statistics for the load only (see keepStats): without them every uniqueId check scans.
      if (c.ss === 200 || c.ss === 5000 || c.ss === 50_000) db.exec('ANALYZE');
      if (c.ss % 10_000 === 0) o.progress?.(`dataset: ${c.doc} entries, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    if (counts[p] === 10 && tenEntryPatients.length < 500) tenEntryPatients.push(patientCx(p));
    if (c.folder > folders0) sample(folderPatients, patientCx(p), ++folderHolders);
    if (docIds.length < 5000 && p % 2 === 1) docIds.push(...earlier.slice(0, 2));
    if (earlier.length >= 100 && docGroups.length < 50) docGroups.push(earlier.slice(0, 100));
  }
  // sqlite_stat4 too: this build of SQLite keeps histograms there, and half-removed statistics still steer plans.
  if (!o.keepStats) db.exec('DROP TABLE IF EXISTS sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4;');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const info: DatasetInfo = {
    seed,
    patients: counts.length,
    documentEntries: c.doc,
    submissions: c.ss,
    folders: c.folder,
    replaced: c.replaced,
    appended: c.appended,
    buildSeconds: (performance.now() - t0) / 1000,
    storeMB: storeMB(o.dataDir),
    picks: { tenEntryPatients, heavyPatient: patientCx(0), heavyEntries: counts[0]!, docIds, docGroups, folderPatients, relatedDocIds: relatedDocIds.slice(0, 2000) },
    reused: false,
  };
  writeFileSync(join(o.dataDir, MARKER), JSON.stringify({ ...info, docs: o.docs, keepStats: o.keepStats === true }));
  return info;
}
