/**
 * B2 + B3 (../shared/reference/performance.md §5.2/§5.3): ITI-41 Provide and Register into the embedded
 * store over mutual-TLS keep-alive. Bodies are streamed from generated data (MTOM parts by
 * src/soap/mtom-write.ts writeMtom; B3's base64 text by a generator), never held whole by the client.
 *
 *   npm run bench -- iti41            (BENCH_BIG_MB=1000 adds the 1 GB single-document RSS proof; 0 skips it)
 *   BENCH_ONLY=b3 npm run bench -- iti41   (only B3; BENCH_ONLY=b2 only B2; BENCH_ONLY=b2small only 30 KB × 1)
 *
 * B2: 30 KB (1 and 10 per request; 30 KB × 1 also in open loop at 150/s, where its p99 target is read), 1 MB
 * and 20 MB documents → requests/s, MB/s, p50/p99, server CPU ms per
 * request and server peak RSS growth per concurrent upload; one BENCH_BIG_MB document for the RSS bound.
 * B3: small ITI-18 queries at a fixed rate, alone and while 20 MB inline-base64 uploads run back to back;
 * their p99 is the outside view of the server's event-loop delay, the server's /metrics
 * (monitorEventLoopDelay p99 and max over the phase) the inside view.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openLoop, type LoadResult } from './lib/load';
import { measureLimits, measureTransferLimits } from './lib/limits';
import { iti18Queries, iti41Inline, iti41Mtom, type Iti41Spec } from './lib/soap-requests';
import { postText, rssSampler, sendStream, soapSuccess, streamClosedLoop, type StreamResponse } from './lib/stream-load';
import { benchPatient, startRepositoryBench, type RepositoryBench } from './lib/repository-setup';
import { passMiss, pinLoadGenerator, contextLine, runContext, table, writeResult } from './lib/report';
import https from 'node:https';
import type { Readable } from 'node:stream';

const KB = 1000;
const MB = 1000 * KB;
const BIG_MB = Number(process.env.BENCH_BIG_MB ?? 1000);
const SCALE = Number(process.env.BENCH_SCALE ?? 1); // multiplies request counts
/** `b2` or `b3` runs only that part (B3 alone takes ~20 s; the whole script ~70 s plus the big document). */
const ONLY = (process.env.BENCH_ONLY ?? '').toLowerCase();
const runB2 = ONLY === '' || ONLY === 'b2';
const runB2Small = ONLY === 'b2small';
const runB3 = ONLY === '' || ONLY === 'b3';

interface Case {
  readonly name: string;
  readonly size: number;
  readonly perRequest: number;
  readonly concurrency: number;
  readonly total: number;
  readonly target: string;
  readonly pass: (r: LoadResult & { payloadMBps: number }, rssPerUploadMb: number) => boolean;
}

const CASES: readonly Case[] = [
  { name: 'B2 30 KB × 1', size: 30 * KB, perRequest: 1, concurrency: 8, total: 600, target: '≥ 150/s', pass: (r) => r.rate >= 150 },
  { name: 'B2 30 KB × 10', size: 30 * KB, perRequest: 10, concurrency: 4, total: 150, target: '', pass: () => true },
  { name: 'B2 1 MB × 1', size: MB, perRequest: 1, concurrency: 4, total: 120, target: '', pass: () => true },
  { name: 'B2 20 MB × 1, c=1', size: 20 * MB, perRequest: 1, concurrency: 1, total: 12, target: '≥ 150 MB/s; RSS ≤ 64 MB + 2 chunks per upload', pass: (r, rss) => r.payloadMBps >= 150 && rss <= 66 },
  { name: 'B2 20 MB × 1, c=4', size: 20 * MB, perRequest: 1, concurrency: 4, total: 24, target: '≥ 150 MB/s; RSS ≤ 64 MB + 2 chunks per upload', pass: (r, rss) => r.payloadMBps >= 150 && rss <= 66 },
  { name: 'B2 20 MB × 10', size: 20 * MB, perRequest: 10, concurrency: 1, total: 3, target: '≥ 150 MB/s', pass: (r) => r.payloadMBps >= 150 },
];

