/**
 * Runs Tessera as a child process for benchmarks (pinned to one core when taskset exists), waits for
 * /health, and reads its CPU time from /proc so results can be given as CPU-ms per request.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface ServerProcess {
  readonly url: string;
  readonly adminUrl: string;
  readonly pid: number;
  cpuMs(): number;
  rssMb(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const hasTaskset = () => spawnSync('taskset', ['--version']).status === 0;

let clockTicks: number | undefined;

/** User and system CPU (ms) from a /proc `stat` file: a process (`/proc/<pid>/stat`) or one of its threads. */
export function procCpuMs(statPath: string): { userMs: number; sysMs: number } {
  clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim() || 100);
  const fields = readFileSync(statPath, 'utf8').split(') ')[1]!.split(' ');
  return { userMs: (Number(fields[11]) * 1000) / clockTicks, sysMs: (Number(fields[12]) * 1000) / clockTicks }; // utime, stime
}

/** `nodeArgs`: extra node flags for the child, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
export async function startServerProcess(o: { dataDir: string; env?: Record<string, string>; core?: number; nodeArgs?: readonly string[] }): Promise<ServerProcess> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const root = join(__dirname, '../..');
  // BENCH_NODE_ARGS: node flags for every benchmark's server, e.g. `--trace-gc` (with BENCH_SERVER_STDOUT=1).
  const envArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // `npm start`'s flags (package.json): V8's background threads sized to the cores the server may use.
  const node = [process.execPath, '--v8-pool-size=0', ...envArgs, ...(o.nodeArgs ?? []), '--import', 'tsx', join(root, 'src/main.ts')];
  const argv = hasTaskset() && o.core !== undefined ? ['taskset', '-c', String(o.core), ...node] : node;
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), {
    cwd: root,
    env: { ...process.env, DATA_DIR: o.dataDir, PORT: String(port), ADMIN_PORT: String(adminPort), MLLP_PORT: '0', LOG_LEVEL: 'warn', ...o.env },
    // BENCH_SERVER_STDOUT=1 shows the server's stdout, e.g. `--trace-gc` given in nodeArgs.
    stdio: ['ignore', process.env.BENCH_SERVER_STDOUT ? 'inherit' : 'ignore', 'inherit'],
  });
  // A benchmark that dies half-way must not leave its server running (pinned to core 0) behind it.
  const reap = () => child.kill('SIGTERM');
  process.once('exit', reap);
  child.once('exit', () => process.removeListener('exit', reap));
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${adminUrl}/health`)).status === 200) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error('server did not become healthy in 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  const pid = child.pid!;
  return {
    url: `https://localhost:${port}`,
    adminUrl,
    pid,
    cpuMs() {
      const t = procCpuMs(`/proc/${pid}/stat`);
      return t.userMs + t.sysMs;
    },
    rssMb() {
      const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
      return Number(line?.replace(/\D+/g, '') ?? 0) / 1024;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
