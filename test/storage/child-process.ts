/** Helpers to run child processes of the storage tests (crash and multi-process cases). */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Starts the child and resolves once it printed `marker`. */
export function spawnUntil(script: string, args: readonly string[], marker: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(marker)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before "${marker}": ${out} ${err}`)));
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  /** What the child printed so far, trimmed. */
  const output = (): string => out.trim();
  return { child, ready, exited, output };
}

/** Every regular file below dir (relative paths). */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

