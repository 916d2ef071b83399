import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ensureDevPki } from '../../src/app/dev-pki';
import { ensureRepositoryId, uuidToOid } from '../../src/app/repository-id';

describe('app: development PKI and repository id', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-devpki-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a CA, a server certificate for local names and a client certificate, verified by OpenSSL', async () => {
    const pki = await ensureDevPki(dir);
    expect(pki.created).to.equal(true);
    const ca = new X509Certificate(pki.ca);
    const server = new X509Certificate(pki.cert);
    const client = new X509Certificate(await readFile(join(dir, 'pki', 'client.pem')));
    expect(ca.ca).to.equal(true);
    expect(server.verify(ca.publicKey)).to.equal(true);
    expect(client.verify(ca.publicKey)).to.equal(true);
    expect(server.checkHost('localhost')).to.equal('localhost');
    expect(server.checkIP('127.0.0.1')).to.equal('127.0.0.1');
    expect(server.checkIP('::1')).to.equal('::1');
    expect(server.keyUsage).to.deep.equal(['1.3.6.1.5.5.7.3.1']); // serverAuth
    expect(client.keyUsage).to.deep.equal(['1.3.6.1.5.5.7.3.2']); // clientAuth
    expect(server.publicKey.asymmetricKeyDetails?.modulusLength).to.equal(2048);
    expect(server.checkPrivateKey((await import('node:crypto')).createPrivateKey(pki.key))).to.equal(true);
  });

  it('reuses existing files and refuses an incomplete set', async () => {
    const first = await ensureDevPki(dir);
    const second = await ensureDevPki(dir);
    expect(second.created).to.equal(false);
    expect(second.cert).to.equal(first.cert);
    await unlink(join(dir, 'pki', 'client-key.pem'));
    let error: Error | undefined;
    await ensureDevPki(dir).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/incomplete development PKI/);
  });

  it('turns a UUID into a 2.25 OID (X.667)', () => {
    expect(uuidToOid('00000000-0000-0000-0000-000000000001')).to.equal('2.25.1');
    expect(uuidToOid('f81d4fae-7dec-11d0-a765-00a0c91e6bf6')).to.equal('2.25.329800735698586629295641978511506172918');
  });

  it('generates the repository id once and keeps it; a configured one wins', async () => {
    const a = await ensureRepositoryId(dir);
    expect(a).to.match(/^2\.25\.[1-9]\d*$/);
    expect(await ensureRepositoryId(dir)).to.equal(a);
    expect(await ensureRepositoryId(dir, '1.2.3.4')).to.equal('1.2.3.4');
  });
});
