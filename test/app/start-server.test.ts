/** startTessera wiring: Config → Deps, and clean failure when start-up cannot complete. */
import { createServer } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pino from 'pino';
import { startTessera } from '../../src/app/start-server';
import { loadConfig } from '../../src/config/load-config';
import { PROJECT_ROOT } from '../support/child-server';
import { startTestServer, writeTestTlsFiles } from '../support/server';

describe('app: startTessera', () => {
  it('builds Deps from the config: affinity domain, settings, repository id, ids and clock', async () => {
    const server = await startTestServer({
      affinityCodesPath: join(PROJECT_ROOT, 'fixtures/app/codes.xml'),
      codeValidation: 'warn',
      patientIdCheck: 'off',
      maxQueryResults: 7,
      maxDocumentBytes: 1234,
      repositoryUniqueId: '1.2.840.99.1',
    });
    try {
      const { deps } = server;
      expect(deps.registry.patientIdCheck).to.equal('off');
      expect(deps.registry.maxQueryResults).to.equal(7);
      expect(deps.registry.affinity.strictness).to.equal('warn');
      expect(deps.registry.affinity.codes.get('urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a')).to.have.length(2);
      expect(deps.registry.affinity.mimeTypes).to.deep.equal(['text/xml', 'application/pdf']);
      expect(deps.repository).to.deep.equal({ repositoryUniqueId: '1.2.840.99.1', maxDocumentBytes: 1234 });
      expect(deps.newUuid()).to.match(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(deps.newUuid()).to.not.equal(deps.newUuid());
      expect(Math.abs(deps.now().getTime() - Date.now())).to.be.lessThan(1000);
      expect(deps.stores.kind).to.equal('sqlite');
    } finally {
      await server.stop();
    }
  });

  it('uses the open affinity domain without AFFINITY_CODES', async () => {
    const server = await startTestServer();
    try {
      expect(server.deps.registry.affinity.strictness).to.equal('off');
      expect(server.deps.registry.affinity.codes.size).to.equal(0);
      expect(server.deps.repository.repositoryUniqueId).to.match(/^2\.25\.\d+$/);
    } finally {
      await server.stop();
    }
  });

  it('fails start-up (and releases the stores) when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, r));
    const port = (blocker.address() as { port: number }).port;
    const dataDir = await mkdtemp(join(tmpdir(), 'tessera-busy-'));
    try {
      const config = Object.freeze({ ...loadConfig({ DATA_DIR: dataDir }), port, adminPort: 0, tls: await writeTestTlsFiles(dataDir) });
      let error: NodeJS.ErrnoException | undefined;
      await startTessera(config, { log: pino({ level: 'silent' }), notice: () => undefined }).catch((e: NodeJS.ErrnoException) => (error = e));
      expect(error?.code).to.equal('EADDRINUSE');
      // The stores were closed: a second start on the same data dir works.
      const ok = await startTessera(Object.freeze({ ...config, port: 0 }), { log: pino({ level: 'silent' }), notice: () => undefined });
      await ok.stop();
    } finally {
      blocker.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('fails start-up with a clear error for an unreadable affinity file', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tessera-aff-'));
    const bad = join(dataDir, 'codes.xml');
    await writeFile(bad, '<NotCodes/>');
    try {
      const config = Object.freeze({ ...loadConfig({ DATA_DIR: dataDir, AFFINITY_CODES: bad }), port: 0, adminPort: 0, tls: await writeTestTlsFiles(dataDir) });
      let error: Error | undefined;
      await startTessera(config, { log: pino({ level: 'silent' }), notice: () => undefined }).catch((e: Error) => (error = e));
      expect(error?.message).to.match(/expected Codes/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
