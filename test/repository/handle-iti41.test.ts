/**
 * ITI-41 end to end through the real HTTPS server (client certificates, SQLite store), then ITI-43 to prove
 * what is (and is not) retrievable afterwards.
 */
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { parseCx } from '../../src/metadata/hl7-types';
import { soapRequest, startTestServer, type TestServer } from '../support/server';
import { NS, SoapAction } from '../../src/ebxml/vocabulary';
import { newOid, newPatient } from '../support/iti42';
import { pnrMetadata, post, provide, registryResponseOf, repositoryTransactions, retrieve, retrievedOf, sha1, type Outcome } from './pnr';

const PDF_LIKE = Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), randomBytes(64 * 1024), Buffer.from('\r\n--MIMEBoundary\r\n%%EOF\n')]);

/** 50 MB of pseudo-random bytes, generated while being sent, with a hash computed on the way. */
function bigContent(size: number): { stream: () => Readable; expected: { sha1: string } } {
  const block = randomBytes(1024 * 1024);
  const expected = { sha1: '' };
  const hash = createHash('sha1');
  const stream = () =>
    Readable.from(
      (function* () {
        for (let sent = 0; sent < size; sent += block.length) {
          const chunk = block.subarray(0, Math.min(block.length, size - sent));
          chunk[0] = (sent / block.length) & 0xff; // every MiB differs
          hash.update(chunk);
          yield Buffer.from(chunk);
        }
        expected.sha1 = hash.digest('hex');
      })(),
    );
  return { stream, expected };
}

