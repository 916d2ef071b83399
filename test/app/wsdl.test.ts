/**
 * Our WSDLs work with a third-party SOAP stack: the `soap` package's client loads each one over HTTPS
 * (with the client certificate, imports included) and calls our endpoint with SOAP 1.2 + WS-Addressing.
 */
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import { expect } from 'chai';
import request from 'supertest';
import * as soap from 'soap';
import { parseXml } from '../../src/soap/xml';
import { parseReply } from '../support/soap-fault';
import { startTestServer, type TestServer } from '../support/server';

const WSA = 'http://www.w3.org/2005/08/addressing';

const CASES = [
  { path: '/xds/registry', operation: 'DocumentRegistry_RegistryStoredQuery', action: 'urn:ihe:iti:2007:RegistryStoredQuery', ops: 3 },
  { path: '/xds/repository', operation: 'DocumentRepository_RetrieveDocumentSet', action: 'urn:ihe:iti:2007:RetrieveDocumentSet', ops: 2 },
  { path: '/pix', operation: 'PIXManager_PRPA_IN201309UV02', action: 'urn:hl7-org:v3:PRPA_IN201309UV02', ops: 4 },
  { path: '/pdq', operation: 'PDQSupplier_PRPA_IN201305UV02', action: 'urn:hl7-org:v3:PRPA_IN201305UV02', ops: 3 },
] as const;

describe('app: WSDLs with the soap client', () => {
  let server: TestServer;
  let agent: Agent;
  before(async () => {
    server = await startTestServer();
    agent = new Agent({ ca: server.ca, cert: server.cert, key: server.key });
  });
  after(async () => {
    agent?.destroy();
    await server?.stop();
  });

  it('serves the XSDs the WSDLs import, and refuses other names', async () => {
    const res = await request(server.url).get('/schemas/xds-b.xsd').ca(server.ca).cert(server.cert).key(server.key);
    expect(res.status).to.equal(200);
    expect(parseXml(res.text).attrs.targetNamespace).to.equal('urn:ihe:iti:xds-b:2007');
    const bad = await request(server.url).get('/schemas/..%2Fpackage.json').ca(server.ca).cert(server.cert).key(server.key);
    expect(bad.status).to.equal(404);
  });

  for (const c of CASES) {
    it(`${c.path}?wsdl loads in the soap client and ${c.operation} reaches the endpoint`, async () => {
      const client = await soap.createClientAsync(`${server.url}${c.path}?wsdl`, {
        wsdl_options: { httpsAgent: agent },
        forceSoap12Headers: true,
      });
      const port = Object.values(Object.values(client.describe())[0] as object)[0] as Record<string, unknown>;
      expect(Object.keys(port)).to.have.length(c.ops);
      expect(port).to.have.property(c.operation);
      client.setEndpoint(`${server.url}${c.path}`);
      const messageId = `urn:uuid:${randomUUID()}`;
      client.addSoapHeader(
        (_method: unknown, location: string, soapAction: string) =>
          `<wsa:Action xmlns:wsa="${WSA}">${soapAction}</wsa:Action><wsa:MessageID xmlns:wsa="${WSA}">${messageId}</wsa:MessageID>` +
          `<wsa:To xmlns:wsa="${WSA}">${location}</wsa:To>`,
      );
      let raw: string;
      try {
        const [, rawResponse] = (await client[`${c.operation}Async`]({ $xml: '<t:Probe xmlns:t="urn:test"/>' }, { httpsAgent: agent })) as [unknown, string];
        raw = rawResponse;
      } catch (err) {
        // A SOAP fault (e.g. "not implemented" while the handler is missing) is an answer too: it must be parsed.
        const e = err as { root?: { Envelope?: { Body?: { Fault?: unknown } } }; body?: string };
        expect(e.root?.Envelope?.Body?.Fault, String(err)).to.not.equal(undefined);
        raw = e.body!;
      }
      const reply = parseReply(raw);
      expect(reply.relatesTo).to.equal(messageId);
      if (reply.fault) expect(reply.fault.code).to.match(/^soap:(Sender|Receiver)$/);
      else expect(reply.action).to.equal(`${c.action}Response`.replace('PRPA_IN201309UV02Response', 'PRPA_IN201310UV02').replace('PRPA_IN201305UV02Response', 'PRPA_IN201306UV02'));
    });
  }
});
