/**
 * Load generation for the benchmarks: keep-alive mutual-TLS HTTPS clients, closed loop at a fixed
 * concurrency or open loop at a fixed arrival rate (latency measured from the scheduled send time, so
 * coordinated omission does not hide the tail: ../shared/reference/performance.md §5.4).
 */
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Tls {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export const devPki = (dataDir: string): Tls => ({
  ca: readFileSync(join(dataDir, 'pki/ca.pem')),
  cert: readFileSync(join(dataDir, 'pki/client.pem')),
  key: readFileSync(join(dataDir, 'pki/client-key.pem')),
});

export interface Sample {
  readonly ms: number;
  readonly ok: boolean;
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  /** CPU used by this load generator over the phase, in % of one core (near 100: the generator limits the result). */
  readonly clientCpuPct?: number;
  /** Open loop: p99 of how late the generator sent a request after its scheduled time (its own lag, in ms). */
  readonly sendLateP99?: number;
  /** Open loop: the generator's worst lateness, and how many requests it sent more than 10 ms late. */
  readonly sendLateMax?: number;
  readonly sendLateOver10?: number;
}

/** A request body is text, or bytes (an MTOM body with a binary part, B2's open loop). */
export type RequestFactory = (i: number) => { path: string; body: string | Buffer; headers: Record<string, string> };
export type Check = (status: number, body: string) => boolean;

/** One request on `agent` (keep-alive), its status and body text. */
export function send(agent: https.Agent, url: URL, tls: Tls, r: ReturnType<RequestFactory>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: url.hostname, port: url.port, path: r.path, method: 'POST', agent, ...tls, headers: r.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

export function summarise(samples: readonly Sample[], seconds: number): LoadResult {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return {
    requests: samples.length,
    errors: samples.filter((s) => !s.ok).length,
    seconds,
    rate: samples.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    p999: at(0.999),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

/** Closed loop: `concurrency` workers, each sending back to back over its own keep-alive connection. */
export async function closedLoop(o: {
  url: string;
  tls: Tls;
  concurrency: number;
  seconds: number;
  make: RequestFactory;
  check: Check;
}): Promise<LoadResult> {
  const url = new URL(o.url);
  const agent = new https.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const samples: Sample[] = [];
  const end = performance.now() + o.seconds * 1000;
  let i = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        let ok = false;
        try {
          const res = await send(agent, url, o.tls, o.make(i++));
          ok = o.check(res.status, res.body);
        } catch {
          ok = false;
        }
        samples.push({ ms: performance.now() - t0, ok });
      }
    }),
  );
  agent.destroy();
  return summarise(samples, (performance.now() - start) / 1000);
}

/**
 * Open loop: requests scheduled at a fixed rate; latency counts from the scheduled time.
 *
 * `warmConnections` (default: maxInFlight): open that many keep-alive connections before the clock starts and
 * rotate over them (FIFO). The targets are stated for mutual-TLS keep-alive (performance.md §5.3); B9 measures
 * connection churn separately. With a cold agent (0) the first requests each open a new mutual-TLS connection
 * while earlier handshakes are still running, and any later stall that lifts the number in flight above the
 * warm pool opens more: each server-side handshake costs 2–4 CPU-ms, so one burst sets the phase's p99
 * (session 3: this, not the server's steady state, was most of the open-loop tails recorded before).
 */
export async function openLoop(o: {
  url: string;
  tls: Tls;
  rate: number;
  seconds: number;
  maxInFlight: number;
  make: RequestFactory;
  check: Check;
  warmConnections?: number;
  /** Pause between warming the connections and the first measured request (default 1000 ms). */
  settleMs?: number;
  /** Hears every answer: its scheduled time on the monotonic clock (ms, as `process.hrtime`) and latency. */
  trace?: (dueMonoMs: number, ms: number, ok: boolean) => void;
}): Promise<LoadResult> {
  const url = new URL(o.url);
  const warm = Math.min(o.warmConnections ?? o.maxInFlight, o.maxInFlight);
  const agent = new https.Agent({ keepAlive: true, maxSockets: o.maxInFlight, scheduling: warm > 0 ? 'fifo' : 'lifo' });
  // Concurrent requests force one connection each; their answers are not measured.
  if (warm > 0) await Promise.all(Array.from({ length: warm }, (_, i) => send(agent, url, o.tls, o.make(i)).catch(() => undefined)));
  // Let the server absorb the warm-up before measuring: in some PIX runs a scavenge and 20-35 ms loop gaps
  // followed the 64 handshakes at once (session 4), and 50-100 ms of that is over 1% of an 8 s phase at
  // 1000/s. This pause is not shown to change the p99 on its own; the VM's drift was larger.
  if (warm > 0) await new Promise((r) => setTimeout(r, o.settleMs ?? 1000));
  const samples: Sample[] = [];
  const total = Math.floor(o.rate * o.seconds);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const monoOffset = Number(process.hrtime.bigint() / 1000n) / 1000 - performance.now();
  const pending: Promise<void>[] = [];
  const late: number[] = [];
  const record = (due: number, ok: boolean) => {
    const ms = performance.now() - due;
    samples.push({ ms, ok });
    o.trace?.(due + monoOffset, ms, ok);
  };
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    late.push(Math.max(0, performance.now() - due));
    pending.push(
      send(agent, url, o.tls, o.make(i))
        .then((res) => record(due, o.check(res.status, res.body)))
        .catch(() => record(due, false)),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  late.sort((a, b) => a - b);
  const sendLateP99 = late[Math.min(late.length - 1, Math.floor(0.99 * late.length))] ?? NaN;
  const sendLateOver10 = late.filter((ms) => ms > 10).length;
  return { ...summarise(samples, seconds), clientCpuPct: (cpu.user + cpu.system) / 10 / (seconds * 1000), sendLateP99, sendLateMax: late[late.length - 1] ?? NaN, sendLateOver10 };
}
