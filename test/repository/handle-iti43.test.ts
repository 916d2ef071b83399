/** ITI-43 Retrieve Document Set through the real HTTPS server: statuses, error codes, MTOM reply, audit. */
import { expect } from 'chai';
import { parseCx } from '../../src/metadata/hl7-types';
import { NS, SoapAction } from '../../src/ebxml/vocabulary';
import { postSoap, soapRequest, startTestServer, type TestServer } from '../support/server';
import { newOid, newPatient } from '../support/iti42';
import { pnrMetadata, provide, registryResponseOf, repositoryTransactions, retrieve, retrievedOf } from './pnr';

describe('ITI-43 Retrieve Document Set', function () {
  this.timeout(60_000);
  let server: TestServer;
  let stored: { uid: string; bytes: Buffer; mimeType: string }[];

  before(async () => {
    server = await startTestServer({}, { transactions: repositoryTransactions() });
    const pid = newPatient();
    await server.deps.stores.patients.add(parseCx(pid)!);
    const m = pnrMetadata(pid, [{ mimeType: 'text/plain' }, { mimeType: 'image/png' }]);
    const contents = [Buffer.from('first document'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2])];
    const res = await provide(server, m.xml, contents.map((bytes, i) => ({ id: m.docs[i]!.id, bytes })));
    expect(registryResponseOf(res.soap.body).status).to.equal('Success');
    stored = m.docs.map((d, i) => ({ uid: d.uid, bytes: contents[i]!, mimeType: d.mimeType! }));
  });
  after(async () => server?.stop());

  it('answers Success with MTOM parts, echoing HomeCommunityId', async () => {
    const home = 'urn:oid:1.3.6.1.4.1.21367.13.70.1';
    const res = await retrieve(server, stored.map((s) => ({ uid: s.uid, home })));
    expect(res.status).to.equal(200);
    expect(res.soap.mtom).to.equal(true);
    expect(res.soap.action).to.equal(`${SoapAction.iti43}Response`);
    const r = retrievedOf(res.soap);
    expect(r.status).to.equal('Success');
    expect(r.errors).to.deep.equal([]);
    r.documents.forEach((d, i) => {
      expect(d.home).to.equal(home);
      expect(d.uid).to.equal(stored[i]!.uid);
      expect(d.mimeType).to.equal(stored[i]!.mimeType);
      expect(d.part?.contentType).to.equal(stored[i]!.mimeType);
      expect(d.part?.bytes?.equals(stored[i]!.bytes)).to.equal(true);
    });
  });

  it('answers PartialSuccess with the found documents and XDSDocumentUniqueIdError per missing one', async () => {
    const missing = newOid();
    const r = retrievedOf((await retrieve(server, [{ uid: stored[0]!.uid }, { uid: missing }])).soap);
    expect(r.status).to.equal('PartialSuccess');
    expect(r.documents.map((d) => d.uid)).to.deep.equal([stored[0]!.uid]);
    expect(r.documents[0]!.part?.bytes?.equals(stored[0]!.bytes)).to.equal(true);
    expect(r.errors).to.have.length(1);
    expect(r.errors[0]!.errorCode).to.equal('XDSDocumentUniqueIdError');
    expect(r.errors[0]!.codeContext).to.contain(missing);
  });

  it('answers PartialSuccess with XDSUnknownRepositoryId for a request to another repository', async () => {
    const r = retrievedOf((await retrieve(server, [{ uid: stored[1]!.uid }, { uid: stored[0]!.uid, repo: '1.2.3.999' }])).soap);
    expect(r.status).to.equal('PartialSuccess');
    expect(r.documents.map((d) => d.uid)).to.deep.equal([stored[1]!.uid]);
    expect(r.errors.map((e) => e.errorCode)).to.deep.equal(['XDSUnknownRepositoryId']);
    expect(r.errors[0]!.codeContext).to.contain('1.2.3.999');
  });

  it('answers Failure with no DocumentResponse when nothing is found', async () => {
    const res = await retrieve(server, [{ uid: newOid() }, { uid: stored[0]!.uid, repo: '1.2.3.999' }]);
    expect(res.soap.mtom).to.equal(false);
    expect(res.soap.body.local).to.equal('RetrieveDocumentSetResponse');
    const r = retrievedOf(res.soap);
    expect(r.status).to.equal('Failure');
    expect(r.documents).to.deep.equal([]);
    expect(r.errors.map((e) => e.errorCode)).to.deep.equal(['XDSDocumentUniqueIdError', 'XDSUnknownRepositoryId']);
  });

  it('answers a SOAP Sender fault for a body that is not a RetrieveDocumentSetRequest', async () => {
    const res = await postSoap(server, '/xds/repository', soapRequest(SoapAction.iti43, `<xdsb:Nonsense xmlns:xdsb="${NS.xdsb}"/>`));
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Sender');
  });

  it('records a DCM Export (110106) audit event per requested document', async () => {
    const missing = newOid();
    await retrieve(server, [{ uid: stored[0]!.uid }, { uid: missing }]);
    const recent = await server.deps.stores.audit.recent(10);
    const ok = recent.find((a) => a.eventTypeCode === 'ITI-43' && a.objects.some((o) => o.id === stored[0]!.uid));
    const ko = recent.find((a) => a.eventTypeCode === 'ITI-43' && a.objects.some((o) => o.id === missing));
    expect(ok?.eventId).to.equal('110106');
    expect(ok?.outcome).to.equal(0);
    expect(ko?.outcome).to.equal(4);
  });
});
