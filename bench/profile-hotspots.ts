/**
 * Where the server's CPU goes in the B2/B4/B6 workloads: runs the server child with `--cpu-prof`, drives a
 * short fixed workload, stops it (the profile is written at exit) and prints the top functions with
 * file:line. Not a timing benchmark: profiling itself costs some speed.
 *
 *   npm run bench -- profile                (all: query, ingest, retrieve)
 *   BENCH_PROFILE=query npm run bench -- profile
 *   BENCH_PROFILE=ingest BENCH_PROFILE_SMALL_ONLY=1 BENCH_PROFILE_KEEP=1 npm run bench -- profile
 *     (2,000 × 30 KB only; the .cpuprofile files are kept and their folder printed)
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDataset } from './lib/dataset';
import { closedLoop, devPki } from './lib/load';
import { startServerProcess } from './lib/server-process';
import { iti18Queries, iti41Mtom, iti43 } from './lib/soap-requests';
import { soapSuccess, streamClosedLoop } from './lib/stream-load';
import { benchPatient, startRepositoryBench } from './lib/repository-setup';
import { summariseProfile } from './lib/cpu-profile';
import { table } from './lib/report';

const WHICH = (process.env.BENCH_PROFILE ?? 'query,ingest,retrieve').split(',');
const MB = 1e6;

const profArgs = (dir: string) => ['--cpu-prof', `--cpu-prof-dir=${dir}`];

async function report(name: string, dir: string): Promise<void> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  for (const f of files) {
    const s = summariseProfile(join(dir, f), 18);
    if (s.totalMs < 500) continue; // the tsx loader's helper process
    process.stdout.write(`\n### ${name}: ${s.totalMs.toFixed(0)} ms profiled (${f})\n\nSelf time:\n\n`);
    process.stdout.write(`${table(['ms', 'share', 'function'], s.self.map((h) => [h.ms, `${(h.share * 100).toFixed(1)}%`, `\`${h.fn}\``]))}\n\nInclusive:\n\n`);
    process.stdout.write(`${table(['ms', 'share', 'function'], s.inclusive.map((h) => [h.ms, `${(h.share * 100).toFixed(1)}%`, `\`${h.fn}\``]))}\n`);
  }
}

async function query(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-prof-q-'));
  const prof = await mkdtemp(join(tmpdir(), 'tessera-prof-'));
  const ds = await buildDataset({ dataDir, docs: Number(process.env.BENCH_DOCS ?? 20_000) });
  const server = await startServerProcess({ dataDir, core: 0, nodeArgs: profArgs(prof) });
  const tls = devPki(dataDir);
  const headers = { 'content-type': 'application/soap+xml; charset=UTF-8' };
  const check = (s: number, b: string) => s === 200 && b.includes('ResponseStatusType:Success');
  const p = ds.picks;
  await closedLoop({ url: server.url, tls, concurrency: 1, seconds: 5, make: () => ({ path: '/xds/registry', body: iti18Queries.findDocuments(p.heavyPatient, 'LeafClass'), headers }), check });
  await closedLoop({ url: server.url, tls, concurrency: 4, seconds: 5, make: (i) => ({ path: '/xds/registry', body: iti18Queries.findDocuments(p.tenEntryPatients[i % p.tenEntryPatients.length]!, 'LeafClass'), headers }), check });
  await closedLoop({ url: server.url, tls, concurrency: 4, seconds: 3, make: (i) => ({ path: '/xds/registry', body: iti18Queries.getRelatedDocuments(p.relatedDocIds[i % p.relatedDocIds.length]!), headers }), check });
  await server.stop();
  await report(`query (heavy LeafClass 5 s, 10-entry FindDocuments 5 s, GetRelatedDocuments 3 s; ${ds.documentEntries} entries)`, prof);
  await rm(dataDir, { recursive: true, force: true });
  await rm(prof, { recursive: true, force: true });
}

async function repository(kind: 'ingest' | 'retrieve'): Promise<void> {
  const prof = await mkdtemp(join(tmpdir(), 'tessera-prof-'));
  const b = await startRepositoryBench({ name: `prof-${kind}`, nodeArgs: profArgs(prof) });
  const uids: string[] = [];
  const upload = (size: number, total: number, concurrency: number) =>
    streamClosedLoop({
      url: b.server.url,
      tls: b.tls,
      concurrency,
      total,
      make: (i) => {
        const body = iti41Mtom({ pid: benchPatient(i % b.patients), ssUid: b.oid(), docUid: () => (uids.push(b.oid()), uids[uids.length - 1]!), sizes: [size], seed: i });
        return { path: '/xds/repository', contentType: body.contentType, body: body.body, payloadBytes: body.bytes };
      },
      check: soapSuccess,
    });
  if (kind === 'ingest') {
    const smallOnly = process.env.BENCH_PROFILE_SMALL_ONLY === '1';
    if (process.env.BENCH_PROFILE_LARGE_ONLY !== '1') await upload(30_000, smallOnly ? 2000 : 300, 4);
    if (!smallOnly) await upload(20 * MB, 8, 1);
  } else {
    await upload(20 * MB, 4, 1);
    await streamClosedLoop({
      url: b.server.url,
      tls: b.tls,
      concurrency: 1,
      total: 12,
      make: (i) => ({ path: '/xds/repository', contentType: 'application/soap+xml', body: iti43(b.repositoryUid, [uids[i % uids.length]!]), payloadBytes: 20 * MB }),
      check: soapSuccess,
    });
  }
  await b.server.stop();
  await report(kind === 'ingest' ? 'ingest (ITI-41 MTOM: 300 × 30 KB at c=4, 8 × 20 MB)' : 'retrieve (ITI-43: 12 × 20 MB)', prof);
  await rm(b.dataDir, { recursive: true, force: true });
  if (process.env.BENCH_PROFILE_KEEP === '1') process.stdout.write(`profiles kept in ${prof}\n`);
  else await rm(prof, { recursive: true, force: true });
}

async function main(): Promise<void> {
  if (WHICH.includes('query')) await query();
  if (WHICH.includes('ingest')) await repository('ingest');
  if (WHICH.includes('retrieve')) await repository('retrieve');
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
