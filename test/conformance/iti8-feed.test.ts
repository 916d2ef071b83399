/** The runner's ITI-8 feed (--mllp) against the real server: the fed patient becomes known to the registry. */
import { expect } from 'chai';
import { iti8Feed, newPatientId, parseCx } from '../../src/conformance/patient-feed';
import { startTestServer, type TestServer } from '../support/server';

describe('conformance: ITI-8 patient feed over MLLP/TLS', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.stop());

  it('feeds a fresh patient with ADT^A01 and gets AA; the registry then knows it', async () => {
    const tls = { ca: Buffer.from(server.ca), cert: Buffer.from(server.cert), key: Buffer.from(server.key) };
    const cx = newPatientId();
    expect(await server.deps.stores.patients.status(parseCx(cx))).to.deep.equal({ state: 'unknown' });
    await iti8Feed(`localhost:${server.mllpPort}`, tls).add(cx);
    expect(await server.deps.stores.patients.status(parseCx(cx))).to.deep.equal({ state: 'active' });
  });

  it('reports a refused feed (an assigning authority that is not an OID: the server answers AE/AR)', async () => {
    const tls = { ca: Buffer.from(server.ca), cert: Buffer.from(server.cert), key: Buffer.from(server.key) };
    let error = '';
    await iti8Feed(`localhost:${server.mllpPort}`, tls)
      .add('X1^^^&not-an-oid&ISO')
      .catch((e: Error) => (error = e.message));
    expect(error).to.match(/expected ACK AA, got MSA\|A[ER]/);
  });
});
