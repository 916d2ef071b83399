/**
 * A third-party SOAP stack retrieves documents (issue 5): the `soap` package's client loads our repository WSDL
 * over mutual TLS, calls RetrieveDocumentSet, parses our MTOM/XOP reply (`parseReponseAttachments`, the
 * package's own spelling) and finds each document's bytes in the part its xop:Include names.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import { expect } from 'chai';
import * as soap from 'soap';
import { NS, SoapAction } from '../../src/ebxml/vocabulary';
import { parseCx } from '../../src/metadata/hl7-types';
import { childOf, childrenOf, parseXml } from '../../src/soap/xml';
import { newPatient } from '../support/iti42';
import { startTestServer, type TestServer } from '../support/server';
import { pnrMetadata, provide, registryResponseOf, repositoryTransactions } from './pnr';

const WSA = 'http://www.w3.org/2005/08/addressing';

interface Attachments {
  readonly parts: readonly { headers: Record<string, string>; body: Buffer }[];
}

describe('ITI-43 with the soap package client', function () {
  this.timeout(60_000);
  let server: TestServer;
  let agent: Agent;
  const contents = [Buffer.from('<ClinicalDocument xmlns="urn:hl7-org:v3">é</ClinicalDocument>'), randomBytes(200_000)];
  let docs: { uid: string; mimeType: string }[];

  before(async () => {
    server = await startTestServer({}, { transactions: repositoryTransactions() });
    agent = new Agent({ ca: server.ca, cert: server.cert, key: server.key, keepAlive: false });
    const pid = newPatient();
    await server.deps.stores.patients.add(parseCx(pid)!);
    const m = pnrMetadata(pid, [{ mimeType: 'text/xml' }, { mimeType: 'application/pdf' }]);
    const res = await provide(server, m.xml, contents.map((bytes, i) => ({ id: m.docs[i]!.id, bytes })));
    expect(registryResponseOf(res.soap.body).status).to.equal('Success');
    docs = m.docs.map((d) => ({ uid: d.uid, mimeType: d.mimeType! }));
  });
  after(async () => {
    agent?.destroy();
    await server?.stop();
  });

  it('gets both documents byte-identical, each in the part its xop:Include names, with its mimeType', async () => {
    const client = await soap.createClientAsync(`${server.url}/xds/repository?wsdl`, {
      wsdl_options: { httpsAgent: agent },
      forceSoap12Headers: true,
      parseReponseAttachments: true,
    });
    client.setEndpoint(`${server.url}/xds/repository`);
    const messageId = `urn:uuid:${randomUUID()}`;
    client.addSoapHeader(
      `<wsa:Action xmlns:wsa="${WSA}">${SoapAction.iti43}</wsa:Action><wsa:MessageID xmlns:wsa="${WSA}">${messageId}</wsa:MessageID>` +
        `<wsa:To xmlns:wsa="${WSA}">${server.url}/xds/repository</wsa:To>`,
    );
    const repo = server.deps.repository.repositoryUniqueId;
    // The request as the client builds it from the WSDL's schema (the way an integration engineer calls it).
    const request = { DocumentRequest: docs.map((d) => ({ RepositoryUniqueId: repo, DocumentUniqueId: d.uid })) };
    const [, raw, , , attachments] = (await client.DocumentRepository_RetrieveDocumentSetAsync(request, { httpsAgent: agent })) as [unknown, string, unknown, unknown, Attachments];

    const envelope = parseXml(raw);
    const body = childOf(envelope, envelope.ns, 'Body')!;
    const response = childOf(body, NS.xdsb, 'RetrieveDocumentSetResponse')!;
    expect(registryResponseOf(response).status).to.equal('Success');
    const byCid = new Map(attachments.parts.map((p) => [String(p.headers['content-id'] ?? p.headers['Content-ID']).replace(/^<|>$/g, ''), p]));
    const answered = childrenOf(response, NS.xdsb, 'DocumentResponse');
    expect(answered).to.have.length(2);
    answered.forEach((d, i) => {
      expect(childOf(d, NS.xdsb, 'DocumentUniqueId')?.text).to.equal(docs[i]!.uid);
      expect(childOf(d, NS.xdsb, 'mimeType')?.text).to.equal(docs[i]!.mimeType);
      const href = childOf(d, NS.xdsb, 'Document')!.children[0]!.attrs.href!;
      const part = byCid.get(decodeURIComponent(href.replace(/^cid:/, '')));
      expect(part, `a part for ${href}`).to.not.equal(undefined);
      expect(Buffer.compare(part!.body, contents[i]!), `bytes of ${docs[i]!.uid}`).to.equal(0);
    });
  });
});
