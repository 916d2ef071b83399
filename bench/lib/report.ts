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
}

export function runContext(): RunContext {
  return { startedAt: new Date().toISOString(), node: process.version, loadAvgAtStart: loadavg().map((x) => Number(x.toFixed(2))) };
}

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
  await writeFile(file, JSON.stringify({ ...data, loadAvgAtEnd: loadavg().map((x) => Number(x.toFixed(2))) }, null, 2));
  return file;
}

export const passMiss = (ok: boolean): string => (ok ? 'PASS' : 'MISS');
