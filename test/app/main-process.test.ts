/**
 * `npm start` as a real process: development PKI on first start and reuse on the next, invalid
 * configuration (exit 2), and graceful shutdown on SIGTERM with a request in flight (exit 0).
 */
import { statSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { DEV_PKI_FILES } from '../../src/app/dev-pki';
import { SoapAction } from '../../src/ebxml/vocabulary';
import { soapRequest } from '../support/server';
import { spawnTessera } from '../support/child-server';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('app: main process', function () {
  this.timeout(60_000);
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tessera-main-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => ({ PORT: '0', ADMIN_PORT: '0', MLLP_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...extra });
  const pki = (f: string) => join(dataDir, 'pki', f);

  it('creates the development PKI on first start and reuses it (and the repository id) on the second', async () => {
    const first = spawnTessera(env());
    const { port, adminPort } = await first.ready;
    expect(port).to.be.greaterThan(0);
    for (const f of DEV_PKI_FILES) {
      const mode = statSync(pki(f)).mode & 0o777;
      expect(mode, f).to.equal(f.endsWith('-key.pem') ? 0o600 : 0o644);
    }
    expect(first.stderr()).to.contain(`curl --cacert ${pki('ca.pem')} --cert ${pki('client.pem')} --key ${pki('client-key.pem')}`);
    expect(first.stderr()).to.contain(`https://localhost:${port}/`);
    const health = await request(`http://127.0.0.1:${adminPort}`).get('/health');
    expect(health.status).to.equal(200);
    // The generated client certificate is accepted by the generated server.
    const ca = readFileSync(pki('ca.pem'), 'utf8');
    const wsdl = await request(`https://localhost:${port}`).get('/pix?wsdl').ca(ca).cert(readFileSync(pki('client.pem'))).key(readFileSync(pki('client-key.pem')));
    expect(wsdl.status).to.equal(200);
    const snapshot = DEV_PKI_FILES.map((f) => readFileSync(pki(f), 'utf8'));
    const repositoryId = readFileSync(join(dataDir, 'repository-id.txt'), 'utf8');
    expect(repositoryId).to.match(/^2\.25\.\d+\n$/);
    first.child.kill('SIGTERM');
    expect(await first.exit).to.equal(0);

    const second = spawnTessera(env());
    await second.ready;
    expect(second.stderr()).to.not.contain('curl');
    expect(DEV_PKI_FILES.map((f) => readFileSync(pki(f), 'utf8'))).to.deep.equal(snapshot);
    expect(readFileSync(join(dataDir, 'repository-id.txt'), 'utf8')).to.equal(repositoryId);
    second.child.kill('SIGINT');
    expect(await second.exit).to.equal(0);
  });

  it('exits with code 2 and one line naming the variable when the configuration is invalid', async () => {
    const bad = spawnTessera(env({ PORT: 'abc' }));
    expect(await bad.exit).to.equal(2);
    const lines = bad.stderr().trim().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/PORT/);
    expect(lines[0]).to.match(/whole number/);
  });

  /** A POST to /xds/registry with the dev client certificate, left open for the test to write its body. */
  const postToRegistry = (port: number, headers: Record<string, string | number>) =>
    httpsRequest({
      host: 'localhost',
      port,
      method: 'POST',
      path: '/xds/registry',
      ca: readFileSync(pki('ca.pem')),
      cert: readFileSync(pki('client.pem')),
      key: readFileSync(pki('client-key.pem')),
      headers,
    });

  it('on SIGTERM finishes the in-flight request, reports 503 health meanwhile, and exits 0', async () => {
    const server = spawnTessera(env({ SHUTDOWN_TIMEOUT_MS: '15000' }));
    const { port, adminPort } = await server.ready;
    const body = Buffer.from(soapRequest(SoapAction.iti18, `<x:Q xmlns:x="urn:x">${'z'.repeat(10_000)}</x:Q>`, 'urn:uuid:inflight'));
    const req = postToRegistry(port, { 'Content-Type': 'application/soap+xml; charset=UTF-8', 'Content-Length': body.length });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
    });
    req.write(body.subarray(0, 1000)); // the request is now in flight: headers and part of the body
    await sleep(300);
    server.child.kill('SIGTERM');
    await sleep(300);
    expect(server.child.exitCode, 'must wait for the in-flight request').to.equal(null);
    expect((await request(`http://127.0.0.1:${adminPort}`).get('/health')).status).to.equal(503);
    req.end(body.subarray(1000));
    const res = await response;
    expect(res.text).to.contain('urn:uuid:inflight'); // a real SOAP answer (RelatesTo) came back
    expect(res.status).to.be.oneOf([200, 500]);
    expect(await server.exit).to.equal(0);
  });

  it('destroys a request that never finishes once SHUTDOWN_TIMEOUT_MS has passed, and still exits 0', async () => {
    const server = spawnTessera(env({ SHUTDOWN_TIMEOUT_MS: '500' }));
    const { port } = await server.ready;
    const req = postToRegistry(port, { 'Content-Type': 'application/soap+xml', 'Content-Length': 100_000 });
    const failed = new Promise<Error>((resolve) => req.on('error', resolve));
    req.write('<soap:Envelope');
    await sleep(300);
    const started = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exit).to.equal(0);
    expect(Date.now() - started).to.be.within(400, 10_000);
    expect((await failed).message).to.match(/socket hang up|ECONNRESET/);
  });
});
