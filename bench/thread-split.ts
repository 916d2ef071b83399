/**
 * Where a small ITI-41's server CPU goes, by thread: the main (event-loop) thread, and the others together
 * (V8's GC helpers and libuv's thread pool, which share the server's one pinned core). Session 4 found the
 * thread-pool share this way (BENCHMARKS.md, "thread-pool round trips").
 *
 *   npm run bench -- threads          (BENCH_DOCS requests of 30 KB × 1 at c=BENCH_CONCURRENCY; default 1000 at 8)
 *
 * Per request it prints: server CPU (all threads), main-thread user and sys, the other threads' user and sys,
 * and the main thread's run-queue wait (/proc/<pid>/task/<tid>/schedstat): time it was ready but another
 * thread of the process (or of the machine) had the core.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { benchPatient, startRepositoryBench } from './lib/repository-setup';
import { contextLine, pinLoadGenerator, runContext } from './lib/report';
import { iti41Mtom } from './lib/soap-requests';
import { procCpuMs } from './lib/server-process';
import { soapSuccess, streamClosedLoop } from './lib/stream-load';

const REQUESTS = Number(process.env.BENCH_DOCS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
/** User and system CPU of every thread of `pid`, by thread id. */
function threadTimes(pid: number): Map<string, { userMs: number; sysMs: number }> {
  return new Map(readdirSync(`/proc/${pid}/task`).map((tid) => [tid, procCpuMs(`/proc/${pid}/task/${tid}/stat`)]));
}

/** Nanoseconds the main thread has waited on a run queue so far. */
const runQueueWaitNs = (pid: number): number => Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[1]);

async function main(): Promise<void> {
  pinLoadGenerator();
  const context = runContext();
  const b = await startRepositoryBench({ name: 'threads' });
  const make = (i: number) => {
    const body = iti41Mtom({ pid: benchPatient(i % b.patients), ssUid: b.oid(), docUid: () => b.oid(), sizes: [30_000], seed: i });
    return { path: '/xds/repository', contentType: body.contentType, body: body.body, payloadBytes: body.bytes };
  };
  await streamClosedLoop({ url: b.server.url, tls: b.tls, concurrency: CONCURRENCY, total: 200, make, check: soapSuccess });
  const before = threadTimes(b.server.pid);
  const wait0 = runQueueWaitNs(b.server.pid);
  const cpu0 = b.server.cpuMs();
  const r = await streamClosedLoop({ url: b.server.url, tls: b.tls, concurrency: CONCURRENCY, total: REQUESTS, make, check: soapSuccess });
  const cpu = b.server.cpuMs() - cpu0;
  const waitMs = (runQueueWaitNs(b.server.pid) - wait0) / 1e6;
  const after = threadTimes(b.server.pid);
  await b.server.stop();

  const main = { userMs: 0, sysMs: 0 };
  const others = { userMs: 0, sysMs: 0 };
  for (const [tid, t] of after) {
    const t0 = before.get(tid) ?? { userMs: 0, sysMs: 0 };
    const into = tid === String(b.server.pid) ? main : others;
    into.userMs += t.userMs - t0.userMs;
    into.sysMs += t.sysMs - t0.sysMs;
  }
  const per = (ms: number) => (ms / Math.max(1, r.requests)).toFixed(2);
  process.stdout.write(
    `\nB2 30 KB × 1, c=${CONCURRENCY}: ${r.rate.toFixed(0)}/s, p99 ${r.p99.toFixed(0)} ms, ${r.errors} errors; ${contextLine(context)}\n` +
      `CPU ms per request: server ${per(cpu)} = main user ${per(main.userMs)} + main sys ${per(main.sysMs)}` +
      ` + other threads user ${per(others.userMs)} + sys ${per(others.sysMs)}\n` +
      `main thread waited on the run queue ${per(waitMs)} ms per request\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
