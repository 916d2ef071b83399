/** peerIdentityCache: the peer certificate is read once per connection and again after a new handshake. */
import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { TLSSocket } from 'node:tls';
import { peerIdentityCache } from '../../src/app/tls';

describe('app/tls peerIdentityCache', () => {
  const fakeSocket = (cns: string[]) => {
    const s = new EventEmitter() as EventEmitter & { calls: number; remoteAddress: string; getPeerCertificate: () => object };
    s.calls = 0;
    s.remoteAddress = '127.0.0.1';
    s.getPeerCertificate = () => ({ subject: { CN: cns[Math.min(s.calls++, cns.length - 1)], O: 'Test' }, fingerprint256: 'AA:BB' });
    return s;
  };

  it('reads the certificate once per connection, per connection', () => {
    const peerOf = peerIdentityCache();
    const a = fakeSocket(['node-a']);
    const b = fakeSocket(['node-b']);
    expect(peerOf(a as unknown as TLSSocket).commonName).to.equal('node-a');
    expect(peerOf(a as unknown as TLSSocket)).to.deep.equal({ subject: 'CN=node-a,O=Test', commonName: 'node-a', fingerprint256: 'AA:BB', address: '127.0.0.1' });
    expect(peerOf(b as unknown as TLSSocket).commonName).to.equal('node-b');
    expect([a.calls, b.calls]).to.deep.equal([1, 1]);
  });

  it('reads it again after a renegotiation (every completed handshake emits secure)', () => {
    const peerOf = peerIdentityCache();
    const a = fakeSocket(['first', 'second']);
    expect(peerOf(a as unknown as TLSSocket).commonName).to.equal('first');
    a.emit('secure');
    expect(peerOf(a as unknown as TLSSocket).commonName).to.equal('second');
    expect(peerOf(a as unknown as TLSSocket).commonName).to.equal('second');
    expect(a.calls).to.equal(2);
  });
});
