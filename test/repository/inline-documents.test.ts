/**
 * ITI-41 with documents inline as base64 (no XOP), end to end through the HTTPS server: the SOAP reader
 * streams each xdsb:Document's text into a pending blob as it arrives (B3); the answers, the stored bytes
 * and the "no pending blob is ever left" rule are the same as for MTOM.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { parseCx } from '../../src/metadata/hl7-types';
import { NS, SoapAction } from '../../src/ebxml/vocabulary';
import { soapRequest, startTestServer, type TestServer } from '../support/server';
import { newPatient } from '../support/iti42';
import { pnrMetadata, post, registryResponseOf, repositoryTransactions, retrieve, retrievedOf, sha1 } from './pnr';

/** A plain ITI-41 body sent in 16 KiB chunks; `text(i)` is document i's content as it goes on the wire. */
function inlineBody(metadataXml: string, texts: readonly string[], action: string = SoapAction.iti41) {
  const docs = texts.map((t, i) => `<xdsb:Document id="Document${String(i + 1).padStart(2, '0')}">${t}</xdsb:Document>`).join('');
  const wire = Buffer.from(soapRequest(action, `<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="${NS.xdsb}">${metadataXml}${docs}</xdsb:ProvideAndRegisterDocumentSetRequest>`));
  const chunks: Buffer[] = [];
  for (let i = 0; i < wire.length; i += 16 * 1024) chunks.push(wire.subarray(i, i + 16 * 1024));
  return { contentType: 'application/soap+xml; charset=UTF-8', body: Readable.from(chunks) };
}

const mimeWrapped = (b: Buffer, eol: string) => (b.toString('base64').match(/.{1,76}/g) ?? []).join(eol);

describe('ITI-41 inline base64 documents, streamed while the request is read', function () {
  this.timeout(60_000);
  let server: TestServer;
  let small: TestServer;

  before(async () => {
    server = await startTestServer({ maxEnvelopeBytes: 32 << 20 }, { transactions: repositoryTransactions() });
    small = await startTestServer({ maxDocumentBytes: 64 * 1024 }, { transactions: repositoryTransactions() });
  });
  after(async () => {
    await server?.stop();
    await small?.stop();
  });

  const patientOn = async (s: TestServer) => {
    const pid = newPatient();
    await s.deps.stores.patients.add(parseCx(pid)!);
    return pid;
  };
  const noPendingBlobs = async (s: TestServer) => expect(await s.deps.stores.documents.sweep(-60_000)).to.equal(0);

  it('two multi-MB documents (MIME line breaks, escaped CRs) are stored and retrieved byte-identical', async () => {
    const pid = await patientOn(server);
    const a = randomBytes(3 * 1024 * 1024 + 1);
    const b = randomBytes(1024 * 1024 + 2);
    const m = pnrMetadata(pid, [{ mimeType: 'application/octet-stream' }, { mimeType: 'application/octet-stream' }]);
    const res = await post(server, '/xds/repository', inlineBody(m.xml, [mimeWrapped(a, '\r\n'), `\n  ${mimeWrapped(b, '&#13;\n')}\n`]));
    const o = registryResponseOf(res.soap.body);
    expect(o.status, JSON.stringify(o.errors)).to.equal('Success');
    const r = retrievedOf((await retrieve(server, m.docs.map((d) => ({ uid: d.uid })))).soap);
    const got = r.documents.map((d) => `${d.part?.sha1}:${d.part?.size}`).sort();
    expect(got).to.deep.equal([a, b].map((x) => `${sha1(x)}:${x.length}`).sort());
    await noPendingBlobs(server);
  });

  it('a document over MAX_DOCUMENT_BYTES: XDSRepositoryOutOfResources naming it; nothing registered or left', async () => {
    const pid = await patientOn(small);
    const m = pnrMetadata(pid, [{ mimeType: 'application/octet-stream' }]);
    const res = await post(small, '/xds/repository', inlineBody(m.xml, [randomBytes(64 * 1024 + 1).toString('base64')]));
    const o = registryResponseOf(res.soap.body);
    expect(o.status).to.equal('Failure');
    expect(o.errors[0]).to.include({ errorCode: 'XDSRepositoryOutOfResources' });
    expect(o.errors[0]!.codeContext).to.contain('xdsb:Document Document01').and.contain(`larger than ${64 * 1024} bytes`);
    expect(await small.deps.stores.registry.findDocumentEntries({ uniqueIds: [m.docs[0]!.uid] }, { limit: 1 })).to.have.length(0);
    await noPendingBlobs(small);
  });

  it('exactly MAX_DOCUMENT_BYTES is accepted', async () => {
    const pid = await patientOn(small);
    const m = pnrMetadata(pid, [{ mimeType: 'application/octet-stream' }]);
    const res = await post(small, '/xds/repository', inlineBody(m.xml, [randomBytes(64 * 1024).toString('base64')]));
    expect(registryResponseOf(res.soap.body).status).to.equal('Success');
    await noPendingBlobs(small);
  });

  it('a streamed document is discarded when the request is not an ITI-41 (another action at the endpoint)', async () => {
    const pid = await patientOn(server);
    const m = pnrMetadata(pid, [{}]);
    const res = await post(server, '/xds/repository', inlineBody(m.xml, [randomBytes(100_000).toString('base64')], SoapAction.iti43));
    expect(res.status).to.equal(400); // ITI-43 refuses a body it does not expect with a Sender fault
    await noPendingBlobs(server);
  });

  it('a malformed envelope after a streamed document: Sender fault, nothing left', async () => {
    const pid = await patientOn(server);
    const m = pnrMetadata(pid, [{}]);
    const res = await post(server, '/xds/repository', inlineBody(`${m.xml}<broken>`, [randomBytes(200_000).toString('base64')]));
    expect(res.status).to.equal(400);
    await noPendingBlobs(server);
  });
});
