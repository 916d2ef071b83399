/**
 * The secure-node listener (security.md §1.1, X13): only clients with a certificate from our CA get
 * through; handshake failures are audited as Security Alerts (DCM 110113).
 */
import { connect, type ConnectionOptions } from 'node:tls';
import { expect } from 'chai';
import request from 'supertest';
import { testPki } from '../support/pki';
import { startTestServer, type TestServer } from '../support/server';

/** Resolves with the negotiated protocol, or rejects with the handshake/alert error. */
function handshake(server: TestServer, o: ConnectionOptions): Promise<string> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port), servername: 'localhost', ca: server.ca, ...o });
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      // With TLS 1.3 the server's verdict on our certificate arrives after the client's handshake completes:
      // send a request and wait for either an answer or an alert.
      socket.write('GET /pdq?wsdl HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      socket.once('data', () => {
        resolve(socket.getProtocol() ?? '');
        socket.destroy();
      });
    });
  });
}

describe('app: mutual TLS listener', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('serves a client with a certificate from the configured CA', async () => {
    const res = await request(server.url).get('/xds/registry?wsdl').ca(server.ca).cert(server.cert).key(server.key);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('wsdl:definitions');
    const health = await request(server.adminUrl).get('/health');
    expect(health.status).to.equal(200);
    expect(health.body).to.include({ status: 'ok', store: 'sqlite' });
    expect(health.body.uptime).to.be.a('number');
  });

  it('refuses a client without a certificate (TLS error, no HTTP response)', async () => {
    let error: (Error & { code?: string }) | undefined;
    try {
      await request(server.url).get('/xds/registry?wsdl').ca(server.ca);
    } catch (err) {
      error = err as Error;
    }
    expect(error, 'request must fail at the TLS layer').to.be.instanceOf(Error);
    expect(`${error!.code} ${error!.message}`).to.match(/certificate required|ECONNRESET|socket hang up|EPIPE/i);
  });

  it('refuses a client certificate issued by another CA', async () => {
    const pki = testPki();
    let error: (Error & { code?: string }) | undefined;
    try {
      await request(server.url).get('/xds/registry?wsdl').ca(server.ca).cert(pki.otherClient.cert).key(pki.otherClient.key);
    } catch (err) {
      error = err as Error;
    }
    expect(error, 'request must fail at the TLS layer').to.be.instanceOf(Error);
    expect(`${error!.code} ${error!.message}`).to.match(/unknown ca|ECONNRESET|socket hang up|EPIPE/i);
  });

  it('offers TLS 1.2 with a BCP195 suite, and refuses TLS 1.2 with a static-RSA CBC suite', async () => {
    const client = { cert: server.cert, key: server.key };
    expect(await handshake(server, { ...client, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' })).to.equal('TLSv1.2');
    expect(await handshake(server, { ...client, maxVersion: 'TLSv1.2', ciphers: 'DHE-RSA-AES256-GCM-SHA384' })).to.equal('TLSv1.2');
    let error: Error | undefined;
    try {
      await handshake(server, { ...client, maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA' });
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).to.match(/handshake failure|no shared cipher/i);
  });

  it('negotiates TLS 1.3 by default', async () => {
    expect(await handshake(server, { cert: server.cert, key: server.key })).to.equal('TLSv1.3');
  });

  it('records a Security Alert audit event for a failed handshake', async () => {
    const before = (await server.deps.stores.audit.recent(1000)).filter((r) => r.eventId === '110113').length;
    await request(server.url).get('/pdq?wsdl').ca(server.ca).catch(() => undefined);
    let alerts = 0;
    for (let i = 0; i < 50 && alerts <= before; i++) {
      await new Promise((r) => setTimeout(r, 20));
      alerts = (await server.deps.stores.audit.recent(1000)).filter((r) => r.eventId === '110113').length;
    }
    expect(alerts).to.be.greaterThan(before);
    const [alert] = (await server.deps.stores.audit.recent(1000)).filter((r) => r.eventId === '110113');
    expect(alert).to.include({ action: 'E', outcome: 8 });
    expect(alert!.sourceNode).to.match(/127\.0\.0\.1|::1/);
  });
});
