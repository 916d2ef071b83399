/**
 * Backpressure (security.md R7): beyond MAX_IN_FLIGHT concurrent SOAP requests the server answers at once
 * with HTTP 503, Retry-After and a fault naming XDSRegistryBusy, and serves normally again afterwards.
 */
import { expect } from 'chai';
import { startTestServer, postSoap, soapRequest, type TestServer } from '../support/server';
import { TRANSACTIONS, type Handler, type TransactionDef } from '../../src/transactions';
import { SoapAction } from '../../src/ebxml/vocabulary';

describe('app: admission control (MAX_IN_FLIGHT)', function () {
  this.timeout(30_000);
  let server: TestServer;
  let release: () => void = () => undefined;
  let entered: () => void = () => undefined;

  // A registry row whose handler waits for the test: a request held in flight on purpose.
  const gated: Handler = async () => {
    entered();
    await new Promise<void>((resolve) => (release = resolve));
    return { body: '<ok xmlns="urn:test"/>' };
  };
  const table: TransactionDef[] = TRANSACTIONS.map((t) => (t.id === 'ITI-42' ? { ...t, handler: gated } : t));

  before(async () => {
    server = await startTestServer({ maxInFlight: 1 }, { transactions: table });
  });
  after(async () => {
    release();
    await server?.stop();
  });

  it('answers Busy immediately while the limit is reached, then serves again', async () => {
    const inside = new Promise<void>((resolve) => (entered = resolve));
    // supertest sends lazily: .then() starts the request now.
    const first = postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, '<x xmlns="urn:test"/>')).then((r) => r);
    await inside;

    const t0 = performance.now();
    const busy = await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, '<x xmlns="urn:test"/>'));
    expect(performance.now() - t0, 'rejected without waiting for the request in flight').to.be.lessThan(1000);
    expect(busy.status).to.equal(503);
    expect(busy.headers['retry-after']).to.equal('1');
    expect(busy.text).to.contain('XDSRegistryBusy');

    release();
    expect((await first).status).to.equal(200);
    entered = () => setImmediate(() => release()); // after the handler has installed its gate
    expect((await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, '<x xmlns="urn:test"/>'))).status).to.equal(200);
  });
});
