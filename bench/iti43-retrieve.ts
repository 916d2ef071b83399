/**
 * B6 (../shared/reference/performance.md §5.2/§5.3): ITI-43 Retrieve Document Set over mutual-TLS
 * keep-alive, 30 KB and 20 MB documents, 1 and 10 per request. The documents are first stored through
 * ITI-41 MTOM (the real write path); the response bodies are counted, not kept.
 *
 *   npm run bench -- iti43
 *
 * Measures requests/s, MB/s of response, p50/p99, server CPU ms per request and per MB, and the server's
 * peak RSS growth per concurrent retrieval, which must not grow with the document size (streamed).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { measureLimits, measureTransferLimits } from './lib/limits';
import { iti41Mtom, iti43 } from './lib/soap-requests';
import { rssSampler, soapSuccess, streamClosedLoop, type StreamLoadResult, type StreamResponse } from './lib/stream-load';
import { benchPatient, startRepositoryBench, type RepositoryBench } from './lib/repository-setup';
import { passMiss, pinLoadGenerator, contextLine, runContext, table, writeResult } from './lib/report';

const KB = 1000;
const MB = 1000 * KB;
const SCALE = Number(process.env.BENCH_SCALE ?? 1);

interface Case {
  readonly name: string;
  readonly size: number;
  readonly perRequest: number;
  readonly concurrency: number;
  readonly total: number;
  readonly target: string;
  readonly pass: (r: StreamLoadResult) => boolean;
}

const CASES: readonly Case[] = [
  { name: 'B6 30 KB × 1', size: 30 * KB, perRequest: 1, concurrency: 8, total: 3000, target: '≥ 800/s', pass: (r) => r.rate >= 800 },
  { name: 'B6 30 KB × 10', size: 30 * KB, perRequest: 10, concurrency: 4, total: 600, target: '', pass: () => true },
  { name: 'B6 20 MB × 1, c=1', size: 20 * MB, perRequest: 1, concurrency: 1, total: 20, target: '≥ 400 MB/s', pass: (r) => r.responseMBps >= 400 },
  { name: 'B6 20 MB × 1, c=4', size: 20 * MB, perRequest: 1, concurrency: 4, total: 40, target: '≥ 400 MB/s', pass: (r) => r.responseMBps >= 400 },
  { name: 'B6 20 MB × 10', size: 20 * MB, perRequest: 10, concurrency: 1, total: 4, target: '≥ 400 MB/s', pass: (r) => r.responseMBps >= 400 },
];

/** Stores `count` documents of `size` bytes through ITI-41 (10 per request) and returns their uniqueIds. */
async function seed(b: RepositoryBench, size: number, count: number): Promise<string[]> {
  const uids: string[] = [];
  const result = await streamClosedLoop({
    url: b.server.url,
    tls: b.tls,
    concurrency: 1,
    total: Math.ceil(count / 10),
    make: (i) => {
      const body = iti41Mtom({ pid: benchPatient(i), ssUid: b.oid(), docUid: () => (uids.push(b.oid()), uids[uids.length - 1]!), sizes: Array(10).fill(size), seed: 1000 + i });
      return { path: '/xds/repository', contentType: body.contentType, body: body.body, payloadBytes: body.bytes };
    },
    check: soapSuccess,
    onError: (r) => process.stderr.write(`seed failed: ${r instanceof Error ? r.message : r.head.slice(0, 400)}\n`),
  });
  if (result.errors > 0) throw new Error('could not store the documents to retrieve');
  return uids;
}

interface Row {
  readonly c: Case;
  readonly r: StreamLoadResult;
  readonly cpuMsPerRequest: number;
  readonly cpuMsPerMB: number;
  readonly rssBaseMb: number;
  readonly rssPeakMb: number;
  readonly rssPerRequestMb: number;
  readonly verdict: string;
}

