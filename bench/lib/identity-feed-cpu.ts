/**
 * In-process CPU cost of the B7 feed mix (issue 6), without HTTP/TLS/SOAP: the same mix as b7-identity.ts
 * (55% adds of new people, 25% other-domain variants of known people, 15% revises, 5% merges + the registry
 * merge) driven straight into CrossReference on a COPY of a B7 dataset, `concurrency` feeds in flight (the
 * serial queue then decides how much overlaps). Prints CPU-ms per feed (process.cpuUsage, main thread and
 * thread pool together), main-thread busy ms per feed (event-loop utilisation: what serialised feeds queue
 * behind, a synchronous fsync included), feeds per second and, with `--cpu-prof`, where the time goes.
 *
 *   node --import tsx bench/lib/identity-feed-cpu.ts <dataset dir> [feeds=3000] [concurrency=8]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/lib/identity-feed-cpu.ts <dir>
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CrossReference } from '../../src/patient-identity/cross-reference';
import { DEFAULT_IDENTITY_DOMAINS } from '../../src/patient-identity/domains';
import type { Patient } from '../../src/patient-identity/model';
import { openSqliteStores } from '../../src/storage/sqlite/open-sqlite';
import { DOMAINS, type IdentityDatasetInfo } from './identity-dataset';
import { PopulationGenerator, toPatient, type Person } from './identity-population';

type Feed = { kind: 'feed'; patient: Patient } | { kind: 'merge'; patient: Patient; obsolete: { id: string; authority: string } };

/** The b7-identity.ts feed mix as Patient values (same proportions and order). */
export function feedMixPatients(info: IdentityDatasetInfo, g: PopulationGenerator, runId: string): (i: number) => Feed {
  const p = info.picks;
  let merges = 0;
  return (i) => {
    const u = (i * 37) % 100;
    if (u < 55) return { kind: 'feed', patient: toPatient({ id: `${runId}n${i}`, authority: DOMAINS.B }, g.person()) };
    if (u < 80) {
      const known = p.people[(i * 7901) % p.people.length]!.person;
      return { kind: 'feed', patient: toPatient({ id: `${runId}c${i}`, authority: DOMAINS.C }, g.variant(known)) };
    }
    if (u < 95) {
      const { key, person } = p.people[(i * 7919) % p.people.length]!;
      return { kind: 'feed', patient: toPatient(key, { ...person, street: `${1 + (i % 400)} Revised Road` }) };
    }
    const [survivor, obsolete] = p.mergePairs[merges++ % p.mergePairs.length]!;
    const person: Person = p.people.find((x) => x.key.id === survivor.id)?.person ?? g.person();
    return { kind: 'merge', patient: toPatient(survivor, person), obsolete };
  };
}

async function main(): Promise<void> {
  const [src, feedsArg, concArg] = process.argv.slice(2);
  if (!src) throw new Error('usage: identity-feed-cpu.ts <dataset dir> [feeds] [concurrency]');
  const feeds = Number(feedsArg ?? 3000);
  const concurrency = Number(concArg ?? 8);
  const info = JSON.parse(readFileSync(join(src, 'b7-dataset.json'), 'utf8')) as IdentityDatasetInfo;
  const dir = mkdtempSync(join(tmpdir(), 'tessera-feedcpu-'));
  copyFileSync(join(src, 'tessera.db'), join(dir, 'tessera.db'));
  const t0 = process.cpuUsage();
  const stores = await openSqliteStores(dir);
  const openCpu = process.cpuUsage(t0);
  let n = 0;
  const xref = new CrossReference(stores.identity!, { domains: DEFAULT_IDENTITY_DOMAINS, newId: () => `M${Date.now().toString(36)}x${++n}`, now: () => new Date() });
  const mix = feedMixPatients(info, new PopulationGenerator(8), `r${Date.now().toString(36)}`);
  const decisions = new Map<string, number>();
  const one = async (i: number) => {
    const f = mix(i);
    const out = f.kind === 'merge' ? await xref.merge(f.patient, f.obsolete) : await xref.feed(f.patient);
    if (f.kind === 'merge') await stores.patients.merge(f.obsolete, f.patient.ids[0]!);
    decisions.set(out.decision, (decisions.get(out.decision) ?? 0) + 1);
  };
  await Promise.all(Array.from({ length: 200 }, (_, i) => one(feeds + i))); // warm-up (statements, caches)
  let next = 0;
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const wall0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < feeds) await one(next++);
  }));
  const wall = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  const busy = performance.eventLoopUtilization(elu0).active;
  await stores.close();
  rmSync(dir, { recursive: true, force: true });
  const ms = (us: number) => us / 1000 / feeds;
  process.stdout.write(
    `${feeds} feeds, c=${concurrency}: ${(feeds / (wall / 1000)).toFixed(0)}/s, CPU ${ms(cpu.user + cpu.system).toFixed(3)} ms/feed ` +
      `(user ${ms(cpu.user).toFixed(3)}, system ${ms(cpu.system).toFixed(3)}), main thread busy ${(busy / feeds).toFixed(3)} ms/feed; open ${((openCpu.user + openCpu.system) / 1000).toFixed(0)} ms CPU; ` +
      `decisions ${JSON.stringify(Object.fromEntries(decisions))}\n`,
  );
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
}
