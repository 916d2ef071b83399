/**
 * Large-body load for B2/B3/B6: request bodies are streamed (a Readable from writeMtom or a base64
 * generator) and response bodies are counted, not kept (only the first 64 KiB, for the status check), so
 * the load generator's own memory stays flat whatever the document size. Reuses load.ts for percentiles.
 */
import https from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ServerProcess } from './server-process';
import { summarise, type LoadResult, type Sample, type Tls } from './load';

export interface StreamRequest {
  readonly path: string;
  readonly contentType: string;
  readonly body: Readable | string;
  readonly action?: string;
}

export interface StreamResponse {
  readonly status: number;
  readonly bytes: number;
  /** First 64 KiB of the response, decoded as latin1 (enough for the SOAP status). */
  readonly head: string;
}

const HEAD = 64 * 1024;

export function sendStream(agent: https.Agent, url: URL, tls: Tls, r: StreamRequest): Promise<StreamResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: url.hostname, port: url.port, path: r.path, method: 'POST', agent, ...tls, headers: { 'content-type': r.contentType } },
      (res) => {
        const head: Buffer[] = [];
        let kept = 0;
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (kept < HEAD) {
            head.push(c.subarray(0, HEAD - kept));
            kept += Math.min(c.length, HEAD - kept);
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, head: Buffer.concat(head).toString('latin1') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    // A streamed body goes out in several writes; with Nagle's algorithm on, the last small one waited for the
    // server's delayed ACK: ~40 ms per request at c=1 (session 4). Real SOAP stacks set TCP_NODELAY too.
    req.setNoDelay(true);
    if (typeof r.body === 'string') req.end(r.body);
    else pipeline(r.body, req).catch(reject);
  });
}

export const soapSuccess = (r: StreamResponse): boolean => r.status === 200 && r.head.includes('ResponseStatusType:Success');

export interface StreamLoadResult extends LoadResult {
  /** Response bytes per second (B6) and request payload bytes per second (B2), in MB/s. */
  readonly responseMBps: number;
  readonly payloadMBps: number;
}

/**
 * Closed loop over a fixed number of requests (`total`) with `concurrency` workers: large uploads are
 * counted in requests, not seconds, so every run moves a known number of bytes.
 */
export async function streamClosedLoop(o: {
  url: string;
  tls: Tls;
  concurrency: number;
  total: number;
  make: (i: number) => StreamRequest & { payloadBytes: number };
  check: (r: StreamResponse) => boolean;
  onError?: (r: StreamResponse | Error) => void;
}): Promise<StreamLoadResult> {
  const url = new URL(o.url);
  const agent = new https.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const samples: Sample[] = [];
  let next = 0;
  let responseBytes = 0;
  let payloadBytes = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (next < o.total) {
        const req = o.make(next++);
        const t0 = performance.now();
        let ok = false;
        try {
          const res = await sendStream(agent, url, o.tls, req);
          ok = o.check(res);
          if (!ok) o.onError?.(res);
          responseBytes += res.bytes;
          if (ok) payloadBytes += req.payloadBytes;
        } catch (e) {
          o.onError?.(e as Error);
        }
        samples.push({ ms: performance.now() - t0, ok });
      }
    }),
  );
  agent.destroy();
  const seconds = (performance.now() - start) / 1000;
  return { ...summarise(samples, seconds), responseMBps: responseBytes / 1e6 / seconds, payloadMBps: payloadBytes / 1e6 / seconds };
}

/** Samples the server's RSS every `everyMs` until stopped; returns the baseline and the peak. */
export function rssSampler(server: ServerProcess, everyMs = 25): { stop(): { baseMb: number; peakMb: number } } {
  const baseMb = server.rssMb();
  let peakMb = baseMb;
  const t = setInterval(() => {
    try {
      peakMb = Math.max(peakMb, server.rssMb());
    } catch {
      /* process gone */
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(t);
      return { baseMb, peakMb: Math.max(peakMb, server.rssMb()) };
    },
  };
}

/**
 * One request, whole response kept: on a fresh connection (probing a query's shape before a run), or on
 * `agent`'s keep-alive connections.
 */
export function postText(baseUrl: string, tls: Tls, path: string, body: string, contentType: string, agent?: https.Agent): Promise<{ status: number; body: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = https.request({ host: url.hostname, port: url.port, path, method: 'POST', agent, ...tls, headers: { 'content-type': contentType } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
