/**
 * B7 (../shared/reference/performance.md §5.2/§5.3; issue 6): PIX/PDQ over mutual-TLS SOAP against an
 * identity store of BENCH_IDENTITIES persons (default 100k; the target is stated at 1M), loaded through
 * SqliteIdentityStore before the server starts (bench/lib/identity-dataset.ts).
 *
 *   npm run bench -- b7                                   (100k persons)
 *   BENCH_IDENTITIES=1000000 BENCH_DATA_DIR=/var/tmp/b7 npm run bench -- b7   (1M, dataset kept for re-runs)
 *   BENCH_ONLY=feed npm run bench -- b7                   (only the ITI-44 feed scenarios; groups pix, pdq, feed, comma-separated)
 *   BENCH_CPU_PROF=/tmp/prof BENCH_ONLY=feed npm run bench -- b7   (server under --cpu-prof; top functions printed)
 *
 * Targets at 1M: ITI-45 ≥ 1,000/s with p99 ≤ 20 ms; ITI-47 by name + birth date ≥ 300/s with p99 ≤ 50 ms;
 * ITI-44 feed ≥ 300/s including matching (adds of new people, adds of known people from another domain that
 * link, revises, merges). Closed loop at a few concurrencies, open loop at the target rate (latency from the
 * scheduled send time). Server on core 0, load generator on core 1; CPU-ms per request from /proc.
 * Results: markdown on stdout + bench/results/b7-<ts>.json.
 */
import { mkdtemp, mkdir, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyStretches, summariseProfile } from './lib/cpu-profile';
import { ackOk, feedMix, pdq, pdqContinued, pix, queryOk, type Request } from './lib/b7-requests';
import { buildIdentityDataset } from './lib/identity-dataset';
import { PopulationGenerator } from './lib/identity-population';
import { closedLoop, devPki, openLoop, type LoadResult } from './lib/load';
import { passMiss, pinLoadGenerator, contextLine, runContext, table, writeResult } from './lib/report';
import { startServerProcess, type ServerProcess } from './lib/server-process';

