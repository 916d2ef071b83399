/**
 * Output of every benchmark script: a markdown table on stdout and bench/results/<name>-<timestamp>.json,
 * plus the run context (load average, node version) that makes a noisy-VM number readable later.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

export interface RunContext {
  readonly startedAt: string;
  readonly node: string;
  readonly loadAvgAtStart: readonly number[];
  /** core0CalibrationMs at the start of the run. */
  readonly calibrationMs: number;
}

/**
 * Milliseconds a fixed single-threaded workload (hashing, JSON, strings) takes on core 0, the server's core:
 * median of three runs in a fresh process. Our VM's speed drifts by up to ±50% from run to run (session 4:
 * the same code took 0.76 and 1.0 CPU-ms per PIX query), so each result carries it; compare numbers taken at
 * similar calibrations, or scale by it.
 */
export function core0CalibrationMs(): number {
  const script = `
    const { createHash } = require('node:crypto');
    const buf = Buffer.alloc(4096, 7);
    const doc = { a: 'x'.repeat(40), b: [1, 2, 3, 4, 5, 6, 7, 8], c: { d: 'yes', e: 12.5 } };
    const t = performance.now();
    let n = 0;
    for (let i = 0; i < 20000; i++) {
      n += createHash('sha1').update(buf).digest('hex').length;
      n += JSON.parse(JSON.stringify(doc)).a.length;
      n += ('k' + i).padStart(12, '0').toUpperCase().length;
    }
    process.stdout.write(String(performance.now() - t) + (n > 0 ? '' : '!'));`;
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = spawnSync('taskset', ['-c', '0', process.execPath, '-e', script], { encoding: 'utf8' });
    const ms = r.status === 0 ? Number(r.stdout) : NaN;
    if (Number.isFinite(ms)) runs.push(ms);
  }
  runs.sort((a, b) => a - b);
  return runs.length > 0 ? Number(runs[runs.length >> 1]!.toFixed(1)) : NaN;
}

export function runContext(): RunContext {
  return {
    startedAt: new Date().toISOString(),
    node: process.version,
    loadAvgAtStart: loadavg().map((x) => Number(x.toFixed(2))),
    calibrationMs: core0CalibrationMs(),
  };
}

/** `load average at start …; core-0 calibration … ms` for the printed summary of a run. */
export const contextLine = (c: RunContext): string => `load average at start ${c.loadAvgAtStart.join(' ')}; core-0 calibration ${c.calibrationMs} ms (lower is faster)`;

/** Pins this (load generator) process to core 1 so that the server child owns core 0 (§5.4). */
export function pinLoadGenerator(): void {
  if (spawnSync('taskset', ['-p', '-c', '1', String(process.pid)]).status !== 0) process.stderr.write('taskset unavailable: not pinned\n');
}

export type Cell = string | number;

export function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const fmt = (c: Cell) => (typeof c === 'number' ? (Number.isInteger(c) ? String(c) : c.toFixed(c < 10 ? 2 : 1)) : c);
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(fmt).join(' | ')} |`)].join('\n');
}

export async function writeResult(name: string, data: Record<string, unknown>): Promise<string> {
  const out = join(__dirname, '..', 'results');
  await mkdir(out, { recursive: true });
  const file = join(out, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const end = { loadAvgAtEnd: loadavg().map((x) => Number(x.toFixed(2))), calibrationMsAtEnd: core0CalibrationMs() };
  await writeFile(file, JSON.stringify({ ...data, ...end }, null, 2));
  process.stderr.write(`core-0 calibration at the end: ${end.calibrationMsAtEnd} ms\n`);
  return file;
}

export const passMiss = (ok: boolean): string => (ok ? 'PASS' : 'MISS');
