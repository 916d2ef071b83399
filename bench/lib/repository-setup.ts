/**
 * Shared set-up of the repository benchmarks (B2/B3/B6): a data directory whose patients are known to the
 * patient index (added through the store before the server starts), the server child with room for a
 * 27 MB base64 envelope, and uniqueId generators that never collide between runs.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStores } from '../../src/storage/open-stores';
import { parseCx } from '../../src/metadata/hl7-types';
import { startServerProcess, type ServerProcess } from './server-process';
import { devPki, type Tls } from './load';

export const benchPatient = (i: number): string => `BR${i}^^^&1.3.6.1.4.1.21367.13.20.1000&ISO`;

export interface RepositoryBench {
  readonly dataDir: string;
  readonly server: ServerProcess;
  readonly tls: Tls;
  readonly repositoryUid: string;
  readonly patients: number;
  /** A fresh OID for every call (document and SubmissionSet uniqueIds). */
  oid(): string;
}

export async function startRepositoryBench(o: { name: string; patients?: number; env?: Record<string, string>; nodeArgs?: readonly string[] }): Promise<RepositoryBench> {
  const dataDir = await mkdtemp(join(tmpdir(), `tessera-${o.name}-`));
  const patients = o.patients ?? 100;
  const stores = await openStores({ dataDir });
  for (let i = 0; i < patients; i++) await stores.patients.add(parseCx(benchPatient(i))!);
  await stores.close();
  const server = await startServerProcess({
    dataDir,
    core: 0,
    nodeArgs: o.nodeArgs,
    // B3 sends a 20 MB document as 27 MB of base64 inside the envelope; the default cap is 20 MiB.
    env: { MAX_ENVELOPE_BYTES: String(64 << 20), MAX_DOCUMENT_BYTES: String(2 ** 31), ...o.env },
  });
  const repositoryUid = (await readFile(join(dataDir, 'repository-id.txt'), 'utf8')).trim();
  const run = Date.now();
  let n = 0;
  return { dataDir, server, tls: devPki(dataDir), repositoryUid, patients, oid: () => `1.3.6.1.4.1.21367.2026.20.${run}.${++n}` };
}
