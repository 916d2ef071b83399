/**
 * Tessera as a repository in front of another registry (REGISTRY_URL): two real servers, the repository
 * registering over SOAP/mutual TLS. Registry errors come back unchanged; an unreachable registry is
 * XDSRegistryNotAvailable; in both failure cases nothing is retrievable from the repository.
 */
import { expect } from 'chai';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/server';
import { testPki } from '../support/pki';
import { newPatient } from '../support/iti42';
import { pnrMetadata, provide, registryResponseOf, retrieve, retrievedOf } from '../repository/pnr';
import { parseCx } from '../../src/metadata/hl7-types';
import { loadConfig } from '../../src/config/load-config';

describe('repository with a remote registry (REGISTRY_URL)', function () {
  this.timeout(60_000);
  let registry: TestServer;
  let repository: TestServer;

  before(async () => {
    registry = await startTestServer();
    const dir = await mkdtemp(join(tmpdir(), 'tessera-remote-tls-'));
    const pki = testPki();
    const tls = { caPath: join(dir, 'ca.pem'), certPath: join(dir, 'client.pem'), keyPath: join(dir, 'client-key.pem') };
    await writeFile(tls.caPath, pki.ca.cert);
    await writeFile(tls.certPath, pki.client.cert);
    await writeFile(tls.keyPath, pki.client.key, { mode: 0o600 });
    repository = await startTestServer({ remoteRegistry: { url: `${registry.url}/xds/registry`, tls } });
  });
  after(async () => {
    await repository?.stop();
    await registry?.stop();
  });

  it('registers at the remote registry and serves the document itself', async () => {
    const pid = newPatient();
    await registry.deps.stores.patients.add(parseCx(pid)!);
    const m = pnrMetadata(pid, [{}]);
    const bytes = Buffer.from('remote registry round trip');
    const res = await provide(repository, m.xml, [{ id: 'Document01', bytes }]);
    expect(registryResponseOf(res.soap.body).status).to.equal('Success');
    const uid = m.docs[0]!.uid;
    const [entry] = await registry.deps.stores.registry.findDocumentEntries({ uniqueIds: [uid] }, { limit: 2 });
    expect(entry?.repositoryUniqueId).to.equal(repository.deps.repository.repositoryUniqueId);
    expect(await repository.deps.stores.registry.findDocumentEntries({ uniqueIds: [uid] }, { limit: 2 })).to.have.length(0);
    const got = retrievedOf((await retrieve(repository, [{ uid }])).soap);
    expect(got.status).to.equal('Success');
    expect(got.documents[0]?.part?.sha1).to.equal(entry?.hash);
  });

  it('passes the registry error back unchanged and keeps nothing', async () => {
    const m = pnrMetadata(newPatient(), [{}]);
    const res = await provide(repository, m.xml, [{ id: 'Document01', bytes: Buffer.from('unknown patient') }]);
    const out = registryResponseOf(res.soap.body);
    expect(out.status).to.equal('Failure');
    expect(out.errors.map((e) => e.errorCode)).to.include('XDSUnknownPatientId');
    expect(retrievedOf((await retrieve(repository, [{ uid: m.docs[0]!.uid }])).soap).documents).to.have.length(0);
  });

  it('answers XDSRegistryNotAvailable when the registry cannot be reached', async () => {
    const dead = await startTestServer({ remoteRegistry: { url: 'https://127.0.0.1:9/xds/registry' } });
    try {
      const m = pnrMetadata(newPatient(), [{}]);
      const res = await provide(dead, m.xml, [{ id: 'Document01', bytes: Buffer.from('nowhere') }]);
      expect(registryResponseOf(res.soap.body).errors.map((e) => e.errorCode)).to.include('XDSRegistryNotAvailable');
      expect(retrievedOf((await retrieve(dead, [{ uid: m.docs[0]!.uid }])).soap).documents).to.have.length(0);
    } finally {
      await dead.stop();
    }
  });

  it('validates REGISTRY_URL and its TLS files in the configuration', () => {
    expect(() => loadConfig({ REGISTRY_URL: 'http://registry/xds' })).to.throw(/REGISTRY_URL/);
    expect(() => loadConfig({ REGISTRY_URL: 'https://r/x', REGISTRY_TLS_CA: '/ca.pem' })).to.throw(/REGISTRY_TLS_CERT/);
    expect(() => loadConfig({ REGISTRY_TLS_CA: '/ca.pem' })).to.throw(/REGISTRY_URL/);
    expect(loadConfig({ REGISTRY_URL: 'https://r:8443/xds/registry' }).remoteRegistry?.url).to.equal('https://r:8443/xds/registry');
  });
});