interface Row {
  readonly scenario: string;
  readonly concurrency: number;
  readonly result: LoadResult & { payloadMBps: number };
  readonly cpuMsPerRequest: number;
  readonly cpuMsPerMB: number;
  readonly rssBaseMb: number;
  readonly rssPeakMb: number;
  readonly rssPerUploadMb: number;
  readonly target: string;
  readonly verdict: string;
}

function spec(b: RepositoryBench, i: number, size: number, perRequest: number): Iti41Spec {
  return { pid: benchPatient(i % b.patients), ssUid: b.oid(), docUid: () => b.oid(), sizes: Array.from({ length: perRequest }, () => size), seed: i };
}

const describe = (r: StreamResponse | Error) => (r instanceof Error ? r.message : `${r.status} ${r.head.slice(0, 400)}`);

async function runCase(b: RepositoryBench, c: Case): Promise<Row> {
  const cpu0 = b.server.cpuMs();
  const rss = rssSampler(b.server);
  let firstError = '';
  const total = Math.max(c.concurrency, Math.round(c.total * SCALE));
  const result = await streamClosedLoop({
    url: b.server.url,
    tls: b.tls,
    concurrency: c.concurrency,
    total,
    make: (i) => {
      const body = iti41Mtom(spec(b, i, c.size, c.perRequest));
      return { path: '/xds/repository', contentType: body.contentType, body: body.body, payloadBytes: body.bytes };
    },
    check: soapSuccess,
    onError: (r) => (firstError ||= describe(r)),
  });
  const { baseMb, peakMb } = rss.stop();
  const cpu = b.server.cpuMs() - cpu0;
  const rssPerUploadMb = (peakMb - baseMb) / c.concurrency;
  if (firstError) process.stderr.write(`${c.name}: first error: ${firstError}\n`);
  process.stderr.write(`${c.name}: ${result.rate.toFixed(1)}/s ${result.payloadMBps.toFixed(0)} MB/s p99 ${result.p99.toFixed(0)} ms\n`);
  return {
    scenario: c.name,
    concurrency: c.concurrency,
    result,
    cpuMsPerRequest: cpu / Math.max(1, result.requests),
    cpuMsPerMB: cpu / ((result.requests * c.size * c.perRequest) / MB),
    rssBaseMb: baseMb,
    rssPeakMb: peakMb,
    rssPerUploadMb,
    target: c.target,
    verdict: c.target ? passMiss(result.errors === 0 && c.pass(result, rssPerUploadMb)) : '',
  };
}

/** Open-loop B2 at a fixed rate: the p99 of the target (§5.4: closed loops hide tail latency; B1/B4/B7 do the same). */
const SMALL_OPEN = { rate: 150, seconds: 8, maxInFlight: 32, target: 'p99 ≤ 100 ms at 150/s' };

async function bodyBytes(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks);
}

/**
 * B2 30 KB × 1 at 150 requests/s. The bodies (each with its own uniqueIds) are built before the phase, so the
 * generator only sends; warm-up connections take bodies of their own.
 */