describe('ITI-41 Provide and Register Document Set-b', function () {
  this.timeout(120_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer({}, { transactions: repositoryTransactions() });
  });
  after(async () => server?.stop());

  const addPatient = async (pid = newPatient()) => {
    await server.deps.stores.patients.add(parseCx(pid)!);
    return pid;
  };
  const outcomeOf = async (p: ReturnType<typeof provide>): Promise<Outcome> => {
    const r = await p;
    expect(r.status).to.equal(200);
    return registryResponseOf(r.soap.body);
  };
  const expectFailure = (o: Outcome, code: string, ...context: string[]) => {
    expect(o.status, JSON.stringify(o.errors)).to.equal('Failure');
    const hit = o.errors.find((e) => e.errorCode === code);
    expect(hit, `expected ${code} in ${JSON.stringify(o.errors)}`).to.not.equal(undefined);
    for (const c of context) expect(hit!.codeContext).to.contain(c);
  };
  const entryOf = async (uid: string) => (await server.deps.stores.registry.findDocumentEntries({ uniqueIds: [uid] }, { limit: 10 }))[0];
  const expectNotRetrievable = async (uid: string) => {
    const r = retrievedOf((await retrieve(server, [{ uid }])).soap);
    expect(r.status).to.equal('Failure');
    expect(r.errors.map((e) => e.errorCode)).to.deep.equal(['XDSDocumentUniqueIdError']);
  };
  const expectNoPendingBlobs = async () => expect(await server.deps.stores.documents.sweep(-60_000)).to.equal(0);

  it('stores one text document, registers hash/size/repositoryUniqueId and retrieves it byte-identical', async () => {
    const pid = await addPatient();
    const bytes = Buffer.from('Discharge summary\nAll well.\n');
    const m = pnrMetadata(pid, [{ mimeType: 'text/plain' }]);
    const o = await outcomeOf(provide(server, m.xml, [{ id: 'Document01', bytes, contentType: 'text/plain' }]));
    expect(o.status, JSON.stringify(o.errors)).to.equal('Success');
    const de = await entryOf(m.docs[0]!.uid);
    expect(de?.hash).to.equal(sha1(bytes));
    expect(de?.size).to.equal(String(bytes.length));
    expect(de?.repositoryUniqueId).to.equal(server.deps.repository.repositoryUniqueId);
    const r = retrievedOf((await retrieve(server, [{ uid: m.docs[0]!.uid }])).soap);
    expect(r.status).to.equal('Success');
    expect(r.documents).to.have.length(1);
    expect(r.documents[0]!.mimeType).to.equal('text/plain');
    expect(r.documents[0]!.repo).to.equal(server.deps.repository.repositoryUniqueId);
    expect(r.documents[0]!.part?.bytes?.equals(bytes)).to.equal(true);
    await expectNoPendingBlobs();
  });

  it('round-trips two documents (text and PDF-like bytes with a fake boundary inside)', async () => {
    const pid = await addPatient();
    const text = Buffer.from('<ClinicalDocument/>');
    const m = pnrMetadata(pid, [{ mimeType: 'text/xml' }, { mimeType: 'application/pdf' }]);
    const o = await outcomeOf(provide(server, m.xml, [{ id: 'Document01', bytes: text }, { id: 'Document02', bytes: PDF_LIKE }]));
    expect(o.status, JSON.stringify(o.errors)).to.equal('Success');
    const r = retrievedOf((await retrieve(server, m.docs.map((d) => ({ uid: d.uid })))).soap);
    expect(r.status).to.equal('Success');
    expect(r.documents.map((d) => d.mimeType)).to.deep.equal(['text/xml', 'application/pdf']);
    expect(r.documents[0]!.part?.bytes?.equals(text)).to.equal(true);
    expect(r.documents[1]!.part?.bytes?.equals(PDF_LIKE)).to.equal(true);
    expect((await entryOf(m.docs[1]!.uid))?.size).to.equal(String(PDF_LIKE.length));
  });

  it('round-trips ten documents in one submission and one retrieval', async () => {
    const pid = await addPatient();
    const contents = Array.from({ length: 10 }, (_, i) => randomBytes(1000 + i * 777));
    const m = pnrMetadata(pid, contents.map(() => ({ mimeType: 'application/octet-stream' })));
    const o = await outcomeOf(provide(server, m.xml, contents.map((bytes, i) => ({ id: m.docs[i]!.id, bytes }))));
    expect(o.status, JSON.stringify(o.errors)).to.equal('Success');
    const r = retrievedOf((await retrieve(server, m.docs.map((d) => ({ uid: d.uid })))).soap);
    expect(r.status).to.equal('Success');
    expect(r.documents.map((d) => d.uid)).to.deep.equal(m.docs.map((d) => d.uid));
    r.documents.forEach((d, i) => expect(d.part?.sha1).to.equal(sha1(contents[i]!)));
  });

  it('streams a 50 MB binary in and out with the right hash and size', async () => {
    const pid = await addPatient();
    const size = 50 * 1024 * 1024;
    const big = bigContent(size);
    const m = pnrMetadata(pid, [{ mimeType: 'application/octet-stream' }]);
    const o = await outcomeOf(provide(server, m.xml, [{ id: 'Document01', bytes: big.stream }]));
    expect(o.status, JSON.stringify(o.errors)).to.equal('Success');
    const de = await entryOf(m.docs[0]!.uid);
    expect(de?.hash).to.equal(big.expected.sha1);
    expect(de?.size).to.equal(String(size));
    const r = retrievedOf((await retrieve(server, [{ uid: m.docs[0]!.uid }])).soap);
    expect(r.documents[0]!.part?.size).to.equal(size);
    expect(r.documents[0]!.part?.sha1).to.equal(big.expected.sha1);
  });

  it('accepts a document sent inline as base64 (no XOP, as .NET/WCF clients do)', async () => {
    const pid = await addPatient();
    const bytes = Buffer.from('inline document \u00e9\n', 'utf8');
    const m = pnrMetadata(pid, [{ mimeType: 'text/plain' }]);
    const o = await outcomeOf(provide(server, m.xml, [{ id: 'Document01', bytes, inline: true }]));
    expect(o.status, JSON.stringify(o.errors)).to.equal('Success');
    const r = retrievedOf((await retrieve(server, [{ uid: m.docs[0]!.uid }])).soap);
    expect(r.documents[0]!.part?.bytes?.equals(bytes)).to.equal(true);
    await expectNoPendingBlobs();
  });

  it('rejects invalid inline base64 with XDSRepositoryMetadataError and keeps nothing', async () => {
    const pid = await addPatient();
    const m = pnrMetadata(pid, [{}]);
    const body = `<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="${NS.xdsb}">${m.xml}<xdsb:Document id="Document01">***</xdsb:Document></xdsb:ProvideAndRegisterDocumentSetRequest>`;
    const res = await post(server, '/xds/repository', { contentType: 'application/soap+xml; charset=UTF-8', body: Buffer.from(soapRequest(SoapAction.iti41, body)) });
    expectFailure(registryResponseOf(res.soap.body), 'XDSRepositoryMetadataError', 'Document01', 'base64');
    expect(await entryOf(m.docs[0]!.uid)).to.equal(undefined);
    await expectNoPendingBlobs();
  });

  it('XDSMissingDocument: a DocumentEntry without a document', async () => {
    const pid = await addPatient();
    const m = pnrMetadata(pid, [{}, {}]);
    const o = await outcomeOf(provide(server, m.xml, [{ id: 'Document01', bytes: Buffer.from('one') }]));
    expectFailure(o, 'XDSMissingDocument', 'Document02');
    await expectNotRetrievable(m.docs[0]!.uid);
    expect(await entryOf(m.docs[0]!.uid)).to.equal(undefined);
    await expectNoPendingBlobs();
  });

  it('XDSMissingDocumentMetadata: a document without a DocumentEntry', async () => {
    const pid = await addPatient();
    const m = pnrMetadata(pid, [{}]);
    const o = await outcomeOf(provide(server, m.xml, [{ id: 'Document01', bytes: Buffer.from('one') }, { id: 'Stray07', bytes: Buffer.from('two') }]));
    expectFailure(o, 'XDSMissingDocumentMetadata', 'Stray07');
    await expectNotRetrievable(m.docs[0]!.uid);
    await expectNoPendingBlobs();
  });

  it('accepts a correct provided hash (upper-case hex too) and size', async () => {
    const pid = await addPatient();
    const bytes = Buffer.from('hash me');
    const m = pnrMetadata(pid, [{ hash: sha1(bytes).toUpperCase(), size: String(bytes.length) }]);
    const o = await outcomeOf(provide(server, m.xml, [{ id: 'Document01', bytes }]));
    expect(o.status, JSON.stringify(o.errors)).to.equal('Success');
    expect((await entryOf(m.docs[0]!.uid))?.hash).to.equal(sha1(bytes));
  });

  it('rejects a wrong hash with XDSRepositoryMetadataError naming the entry and both values', async () => {
    const pid = await addPatient();
    const bytes = Buffer.from('hash me');
    const wrong = 'a'.repeat(40);
    const m = pnrMetadata(pid, [{ hash: wrong }]);
    const o = await outcomeOf(provide(server, m.xml, [{ id: 'Document01', bytes }]));
    expectFailure(o, 'XDSRepositoryMetadataError', 'Document01', wrong, sha1(bytes));
    await expectNotRetrievable(m.docs[0]!.uid);
    expect(await entryOf(m.docs[0]!.uid)).to.equal(undefined);
  });

  it('rejects a wrong size with XDSRepositoryMetadataError naming both values', async () => {
    const pid = await addPatient();
    const m = pnrMetadata(pid, [{ size: '999' }]);
    const o = await outcomeOf(provide(server, m.xml, [{ id: 'Document01', bytes: Buffer.from('seven b') }]));
    expectFailure(o, 'XDSRepositoryMetadataError', 'Document01', '999', '7');
  });

  it('rejects another repositoryUniqueId with XDSRepositoryMetadataError', async () => {
    const pid = await addPatient();
    const m = pnrMetadata(pid, [{ repositoryUniqueId: '1.2.3.4.5' }]);
    const o = await outcomeOf(provide(server, m.xml, [{ id: 'Document01', bytes: Buffer.from('x') }]));
    expectFailure(o, 'XDSRepositoryMetadataError', '1.2.3.4.5', server.deps.repository.repositoryUniqueId);
  });

  it('passes XDSUnknownPatientId through unchanged; nothing is retrievable and no pending blob remains', async () => {
    const pid = newPatient(); // never fed
    const m = pnrMetadata(pid, [{}, {}]);
    const o = await outcomeOf(provide(server, m.xml, [{ id: 'Document01', bytes: Buffer.from('a') }, { id: 'Document02', bytes: Buffer.from('b'), inline: true }]));
    expectFailure(o, 'XDSUnknownPatientId', pid.split('^')[0]!);
    for (const d of m.docs) await expectNotRetrievable(d.uid);
    await expectNoPendingBlobs();
  });

  it('passes XDSPatientIdDoesNotMatch from the registry through unchanged (NIST 11986)', async () => {
    const pid = await addPatient();
    const other = await addPatient();
    const m = pnrMetadata(pid, [{ pid: other }]);
    const o = await outcomeOf(provide(server, m.xml, [{ id: 'Document01', bytes: Buffer.from('x') }]));
    expectFailure(o, 'XDSPatientIdDoesNotMatch');
    await expectNotRetrievable(m.docs[0]!.uid);
  });

  it('XDSRepositoryDuplicateUniqueIdInMessage: two entries with one uniqueId', async () => {
    const pid = await addPatient();
    const uid = newOid();
    const m = pnrMetadata(pid, [{ uid }, { uid }]);
    const o = await outcomeOf(provide(server, m.xml, [{ id: 'Document01', bytes: Buffer.from('a') }, { id: 'Document02', bytes: Buffer.from('b') }]));
    expectFailure(o, 'XDSRepositoryDuplicateUniqueIdInMessage', uid);
  });

  it('answers a replayed identical submission with Success and stores it once', async () => {
    const pid = await addPatient();
    const m = pnrMetadata(pid, [{}]);
    const send = () => outcomeOf(provide(server, m.xml, [{ id: 'Document01', bytes: Buffer.from('same') }]));
    expect((await send()).status).to.equal('Success');
    expect((await send()).status).to.equal('Success');
    expect(await server.deps.stores.registry.findDocumentEntries({ uniqueIds: [m.docs[0]!.uid] }, { limit: 10 })).to.have.length(1);
    await expectNoPendingBlobs();
  });

  it('rejects other bytes under a stored document uniqueId with XDSNonIdenticalHash', async () => {
    const pid = await addPatient();
    const first = pnrMetadata(pid, [{}]);
    expect((await outcomeOf(provide(server, first.xml, [{ id: 'Document01', bytes: Buffer.from('first') }]))).status).to.equal('Success');
    const second = pnrMetadata(pid, [{ uid: first.docs[0]!.uid }]);
    const o = await outcomeOf(provide(server, second.xml, [{ id: 'Document01', bytes: Buffer.from('other') }]));
    expectFailure(o, 'XDSNonIdenticalHash', first.docs[0]!.uid);
    const r = retrievedOf((await retrieve(server, [{ uid: first.docs[0]!.uid }])).soap);
    expect(r.documents[0]!.part?.bytes?.toString()).to.equal('first');
  });

  it('records a DCM Import (110107) audit event with the submission set uniqueId and patient', async () => {
    const pid = await addPatient();
    const m = pnrMetadata(pid, [{}]);
    await outcomeOf(provide(server, m.xml, [{ id: 'Document01', bytes: Buffer.from('audit') }]));
    const recent = await server.deps.stores.audit.recent(20);
    const hit = recent.find((a) => a.eventTypeCode === 'ITI-41' && a.objects.some((x) => x.id === m.ssUid));
    expect(hit?.eventId).to.equal('110107');
    expect(hit?.outcome).to.equal(0);
    expect(hit?.objects).to.deep.include({ type: 'patient', id: pid });
  });
});
