/**
 * B1 (../shared/reference/performance.md §5.2): single-document ITI-42 over mutual-TLS keep-alive at
 * 8/32/64 concurrency, on the embedded store preloaded with BENCH_PRELOAD documents (default 100k),
 * then open-loop runs at BENCH_RATES (comma list, default 300) to check the p99 target at fixed arrival rates.
 *
 *   npm run bench -- iti42            (or: node --import tsx bench/iti42-register.ts)
 *
 * The server runs as a child process pinned to core 0; this load generator to core 1. Each row also gives the
 * server's event-loop lag p99/max during that phase (scraped from its /metrics).
 * Results: printed as a markdown table and written to bench/results/b1-<timestamp>.json.
 */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openStores } from '../src/storage/open-stores';
import { parseXml } from '../src/soap/xml';
import { readSubmitObjectsRequest } from '../src/ebxml/read-submit-objects';
import { registerSubmission } from '../src/registry/register-submission';
import { OPEN_AFFINITY_DOMAIN } from '../src/metadata/affinity-domain';
import { parseCx } from '../src/metadata/hl7-types';
import { SoapAction } from '../src/ebxml/vocabulary';
import { singleDoc } from '../test/support/iti42';
import { closedLoop, devPki, openLoop, type LoadResult } from './lib/load';
import { startServerProcess } from './lib/server-process';
import { measureLimits } from './lib/limits';

const PRELOAD = Number(process.env.BENCH_PRELOAD ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Open-loop arrival rates to try, to find the highest that meets p99 ≤ 50 ms. */
const RATES = (process.env.BENCH_RATES ?? '300').split(',').map(Number);
const PATIENTS = Math.max(1, Math.floor(PRELOAD / 10));

const patient = (i: number) => `B1-${i}^^^&1.3.6.1.4.1.21367.13.20.1000&ISO`;

async function preload(dataDir: string): Promise<number> {
  const stores = await openStores({ dataDir });
  const t0 = performance.now();
  for (let p = 0; p < Math.max(PATIENTS, 1000); p++) await stores.patients.add(parseCx(patient(p))!);
  let uuid = 0;
  const deps = {
    registry: stores.registry,
    patients: stores.patients,
    affinity: OPEN_AFFINITY_DOMAIN,
    patientIdCheck: 'on' as const,
    now: () => new Date(),
    newUuid: () => `urn:uuid:00000000-0000-4000-8000-${(++uuid).toString(16).padStart(12, '0')}`,
  };
  for (let i = 0; i < PRELOAD; i++) {
    const { submission, errors } = readSubmitObjectsRequest(parseXml(singleDoc({ pid: patient(i % PATIENTS) }).xml), 'registry');
    await registerSubmission(submission, deps, { transaction: 'ITI-42', actor: 'registry', wireErrors: errors });
    if (i % 10_000 === 9_999) process.stderr.write(`preloaded ${i + 1}\n`);
  }
  await stores.close();
  return (performance.now() - t0) / 1000;
}

interface LoopLag {
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * The server's event-loop lag since the previous scrape (prom-client's monitorEventLoopDelay, metrics.ts):
 * how long synchronous stretches (a group commit's inserts, a checkpoint) held every other request up.
 */
async function loopLag(adminUrl: string): Promise<LoopLag> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { p99Ms: value('tessera_nodejs_eventloop_lag_p99_seconds'), maxMs: value('tessera_nodejs_eventloop_lag_max_seconds') };
}

const envelope = (body: string, i: number) =>
  `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header>` +
  `<a:Action s:mustUnderstand="1">${SoapAction.iti42}</a:Action><a:MessageID>urn:uuid:bench-${i}</a:MessageID>` +
  `<a:To>https://localhost/xds/registry</a:To></s:Header><s:Body>${body}</s:Body></s:Envelope>`;

async function main(): Promise<void> {
  if (spawnSync('taskset', ['-p', '-c', '1', String(process.pid)]).status !== 0) process.stderr.write('taskset unavailable: not pinned\n');
  const limits = await measureLimits();
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-b1-'));
  const preloadSeconds = await preload(dataDir);
  const server = await startServerProcess({ dataDir, core: 0 });
  const tls = devPki(dataDir);
  const make = (i: number) => ({
    path: '/xds/registry',
    body: envelope(singleDoc({ pid: patient(i % PATIENTS) }).xml, i),
    headers: { 'content-type': 'application/soap+xml; charset=UTF-8' },
  });
  const check = (status: number, body: string) => status === 200 && body.includes('ResponseStatusType:Success');
  const rows: (LoadResult & { mode: string; cpuMsPerRequest: number; rssMb: number; loopLag: LoopLag })[] = [];
  const run = async (mode: string, f: () => Promise<LoadResult>) => {
    await loopLag(server.adminUrl); // the server's lag statistics restart at every scrape
    const cpu0 = server.cpuMs();
    const r = await f();
    const lag = await loopLag(server.adminUrl);
    rows.push({ mode, ...r, cpuMsPerRequest: (server.cpuMs() - cpu0) / Math.max(1, r.requests), rssMb: server.rssMb(), loopLag: lag });
  };
  await run('warm-up c=8', () => closedLoop({ url: server.url, tls, concurrency: 8, seconds: 3, make, check }));
  rows.length = 0;
  for (const c of [8, 32, 64]) {
    await run(`closed c=${c}`, () => closedLoop({ url: server.url, tls, concurrency: c, seconds: SECONDS, make, check }));
  }
  for (const rate of RATES) {
    await run(`open ${rate}/s`, () => openLoop({ url: server.url, tls, rate, seconds: SECONDS, maxInFlight: 64, make, check }));
  }
  await server.stop();

  const table = [
    '| mode | requests | errors | req/s | p50 ms | p99 ms | p99.9 ms | server CPU ms/req | server RSS MB | event-loop lag p99 / max ms |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.mode} | ${r.requests} | ${r.errors} | ${r.rate.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.p999.toFixed(1)} | ${r.cpuMsPerRequest.toFixed(2)} | ${r.rssMb.toFixed(0)} | ${r.loopLag.p99Ms.toFixed(1)} / ${r.loopLag.maxMs.toFixed(1)} |`,
    ),
  ].join('\n');
  process.stdout.write(`\nB1 ITI-42, ${PRELOAD} documents preloaded in ${preloadSeconds.toFixed(0)} s\n${JSON.stringify(limits)}\n\n${table}\n`);
  const out = join(__dirname, 'results');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, `b1-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify({ preload: PRELOAD, preloadSeconds, limits, rows }, null, 2));
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