async function runCase(b: RepositoryBench, c: Case, uids: readonly string[]): Promise<Row> {
  const expected = c.size * c.perRequest;
  const cpu0 = b.server.cpuMs();
  const rss = rssSampler(b.server);
  let firstError = '';
  const r = await streamClosedLoop({
    url: b.server.url,
    tls: b.tls,
    concurrency: c.concurrency,
    total: Math.max(c.concurrency, Math.round(c.total * SCALE)),
    make: (i) => {
      const pick = Array.from({ length: c.perRequest }, (_, k) => uids[(i * c.perRequest + k) % uids.length]!);
      return { path: '/xds/repository', contentType: 'application/soap+xml; charset=UTF-8', body: iti43(b.repositoryUid, pick), payloadBytes: expected };
    },
    // Every document must come back whole: the response carries at least the documents' bytes.
    check: (res: StreamResponse) => soapSuccess(res) && res.bytes >= expected,
    onError: (e) => (firstError ||= e instanceof Error ? e.message : `${e.status} ${e.bytes} B ${e.head.slice(0, 300)}`),
  });
  const { baseMb, peakMb } = rss.stop();
  const cpu = b.server.cpuMs() - cpu0;
  if (firstError) process.stderr.write(`${c.name}: first error: ${firstError}\n`);
  process.stderr.write(`${c.name}: ${r.rate.toFixed(1)}/s ${r.responseMBps.toFixed(0)} MB/s p99 ${r.p99.toFixed(0)} ms\n`);
  return {
    c,
    r,
    cpuMsPerRequest: cpu / Math.max(1, r.requests),
    cpuMsPerMB: cpu / Math.max(1e-9, (r.requests * expected) / MB),
    rssBaseMb: baseMb,
    rssPeakMb: peakMb,
    rssPerRequestMb: (peakMb - baseMb) / c.concurrency,
    verdict: c.target ? passMiss(r.errors === 0 && c.pass(r)) : '',
  };
}

async function main(): Promise<void> {
  pinLoadGenerator();
  const context = runContext();
  const limits = await measureLimits();
  const b = await startRepositoryBench({ name: 'b6' });
  const transfer = await measureTransferLimits(join(b.dataDir, 'pki'));
  process.stderr.write(`limits ${JSON.stringify({ ...limits, ...transfer })}\n`);
  const small = await seed(b, 30 * KB, 100);
  const large = await seed(b, 20 * MB, 20);
  await runCase(b, { ...CASES[0]!, name: 'warm-up', total: 200 }, small);
  const rows: Row[] = [];
  for (const c of CASES) rows.push(await runCase(b, c, c.size === 30 * KB ? small : large));
  const rssMb = b.server.rssMb();
  await b.server.stop();
  await rm(b.dataDir, { recursive: true, force: true });

  const smallRss = Math.max(...rows.filter((x) => x.c.size < MB).map((x) => x.rssPerRequestMb));
  const largeRss = Math.max(...rows.filter((x) => x.c.size >= MB).map((x) => x.rssPerRequestMb));
  const md = table(
    ['scenario', 'c', 'requests', 'errors', 'req/s', 'MB/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'CPU ms/MB', 'RSS base→peak MB', 'RSS Δ per request MB', 'target', 'verdict'],
    rows.map((x) => [x.c.name, x.c.concurrency, x.r.requests, x.r.errors, x.r.rate, x.r.responseMBps, x.r.p50, x.r.p99, x.cpuMsPerRequest, x.cpuMsPerMB, `${x.rssBaseMb.toFixed(0)}→${x.rssPeakMb.toFixed(0)}`, x.rssPerRequestMb, x.c.target, x.verdict]),
  );
  // "RSS must not grow with document size": 10 × 20 MB may cost at most a few stream buffers more than 30 KB.
  const streamed = passMiss(largeRss <= smallRss + 16);
  process.stdout.write(
    `\nB6 ITI-43; server RSS at end ${rssMb.toFixed(0)} MB\nlimits: ${JSON.stringify({ ...limits, ...transfer })}; ${contextLine(context)}\n\n${md}\n\n` +
      `RSS growth per request: 30 KB documents ${smallRss.toFixed(1)} MB, 20 MB documents ${largeRss.toFixed(1)} MB → not growing with size (≤ +16 MB): ${streamed}\n`,
  );
  const file = await writeResult('b6', { context, limits: { ...limits, ...transfer }, rows: rows.map((x) => ({ ...x, c: { ...x.c, pass: undefined } })), rssPerRequest: { smallRss, largeRss, verdict: streamed } });
  process.stdout.write(`\nwritten ${file}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
