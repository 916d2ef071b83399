/** Runs `node --import tsx src/main.ts` as a child process (what `npm start` runs) and reads its log lines. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const PROJECT_ROOT = join(__dirname, '..', '..');

export interface ChildServer {
  readonly child: ChildProcess;
  /** Resolves with the bound ports once the "tessera listening" line appears. */
  readonly ready: Promise<{ port: number; adminPort: number }>;
  readonly exit: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

/** A minimal environment: nothing of the caller's (e.g. MONGODB_URI) leaks into the child. */
export function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...vars };
}

/** Runs `node <args>` in the project root; `args` start with `--import tsx` for TypeScript entries. */
export function spawnNode(args: readonly string[], env: NodeJS.ProcessEnv): ChildServer {
  const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<{ port: number; adminPort: number }>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      for (const line of out.split('\n')) {
        if (!line.includes('"tessera listening"')) continue;
        const parsed = JSON.parse(line) as { port: number; adminPort: number };
        resolve({ port: parsed.port, adminPort: parsed.adminPort });
      }
    });
    void exit.then((code) => reject(new Error(`server exited with ${code} before listening: ${err}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, exit, stdout: () => out, stderr: () => err };
}

export const spawnTessera = (vars: Record<string, string>): ChildServer => spawnNode(['--import', 'tsx', 'src/main.ts'], childEnv(vars));
