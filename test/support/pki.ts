/**
 * Test PKI generated once per test process (never committed; design.md fastify row): a trusted CA with a
 * server certificate for localhost/127.0.0.1 and a client certificate, plus an unrelated CA with its own
 * client certificate (to prove that a certificate from another CA is refused).
 */
import { createCa, issueCert, LOCAL_SERVER_NAMES, type PemPair } from '../../src/app/pki-forge';

export interface TestPki {
  readonly ca: PemPair;
  readonly server: PemPair;
  readonly client: PemPair;
  readonly otherCa: PemPair;
  readonly otherClient: PemPair;
}

let cached: TestPki | undefined;

export function testPki(): TestPki {
  if (!cached) {
    const ca = createCa('Tessera Test CA');
    const otherCa = createCa('Unrelated Test CA');
    cached = {
      ca,
      server: issueCert(ca, { commonName: 'localhost', kind: 'server', altNames: LOCAL_SERVER_NAMES }),
      client: issueCert(ca, { commonName: 'test-client', kind: 'client', organization: 'Tessera Tests' }),
      otherCa,
      otherClient: issueCert(otherCa, { commonName: 'intruder', kind: 'client' }),
    };
  }
  return cached;
}
