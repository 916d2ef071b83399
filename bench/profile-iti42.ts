/**
 * CPU profile of the server under single-document ITI-42 load (B1's request), for finding the hot spots
 * behind B1's CPU-ms per request. Prints the top self and inclusive functions.
 *
 *   npm run bench -- profile42
 */
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStores } from '../src/storage/open-stores';
import { parseCx } from '../src/metadata/hl7-types';
import { SoapAction } from '../src/ebxml/vocabulary';
import { singleDoc } from '../test/support/iti42';
import { soapRequest } from '../test/support/server';
import { closedLoop, devPki } from './lib/load';
import { startServerProcess } from './lib/server-process';
import { summariseProfile } from './lib/cpu-profile';

const patient = (i: number) => `P42-${i}^^^&1.3.6.1.4.1.21367.13.20.1000&ISO`;

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-p42-'));
  const profDir = await mkdtemp(join(tmpdir(), 'tessera-p42-prof-'));
  const stores = await openStores({ dataDir });
  for (let p = 0; p < 100; p++) await stores.patients.add(parseCx(patient(p))!);
  await stores.close();
  const server = await startServerProcess({ dataDir, core: 0, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
  const tls = devPki(dataDir);
  const make = (i: number) => ({
    path: '/xds/registry',
    body: soapRequest(SoapAction.iti42, singleDoc({ pid: patient(i % 100) }).xml),
    headers: { 'content-type': 'application/soap+xml; charset=UTF-8' },
  });
  const cpu0 = server.cpuMs();
  const r = await closedLoop({ url: server.url, tls, concurrency: 8, seconds: Number(process.env.BENCH_SECONDS ?? 10), make, check: (s) => s === 200 });
  // Server CPU per request under the profiler (which adds its own sampling cost): compare runs with each other.
  const cpuPerRequest = (server.cpuMs() - cpu0) / Math.max(1, r.requests);
  await server.stop();
  process.stdout.write(`${r.requests} requests, ${r.rate.toFixed(0)}/s, server CPU ${cpuPerRequest.toFixed(2)} ms/request (profiled)\n`);
  const file = (await readdir(profDir)).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  const { totalMs, self, inclusive } = summariseProfile(join(profDir, file), 25);
  process.stdout.write(`profile ${totalMs.toFixed(0)} ms\nSELF\n${self.map((h) => `${h.ms.toFixed(0).padStart(6)} ms  ${h.fn}`).join('\n')}\nINCLUSIVE\n${inclusive.map((h) => `${h.ms.toFixed(0).padStart(6)} ms  ${h.fn}`).join('\n')}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
