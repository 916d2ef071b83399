/**
 * Where an open-loop tail comes from (B7 PIX at 1000/s, or BENCH_SCENARIO=feed: B7's ITI-44 mix; issue 6): the B7
 * dataset, closed loops (BENCH_WARM, default 16),
 * then BENCH_REPEAT open-loop phases at BENCH_RATE, each reported with its p99 and its clusters of slow answers
 * (over BENCH_SLOW_MS, default 10). With BENCH_CPU_PROF=<dir> the server runs under --cpu-prof and each cluster
 * is shown next to what its main thread did then: stretches it was busy without a break, and gaps where it was
 * not sampled at all (another thread or the kernel held core 0).
 *
 *   BENCH_IDENTITIES=1000000 BENCH_DATA_DIR=/var/tmp/b7m npm run bench -- tail
 *   BENCH_CPU_PROF=/tmp/prof ... npm run bench -- tail
 *
 * Any TESSERA/server variable in the environment reaches the server (an A/B is two runs with different values).
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { busyStretches, samplerGaps, timeline, type BusyStretch } from './lib/cpu-profile';
import { ackOk, feedMix, pix, queryOk } from './lib/b7-requests';
import { buildIdentityDataset } from './lib/identity-dataset';
import { PopulationGenerator } from './lib/identity-population';
import { closedLoop, devPki, openLoop } from './lib/load';
import { contextLine, pinLoadGenerator, runContext, table } from './lib/report';
import { startServerProcess } from './lib/server-process';

const PERSONS = Number(process.env.BENCH_IDENTITIES ?? 100_000);
const DATA_DIR = process.env.BENCH_DATA_DIR ?? `/var/tmp/tessera-b7-${PERSONS}`;
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const SLOW_MS = Number(process.env.BENCH_SLOW_MS ?? 10);
const CPU_PROF = process.env.BENCH_CPU_PROF;
/** Closed-loop phases (concurrencies, 8 s each) before the open loop; B7 runs 1,4,16. */
const WARM = (process.env.BENCH_WARM ?? '16').split(',').map(Number);
/** pix (ITI-45 queries, default) or feed (B7's ITI-44 mix: adds, linking adds, revises, merges). */
const SCENARIO = process.env.BENCH_SCENARIO ?? 'pix';

interface Cluster {
  readonly fromMono: number;
  toMono: number;
  count: number;
  maxMs: number;
}

/** Slow answers whose scheduled times lie within 50 ms of each other form one cluster (one stall). */
function clusters(slow: readonly { due: number; ms: number }[]): Cluster[] {
  const out: Cluster[] = [];
  for (const s of [...slow].sort((a, b) => a.due - b.due)) {
    const last = out.at(-1);
    if (last && s.due - last.toMono < 50) {
      last.toMono = Math.max(last.toMono, s.due + s.ms);
      last.count++;
      last.maxMs = Math.max(last.maxMs, s.ms);
    } else out.push({ fromMono: s.due, toMono: s.due + s.ms, count: 1, maxMs: s.ms });
  }
  return out;
}

