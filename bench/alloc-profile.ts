/**
 * Bytes allocated per request by the server, by function: Tessera started in this process on the B7 identity
 * dataset, BENCH_REQUESTS PIX queries sent over mutual TLS keep-alive, under V8's sampling heap profiler
 * counting objects that were collected as well (what the young generation sees). The client shares the
 * process: functions of bench/ and node's http client are listed apart, so the server's share can be read.
 * BENCH_PROMOTED=1 counts only objects that outlived the young generation.
 *
 *   BENCH_IDENTITIES=1000000 BENCH_DATA_DIR=/var/tmp/b7m npm run bench -- alloc
 */
import https from 'node:https';
import { Session } from 'node:inspector';
import { mkdir } from 'node:fs/promises';
import pino from 'pino';
import { loadConfig } from '../src/config/load-config';
import { startTessera } from '../src/app/start-server';
import { pix } from './lib/b7-requests';
import { buildIdentityDataset } from './lib/identity-dataset';
import { devPki, send } from './lib/load';

const PERSONS = Number(process.env.BENCH_IDENTITIES ?? 100_000);
const DATA_DIR = process.env.BENCH_DATA_DIR ?? `/var/tmp/tessera-b7-${PERSONS}`;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
/** BENCH_PROMOTED=1: count only what outlived the young generation (what the old generation and mark-compacts see). */
const PROMOTED = process.env.BENCH_PROMOTED === '1';

interface SamplingNode {
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

const post = (s: Session, method: string, params?: object): Promise<any> =>
  new Promise((resolve, reject) => s.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r))));

async function main(): Promise<void> {
  await mkdir(DATA_DIR, { recursive: true });
  const dataset = await buildIdentityDataset({ dataDir: DATA_DIR, persons: PERSONS, seed: 7, progress: (l) => process.stderr.write(`${l}\n`) });
  const config = loadConfig({ DATA_DIR, PORT: '0', ADMIN_PORT: '0', MLLP_PORT: '0', LOG_LEVEL: 'warn' });
  const server = await startTessera(config, { log: pino({ level: 'warn' }), notice: () => undefined });
  const url = new URL(server.url);
  const tls = devPki(DATA_DIR);
  const agent = new https.Agent({ keepAlive: true, maxSockets: 4 });
  const run = async (n: number) => {
    for (let i = 0; i < n; i += 4) await Promise.all([0, 1, 2, 3].map((k) => send(agent, url, tls, pix(i + k, dataset.picks))));
  };
  await run(2000); // warm: JIT, statements, connections

  const session = new Session();
  session.connect();
  await post(session, 'HeapProfiler.enable');
  await post(session, 'HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: !PROMOTED });
  await run(REQUESTS);
  const { profile } = (await post(session, 'HeapProfiler.stopSampling')) as { profile: { head: SamplingNode } };
  session.disconnect();
  agent.destroy();
  await server.stop();

  // Self bytes per function, and per "side": a stack that passes through bench/ or node's http client is the client's.
  const self = new Map<string, number>();
  let total = 0;
  let client = 0;
  const walk = (n: SamplingNode, clientSide: boolean) => {
    const f = n.callFrame;
    const isClient = clientSide || /\/bench\/|_http_client|_http_agent/.test(f.url);
    if (n.selfSize > 0) {
      total += n.selfSize;
      if (isClient) client += n.selfSize;
      else {
        const k = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*?\/(src|node_modules)\//, '$1/').replace(/^node:/, '')}:${f.lineNumber + 1}`;
        self.set(k, (self.get(k) ?? 0) + n.selfSize);
      }
    }
    for (const c of n.children) walk(c, isClient);
  };
  walk(profile.head, false);
  const server_ = total - client;
  const what = PROMOTED ? 'outliving the young generation' : 'allocated';
  process.stdout.write(`\n${REQUESTS} PIX queries: ${(total / REQUESTS / 1024).toFixed(1)} KB ${what} per request in this process, of which the server (stacks not through bench/ or the http client) ${(server_ / REQUESTS / 1024).toFixed(1)} KB\n\n| KB/request | function |\n|---|---|\n`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) process.stdout.write(`| ${(v / REQUESTS / 1024).toFixed(1)} | \`${k}\` |\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