async function runSmallOpen(b: RepositoryBench): Promise<Row> {
  const count = SMALL_OPEN.rate * SMALL_OPEN.seconds + SMALL_OPEN.maxInFlight;
  const bodies: { contentType: string; bytes: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    const m = iti41Mtom(spec(b, 100_000 + i, 30 * KB, 1));
    bodies.push({ contentType: m.contentType, bytes: await bodyBytes(m.body as Readable) });
  }
  const cpu0 = b.server.cpuMs();
  const rss = rssSampler(b.server);
  const result = await openLoop({
    url: b.server.url,
    tls: b.tls,
    rate: SMALL_OPEN.rate,
    seconds: SMALL_OPEN.seconds,
    maxInFlight: SMALL_OPEN.maxInFlight,
    make: () => {
      const next = bodies.pop();
      if (!next) throw new Error('B2 open loop ran out of prepared bodies');
      return { path: '/xds/repository', body: next.bytes, headers: { 'content-type': next.contentType } };
    },
    check: (status, text) => status === 200 && text.includes('ResponseStatusType:Success'),
  });
  const { baseMb, peakMb } = rss.stop();
  const cpu = b.server.cpuMs() - cpu0;
  const name = `B2 30 KB × 1, open ${SMALL_OPEN.rate}/s`;
  process.stderr.write(`${name}: ${result.rate.toFixed(1)}/s p50 ${result.p50.toFixed(1)} p99 ${result.p99.toFixed(1)} ms, ${result.errors} errors\n`);
  return {
    scenario: name,
    concurrency: SMALL_OPEN.maxInFlight,
    result: { ...result, payloadMBps: (result.rate * 30 * KB) / MB },
    cpuMsPerRequest: cpu / Math.max(1, result.requests),
    cpuMsPerMB: cpu / ((result.requests * 30 * KB) / MB),
    rssBaseMb: baseMb,
    rssPeakMb: peakMb,
    rssPerUploadMb: 0,
    target: SMALL_OPEN.target,
    verdict: passMiss(result.errors === 0 && result.p99 <= 100),
  };
}

/**
 * The server's own event-loop delay (ms) since the previous scrape of /metrics (prom-client resets its
 * monitorEventLoopDelay histogram at every scrape): B3's inside view next to the query latencies.
 */
