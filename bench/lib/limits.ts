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