const PERSONS = Number(process.env.BENCH_IDENTITIES ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const SEED = Number(process.env.BENCH_SEED ?? 7);
const DATA_DIR = process.env.BENCH_DATA_DIR;
/** Scenario groups to run: pix, pdq, feed (default all). */
const CPU_PROF = process.env.BENCH_CPU_PROF;
const ONLY = new Set((process.env.BENCH_ONLY ?? 'pix,pdq,feed').split(',').map((x) => x.trim()));

interface Row extends LoadResult {
  readonly scenario: string;
  readonly mode: string;
  readonly cpuMsPerRequest: number;
  readonly target: string;
  readonly verdict: string;
}

/** Top self and inclusive functions of the server's profile (the tsx loader's helper profile is skipped). */
async function printProfiles(dir: string): Promise<void> {
  for (const f of (await readdir(dir)).filter((x) => x.endsWith('.cpuprofile'))) {
    const s = summariseProfile(join(dir, f), 30);
    if (s.totalMs < 500) continue;
    const rows = (hs: typeof s.self) => table(['ms', 'share', 'function'], hs.map((h) => [h.ms, `${(h.share * 100).toFixed(1)}%`, `\`${h.fn}\``]));
    process.stdout.write(`\n### server profile ${f}: ${s.totalMs.toFixed(0)} ms\n\nSelf:\n\n${rows(s.self)}\n\nInclusive:\n\n${rows(s.inclusive)}\n`);
    const stalls = busyStretches(join(dir, f), 15);
    const stallRows = stalls.map((b) => [b.atMs.toFixed(0), b.ms.toFixed(1), b.top.map((x) => `${x.fn} (${x.ms.toFixed(1)})`).join('; ')]);
    process.stdout.write(`\nMain thread busy without a break for ≥ 15 ms (${stalls.length}):\n\n${table(['at ms', 'ms', 'most sampled (ms)'], stallRows)}\n`);
  }
}

async function main(): Promise<void> {
  pinLoadGenerator();
  const context = runContext();
  const dataDir = DATA_DIR ?? (await mkdtemp(join(tmpdir(), 'tessera-b7-')));
  await mkdir(dataDir, { recursive: true });
  const dataset = await buildIdentityDataset({ dataDir, persons: PERSONS, seed: SEED, progress: (l) => process.stderr.write(`${l}\n`) });
  process.stderr.write(`dataset: ${dataset.persons} persons, ${dataset.records} records${dataset.reused ? ' (reused)' : ` in ${dataset.buildSeconds.toFixed(0)} s (indexes ${dataset.indexSeconds.toFixed(0)} s)`}, ${dataset.storeMB.toFixed(0)} MB\n`);
  const server: ServerProcess = await startServerProcess({ dataDir, core: 0, ...(CPU_PROF ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] } : {}) });
  const tls = devPki(dataDir);
  const p = dataset.picks;
  const runId = `r${Date.now().toString(36)}`;
  const rows: Row[] = [];

  const run = async (scenario: string, mode: string, target: string, pass: (r: LoadResult) => boolean, f: () => Promise<LoadResult>) => {
    const cpu0 = server.cpuMs();
    const r = await f();
    rows.push({ scenario, mode, ...r, cpuMsPerRequest: (server.cpuMs() - cpu0) / Math.max(1, r.requests), target, verdict: target ? passMiss(r.errors === 0 && pass(r)) : '' });
    const gen = r.clientCpuPct === undefined ? '' : `; generator ${r.clientCpuPct.toFixed(0)}% CPU, send lateness p99 ${r.sendLateP99?.toFixed(1)} max ${r.sendLateMax?.toFixed(1)} ms (${r.sendLateOver10} over 10 ms)`;
    process.stderr.write(`${scenario} ${mode}: ${r.rate.toFixed(0)}/s p50 ${r.p50.toFixed(1)} p99 ${r.p99.toFixed(1)} p99.9 ${r.p999.toFixed(1)} ms, ${r.errors} errors${gen}\n`);
  };
  const closed = (make: (i: number) => Request, check: typeof queryOk, concurrency: number, seconds = SECONDS) => () =>
    closedLoop({ url: server.url, tls, concurrency, seconds, make, check });
  const open = (make: (i: number) => Request, check: typeof queryOk, rate: number) => () =>
    openLoop({ url: server.url, tls, rate, seconds: SECONDS, maxInFlight: 64, make, check });

  const pixMake = (i: number) => pix(i, p);
  const pdqMake = (i: number) => pdq(i, p);
  await run('warm-up', 'closed c=4', '', () => true, closed((i) => (i % 2 ? pixMake(i) : pdqMake(i)), () => true, 4, 2));
  rows.length = 0;

  const pixPass = (r: LoadResult) => r.p99 <= 20;
  if (ONLY.has('pix')) {
    for (const c of [1, 4, 16]) await run('B7 ITI-45 PIX query', `closed c=${c}`, c === 16 ? '≥ 1,000/s' : '', (r) => r.rate >= 1000, closed(pixMake, queryOk, c));
    await run('B7 ITI-45 PIX query', 'open 1000/s', 'p99 ≤ 20 ms', pixPass, open(pixMake, queryOk, 1000));
  }
  if (ONLY.has('pdq')) {
    for (const c of [1, 4, 16]) await run('B7 ITI-47 PDQ name + birth date', `closed c=${c}`, c === 16 ? '≥ 300/s' : '', (r) => r.rate >= 300, closed(pdqMake, queryOk, c));
    await run('B7 ITI-47 PDQ name + birth date', 'open 300/s', 'p99 ≤ 50 ms', (r) => r.p99 <= 50, open(pdqMake, queryOk, 300));
    await run(`B7 ITI-47 PDQ wide (${p.wide.family}${p.wide.birthYear ? `, ${p.wide.birthYear}` : ''}) page of 10 + continuation`, 'closed c=1 (alternating)', '', () => true, closed(pdqContinued(runId, p), queryOk, 1, Math.max(3, SECONDS / 2)));
  }

  const g = new PopulationGenerator(SEED + 1);
  const feed = feedMix(runId, p, g);
  let n = 0;
  const next = () => n++; // one id sequence across feed runs: every add is a new identifier
  for (const c of ONLY.has('feed') ? [1, 8] : []) await run('B7 ITI-44 feed mix', `closed c=${c}`, c === 8 ? '≥ 300/s' : '', (r) => r.rate >= 300, closed(() => feed(next()), ackOk, c));
  // An open loop far above the closed-loop maximum only measures the queue (and would run for minutes).
  if (!ONLY.has('feed')) process.stderr.write('B7 ITI-44 feed skipped (BENCH_ONLY)\n');
  else if (rows.at(-1)!.rate >= 150) await run('B7 ITI-44 feed mix', 'open 300/s', 'p99 ≤ 100 ms', (r) => r.p99 <= 100, open(() => feed(next()), ackOk, 300));
  else process.stderr.write('B7 ITI-44 open loop at 300/s skipped: closed-loop maximum below 150/s\n');

  const rssMb = server.rssMb();
  await server.stop();
  if (!DATA_DIR) await rm(dataDir, { recursive: true, force: true });

  const md = table(
    ['scenario', 'mode', 'requests', 'errors', 'req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'CPU ms/req', 'target', 'verdict'],
    rows.map((r) => [r.scenario, r.mode, r.requests, r.errors, r.rate, r.p50, r.p99, r.p999, r.cpuMsPerRequest, r.target, r.verdict]),
  );
  const { picks, ...datasetSummary } = dataset;
  process.stdout.write(
    `\nB7 PIX/PDQ on ${dataset.persons} persons (${dataset.records} identity records, ${dataset.merges} merges; ` +
      `${dataset.reused ? 'dataset reused' : `built in ${dataset.buildSeconds.toFixed(0)} s, of which indexes ${dataset.indexSeconds.toFixed(0)} s`}, ${dataset.storeMB.toFixed(0)} MB store); ` +
      `server RSS ${rssMb.toFixed(0)} MB; ${contextLine(context)}\n\n${md}\n`,
  );
  if (CPU_PROF) await printProfiles(CPU_PROF);
  const file = await writeResult('b7', { context, dataset: { ...datasetSummary, pixIds: picks.pixIds.length, people: picks.people.length, mergePairs: picks.mergePairs.length }, serverRssMb: rssMb, rows });
  process.stdout.write(`\nwritten ${file}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