async function eventLoopDelay(b: RepositoryBench): Promise<{ p99Ms: number; maxMs: number }> {
  const text = await (await fetch(`${b.server.adminUrl}/metrics`)).text();
  const ms = (name: string) => Number(new RegExp(`^tessera_nodejs_eventloop_lag_${name}_seconds ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { p99Ms: ms('p99'), maxMs: ms('max') };
}

/** B3: ITI-18 p99 at a fixed small rate, optionally while 20 MB base64 uploads run back to back. */
async function b3(b: RepositoryBench, withUpload: boolean): Promise<{ queries: LoadResult; uploads: number; uploadErrors: number; loop: { p99Ms: number; maxMs: number } }> {
  await eventLoopDelay(b).catch(() => undefined); // starts the window
  const pid = benchPatient(0);
  const probe = await postText(b.server.url, b.tls, '/xds/registry', iti18Queries.findDocuments(pid, 'LeafClass'), 'application/soap+xml');
  if (probe.status !== 200) throw new Error(`B3 probe query failed: ${probe.status}`);
  let stop = false;
  let uploads = 0;
  let uploadErrors = 0;
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  const uploader = (async () => {
    while (withUpload && !stop) {
      const body = iti41Inline(spec(b, 1, 20 * MB, 1));
      try {
        const r = await sendStream(agent, new URL(b.server.url), b.tls, { path: '/xds/repository', contentType: body.contentType, body: body.body });
        if (soapSuccess(r)) uploads++;
        else {
          uploadErrors++;
          process.stderr.write(`B3 upload failed: ${describe(r)}\n`);
        }
      } catch (e) {
        uploadErrors++;
        process.stderr.write(`B3 upload failed: ${(e as Error).message}\n`);
      }
    }
  })();
  if (withUpload) await new Promise((r) => setTimeout(r, 300)); // let the first upload get going
  const queries = await openLoop({
    url: b.server.url,
    tls: b.tls,
    rate: 40,
    seconds: 8,
    maxInFlight: 16,
    make: () => ({ path: '/xds/registry', body: iti18Queries.findDocuments(pid, 'LeafClass'), headers: { 'content-type': 'application/soap+xml; charset=UTF-8' } }),
    check: (s, body) => s === 200 && body.includes('ResponseStatusType:Success'),
  });
  const loop = await eventLoopDelay(b).catch(() => ({ p99Ms: NaN, maxMs: NaN }));
  stop = true;
  await uploader;
  agent.destroy();
  return { queries, uploads, uploadErrors, loop };
}

async function main(): Promise<void> {
  pinLoadGenerator();
  const context = runContext();
  const limits = await measureLimits();
  const b = await startRepositoryBench({ name: 'b2' });
  const transfer = await measureTransferLimits(join(b.dataDir, 'pki'));
  process.stderr.write(`limits ${JSON.stringify({ ...limits, ...transfer })}\n`);
  const rows: Row[] = [];
  await runCase(b, { ...CASES[0]!, name: 'warm-up', total: 40 });
  if (runB2 || runB2Small) {
    rows.push(await runCase(b, CASES[0]!));
    rows.push(await runSmallOpen(b));
  }
  if (runB2) for (const c of CASES.slice(1)) rows.push(await runCase(b, c));
  if (runB2 && BIG_MB > 0) {
    const big = BIG_MB * MB;
    rows.push(await runCase(b, { name: `B2 ${BIG_MB} MB × 1 (RSS bound)`, size: big, perRequest: 1, concurrency: 1, total: 1, target: 'RSS growth ≤ 64 MB + 2 chunks', pass: (_r, rss) => rss <= 66 }));
  }
  const skipped = { queries: { requests: 0, errors: 0, p50: NaN, p99: NaN, max: NaN } as LoadResult, uploads: 0, uploadErrors: 0, loop: { p99Ms: NaN, maxMs: NaN } };
  const alone = runB3 ? await b3(b, false) : skipped;
  const during = runB3 ? await b3(b, true) : skipped;
  const rssMb = b.server.rssMb();
  await b.server.stop();
  await rm(b.dataDir, { recursive: true, force: true });

  const md = table(
    ['scenario', 'c', 'requests', 'errors', 'req/s', 'MB/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'CPU ms/MB', 'RSS base→peak MB', 'RSS Δ per upload MB', 'target', 'verdict'],
    rows.map((r) => [r.scenario, r.concurrency, r.result.requests, r.result.errors, r.result.rate, r.result.payloadMBps, r.result.p50, r.result.p99, r.cpuMsPerRequest, r.cpuMsPerMB, `${r.rssBaseMb.toFixed(0)}→${r.rssPeakMb.toFixed(0)}`, r.rssPerUploadMb, r.target, r.verdict]),
  );
  // performance.md §5.2 names the measure: the server's event-loop delay (monitorEventLoopDelay) while other
  // requests run. The queries' own p99 is shown beside it; it also waits for the core the uploads keep busy.
  const b3Verdict = runB3 ? passMiss(during.loop.p99Ms <= 50 && during.uploads > 0 && during.queries.errors === 0) : 'not run (BENCH_ONLY)';
  const b3md = table(
    ['B3: ITI-18 FindDocuments at 40/s', 'queries', 'errors', 'p50 ms', 'p99 ms', 'max ms', 'server event-loop delay p99 / max ms', '20 MB base64 uploads done', 'target', 'verdict'],
    [
      ['alone', alone.queries.requests, alone.queries.errors, alone.queries.p50, alone.queries.p99, alone.queries.max, `${alone.loop.p99Ms.toFixed(1)} / ${alone.loop.maxMs.toFixed(1)}`, 0, '', ''],
      ['during 20 MB inline uploads', during.queries.requests, during.queries.errors, during.queries.p50, during.queries.p99, during.queries.max, `${during.loop.p99Ms.toFixed(1)} / ${during.loop.maxMs.toFixed(1)}`, `${during.uploads} (${during.uploadErrors} failed)`, 'event-loop delay p99 ≤ 50 ms', b3Verdict],
    ],
  );
  process.stdout.write(`\nB2/B3 ITI-41; server RSS at end ${rssMb.toFixed(0)} MB\nlimits: ${JSON.stringify({ ...limits, ...transfer })}; ${contextLine(context)}\n\n${md}\n\n${runB3 ? b3md : 'B3 not run (BENCH_ONLY)'}\n`);
  const file = await writeResult('b2b3', { context, limits: { ...limits, ...transfer }, rows, b3: { alone, during, verdict: b3Verdict } });
  process.stdout.write(`\nwritten ${file}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