async function main(): Promise<void> {
  pinLoadGenerator();
  const context = runContext();
  await mkdir(DATA_DIR, { recursive: true });
  const dataset = await buildIdentityDataset({ dataDir: DATA_DIR, persons: PERSONS, seed: 7, progress: (l) => process.stderr.write(`${l}\n`) });
  const server = await startServerProcess({ dataDir: DATA_DIR, core: 0, ...(CPU_PROF ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] } : {}) });
  const tls = devPki(DATA_DIR);
  const feed = feedMix(`t${Date.now().toString(36)}`, dataset.picks, new PopulationGenerator(8));
  let n = 0; // one id sequence over all phases: every feed add is a new identifier
  const make = SCENARIO === 'feed' ? () => feed(n++) : (i: number) => pix(i, dataset.picks);
  const ok = SCENARIO === 'feed' ? ackOk : queryOk;

  for (const concurrency of WARM) await closedLoop({ url: server.url, tls, concurrency, seconds: 8, make, check: ok });
  const phases: { p50: number; p99: number; p999: number; cpu: number; late: number; found: Cluster[]; fromMono: number }[] = [];
  for (let r = 0; r < REPEAT; r++) {
    const slow: { due: number; ms: number }[] = [];
    let first = Infinity;
    const cpu0 = server.cpuMs();
    const res = await openLoop({
      url: server.url, tls, rate: RATE, seconds: SECONDS, maxInFlight: 64, make, check: ok,
      trace: (due, ms) => {
        first = Math.min(first, due);
        if (ms > SLOW_MS) slow.push({ due, ms });
      },
    });
    phases.push({ p50: res.p50, p99: res.p99, p999: res.p999, cpu: (server.cpuMs() - cpu0) / res.requests, late: res.sendLateMax ?? NaN, found: clusters(slow), fromMono: first });
    process.stderr.write(`phase ${r + 1}: p50 ${res.p50.toFixed(2)} p99 ${res.p99.toFixed(1)} p99.9 ${res.p999.toFixed(1)} ms, ${slow.length} over ${SLOW_MS} ms\n`);
  }
  await server.stop();

  let busy: BusyStretch[] = [];
  let gaps: { monoMs: number; ms: number }[] = [];
  let mainProfile: string | undefined;
  if (CPU_PROF) {
    const files = (await readdir(CPU_PROF)).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(CPU_PROF, f));
    // The server's main thread: the profile with the most busy stretches (the worker's and the loader's have few).
    const main = files.map((f) => ({ f, b: busyStretches(f, 5) })).sort((a, b) => b.b.length - a.b.length)[0];
    if (main) {
      busy = main.b;
      gaps = samplerGaps(main.f, 3);
      mainProfile = main.f;
    }
  }
  process.stdout.write(`\nOpen loop ${RATE}/s × ${SECONDS} s, ${REPEAT} phases, ${SCENARIO} on ${dataset.persons} persons; ${contextLine(context)}\n\n`);
  process.stdout.write(`${table(['phase', 'p50 ms', 'p99 ms', 'p99.9 ms', 'CPU ms/req', 'generator worst lateness ms', `clusters of answers > ${SLOW_MS} ms`], phases.map((p, i) => [i + 1, p.p50, p.p99, p.p999, p.cpu, p.late, p.found.length]))}\n`);
  phases.forEach((p, i) => {
    const rows = p.found.filter((c) => c.count >= 3).map((c) => {
      const near = (t: number) => t >= c.fromMono - 60 && t <= c.toMono;
      const b = busy.filter((x) => near(x.monoMs) || near(x.monoMs + x.ms)).map((x) => `${x.ms.toFixed(0)} ms: ${x.top.map((t) => `${t.fn} ${t.ms.toFixed(1)}`).join(', ')}`);
      const g = gaps.filter((x) => near(x.monoMs)).map((x) => x.ms.toFixed(1));
      return [(c.fromMono - p.fromMono).toFixed(0), (c.toMono - c.fromMono).toFixed(0), c.count, c.maxMs, g.join(' ') || '–', b.join(' / ') || '–'];
    });
    process.stdout.write(`\nPhase ${i + 1}, clusters of ≥ 3 slow answers:\n\n${table(['at ms', 'span ms', 'answers', 'worst ms', 'sampler gaps ms', 'main thread busy ≥ 5 ms (most sampled, ms)'], rows)}\n`);
    // The worst cluster, sample by sample: what the main thread did from 60 ms before it to its end.
    const worst = [...p.found].sort((a, b) => b.maxMs - a.maxMs)[0];
    if (mainProfile && worst) process.stdout.write(`\nWorst cluster's main thread (ms): ${timeline(mainProfile, worst.fromMono - 60, worst.toMono)}\n`);
  });
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
