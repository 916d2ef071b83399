/**
 * Trusted feed sources through the real HTTPS server: the source is recognised by the verified client
 * certificate (CN=test-client,O=Tessera Tests of test/support/pki.ts), as src/app/tls.ts reads it.
 */
import { expect } from 'chai';
import { NS, SoapAction } from '../../src/ebxml/vocabulary';
import type { IdentityDomains } from '../../src/patient-identity/domains';
import { childOf, parseXml } from '../../src/soap/xml';
import { feedMessage } from '../hl7v3/messages';
import { parseReply } from '../hl7v3/responses';
import { postSoap, soapRequest, startTestServer, type TestServer } from '../support/server';

const MINE = '1.2.840.40.1';
const THEIRS = '1.2.840.40.2';
const DOMAINS: IdentityDomains = {
  enterprise: { oid: '1.3.6.1.4.1.21367.13.20.1000', name: 'HIE', feedSources: [] },
  domains: [
    { oid: MINE, name: 'MINE', feedSources: ['tests'] },
    { oid: THEIRS, name: 'THEIRS', feedSources: ['other'] },
  ],
  acceptAny: false,
  sources: [
    { name: 'tests', tls: { subject: 'CN=test-client,O=Tessera Tests', commonName: 'test-client' } },
    { name: 'other', tls: { commonName: 'someone-else' } },
  ],
};

describe('patient-identity: trusted feed sources over the HTTPS server', () => {
  let server: TestServer;

  // The server's own composition (start-server.ts) with the configured domains, as IDENTITY_DOMAINS gives them.
  before(async () => {
    server = await startTestServer({ identityDomains: DOMAINS });
  });

  after(async () => {
    await server?.stop();
  });

  const feed = async (id: string, authority: string) => {
    const res = await postSoap(server, '/pix', soapRequest(SoapAction.iti44Add, feedMessage('PRPA_IN201301UV02', { id, authority, family: 'Tls', given: 'Peer' })));
    expect(res.status).to.equal(200);
    return parseReply(childOf(parseXml(res.text), NS.soap12, 'Body')!.children[0]!);
  };

  it('accepts the feed of the domain the client certificate is trusted for, refuses the other with AE 207', async () => {
    expect((await feed('m1', MINE)).ack).to.equal('AA');
    const refused = await feed('t1', THEIRS);
    expect(refused.ack).to.equal('AE');
    expect(refused.details[0]).to.deep.include({ code: '207', text: `node CN=test-client,O=Tessera Tests is not a trusted feed source for domain ${THEIRS} (THEIRS): t1^^^&${THEIRS}&ISO` });
    expect(await server.deps.stores.patients.status({ id: 't1', authority: THEIRS })).to.deep.equal({ state: 'unknown' });
    expect(await server.deps.stores.patients.status({ id: 'm1', authority: MINE })).to.deep.equal({ state: 'active' });
  });
});
