/**
 * Re-measures the machine limits a benchmark result is read against (performance.md §3, §5.4):
 * SHA-1 throughput and small write+fdatasync latency. About two seconds.
 */
import { createHash } from 'node:crypto';
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Limits {
  readonly cpu: string;
  readonly cores: number;
  readonly sha1MBps: number;
  readonly fsync4kP50Ms: number;
  readonly fsync4kP99Ms: number;
}

export async function measureLimits(): Promise<Limits> {
  const chunk = Buffer.alloc(1 << 20, 7);
  const h = createHash('sha1');
  const t0 = performance.now();
  for (let i = 0; i < 512; i++) h.update(chunk);
  h.digest();
  const sha1MBps = 512 / ((performance.now() - t0) / 1000);

  const file = join(tmpdir(), `tessera-limits-${process.pid}`);
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const times: number[] = [];
  for (let i = 0; i < 500; i++) {
    const s = performance.now();
    writeSync(fd, block);
    fdatasyncSync(fd);
    times.push(performance.now() - s);
  }
  closeSync(fd);
  rmSync(file);
  times.sort((a, b) => a - b);
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    sha1MBps: Math.round(sha1MBps),
    fsync4kP50Ms: Number(times[250]!.toFixed(3)),
    fsync4kP99Ms: Number(times[495]!.toFixed(3)),
  };
}

export interface TransferLimits {
  /** Mutual-TLS loopback, both ends in this process (so about half of one core's capacity per direction). */
  readonly tlsLoopbackMBps: number;
  /** Buffered sequential write of 256 MiB in 1 MiB writes, then one fsync. */
  readonly diskWriteFsyncMBps: number;
}

/** TLS and disk limits for the large-document scenarios (B2, B6), performance.md §3. About two seconds. */
export async function measureTransferLimits(pkiDir: string): Promise<TransferLimits> {
  const { readFileSync } = await import('node:fs');
  const tls = await import('node:tls');
  const f = (n: string) => readFileSync(join(pkiDir, n));
  const total = 256 << 20;
  const chunk = Buffer.alloc(1 << 20, 3);
  const tlsLoopbackMBps = await new Promise<number>((resolve, reject) => {
    const server = tls.createServer({ ca: f('ca.pem'), cert: f('server.pem'), key: f('server-key.pem'), requestCert: true }, (s) => {
      let got = 0;
      const t0 = performance.now();
      s.on('data', (d: Buffer) => {
        got += d.length;
        if (got >= total) {
          resolve(total / 1e6 / ((performance.now() - t0) / 1000));
          s.destroy();
          server.close();
        }
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      const c = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: f('ca.pem'), cert: f('client.pem'), key: f('client-key.pem') }, async () => {
        for (let sent = 0; sent < total; sent += chunk.length) {
          if (!c.write(chunk)) await new Promise((r) => c.once('drain', r));
        }
      });
      c.on('error', () => undefined);
    });
    server.on('error', reject);
  });

  const file = join(tmpdir(), `tessera-limits-disk-${process.pid}`);
  const fd = openSync(file, 'w');
  const t0 = performance.now();
  for (let i = 0; i < 256; i++) writeSync(fd, chunk);
  fdatasyncSync(fd);
  const diskWriteFsyncMBps = total / 1e6 / ((performance.now() - t0) / 1000);
  closeSync(fd);
  rmSync(file);
  return { tlsLoopbackMBps: Math.round(tlsLoopbackMBps), diskWriteFsyncMBps: Math.round(diskWriteFsyncMBps) };
}
