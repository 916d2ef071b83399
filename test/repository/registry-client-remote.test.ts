/**
 * ITI-41 with the registry reached over SOAP/mTLS (remoteRegistryClient): here the server's own
 * /xds/registry endpoint plays the remote registry, so the whole ITI-42 wire path is exercised.
 */
import { expect } from 'chai';
import { parseCx } from '../../src/metadata/hl7-types';
import { createIti41Handler } from '../../src/repository/handle-iti41';
import { remoteRegistryClient, submitObjectsRequest } from '../../src/repository/registry-client-remote';
import { readSubmitObjectsRequest } from '../../src/ebxml/read-submit-objects';
import { parseXml } from '../../src/soap/xml';
import { startTestServer, type TestServer } from '../support/server';
import { newPatient, singleDoc } from '../support/iti42';
import { pnrMetadata, provide, registryResponseOf, repositoryTransactions, retrieve, retrievedOf } from './pnr';

describe('ITI-41 with a remote registry (SOAP over mutual TLS)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let registryUrl = '';

  before(async () => {
    const handler = createIti41Handler(() => remoteRegistryClient({ url: registryUrl, ca: server.ca, cert: server.cert, key: server.key, timeoutMs: 5_000 }));
    server = await startTestServer({}, { transactions: repositoryTransactions(handler) });
  });
  after(async () => server?.stop());

  const addPatient = async () => {
    const pid = newPatient();
    await server.deps.stores.patients.add(parseCx(pid)!);
    return pid;
  };

  it('writes back a SubmitObjectsRequest that reads to the same submission', () => {
    const read = readSubmitObjectsRequest(parseXml(singleDoc({ pid: newPatient() }).xml), 'registry');
    const again = readSubmitObjectsRequest(parseXml(submitObjectsRequest(read.submission)), 'registry');
    expect(again.errors.filter((e) => e.severity === 'Error')).to.deep.equal([]);
    expect(again.submission).to.deep.equal(read.submission);
  });

  it('registers through the remote registry and then serves the document', async () => {
    registryUrl = `${server.url}/xds/registry`;
    const pid = await addPatient();
    const m = pnrMetadata(pid, [{ mimeType: 'text/plain' }]);
    const res = await provide(server, m.xml, [{ id: 'Document01', bytes: Buffer.from('remote') }]);
    const o = registryResponseOf(res.soap.body);
    expect(o.status, JSON.stringify(o.errors)).to.equal('Success');
    const [de] = await server.deps.stores.registry.findDocumentEntries({ uniqueIds: [m.docs[0]!.uid] }, { limit: 5 });
    expect(de?.repositoryUniqueId).to.equal(server.deps.repository.repositoryUniqueId);
    const r = retrievedOf((await retrieve(server, [{ uid: m.docs[0]!.uid }])).soap);
    expect(r.documents[0]!.part?.bytes?.toString()).to.equal('remote');
  });

  it("returns the remote registry's errors unchanged (XDSUnknownPatientId) and stores nothing", async () => {
    registryUrl = `${server.url}/xds/registry`;
    const pid = newPatient();
    const m = pnrMetadata(pid, [{}]);
    const o = registryResponseOf((await provide(server, m.xml, [{ id: 'Document01', bytes: Buffer.from('x') }])).soap.body);
    expect(o.status).to.equal('Failure');
    expect(o.errors.map((e) => e.errorCode)).to.deep.equal(['XDSUnknownPatientId']);
    expect(retrievedOf((await retrieve(server, [{ uid: m.docs[0]!.uid }])).soap).status).to.equal('Failure');
  });

  it('answers XDSRegistryNotAvailable when the registry cannot be reached; nothing is retrievable', async () => {
    registryUrl = 'https://127.0.0.1:9/xds/registry';
    const pid = await addPatient();
    const m = pnrMetadata(pid, [{}]);
    const o = registryResponseOf((await provide(server, m.xml, [{ id: 'Document01', bytes: Buffer.from('x') }])).soap.body);
    expect(o.status).to.equal('Failure');
    expect(o.errors.map((e) => e.errorCode)).to.deep.equal(['XDSRegistryNotAvailable']);
    const r = retrievedOf((await retrieve(server, [{ uid: m.docs[0]!.uid }])).soap);
    expect(r.errors.map((e) => e.errorCode)).to.deep.equal(['XDSDocumentUniqueIdError']);
    expect(await server.deps.stores.documents.sweep(-60_000)).to.equal(0);
  });

  it('answers XDSRegistryError when the peer is not a registry (a SOAP fault)', async () => {
    registryUrl = `${server.url}/xds/repository`; // ITI-42 action is not served there → wsa:ActionNotSupported
    const pid = await addPatient();
    const m = pnrMetadata(pid, [{}]);
    const o = registryResponseOf((await provide(server, m.xml, [{ id: 'Document01', bytes: Buffer.from('x') }])).soap.body);
    expect(o.errors.map((e) => e.errorCode)).to.deep.equal(['XDSRegistryError']);
  });
});
