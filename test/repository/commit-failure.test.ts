/**
 * The one inconsistency the write order of a remote registry cannot rule out: registration succeeded, then
 * storing the documents failed (the in-process registry writes both in one transaction: handle-iti41.test.ts). The handler must answer XDSRepositoryError, withdraw (deprecate) what it registered, and leave
 * nothing retrievable. The document store is the real SQLite one with commit() made to fail.
 */
import { expect } from 'chai';
import pino from 'pino';
import { XdsError } from '../../src/errors';
import { NS, SoapAction } from '../../src/ebxml/vocabulary';
import { parseCx } from '../../src/metadata/hl7-types';
import type { DocumentStore, StoredBlob } from '../../src/repository/ports';
import type { SoapRequest } from '../../src/soap/read-request';
import { parseXml, childOf } from '../../src/soap/xml';
import type { Deps } from '../../src/transactions';
import { soapRequest, startTestServer, type TestServer } from '../support/server';
import { newPatient } from '../support/iti42';
import { iti41CommittingAfterRegistration, pnrMetadata, repositoryTransactions, retrieve, retrievedOf } from './pnr';

function failingCommit(d: DocumentStore): DocumentStore {
  return {
    putPending: (s, o) => d.putPending(s, o),
    commit: async () => {
      throw new Error('disk gone');
    },
    prepare: (r) => d.prepare(r),
    discard: (ids) => d.discard(ids),
    find: (u, r) => d.find(u, r),
    open: (r) => d.open(r),
    sweep: (ms) => d.sweep(ms),
  };
}

describe('ITI-41 when storing documents fails after registration', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer({}, { transactions: repositoryTransactions() });
  });
  after(async () => server?.stop());

  it('answers XDSRepositoryError, deprecates the registered entry and serves nothing', async () => {
    const pid = newPatient();
    await server.deps.stores.patients.add(parseCx(pid)!);
    const m = pnrMetadata(pid, [{ mimeType: 'text/plain' }]);
    const body = `<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="${NS.xdsb}">${m.xml}<xdsb:Document id="Document01">YWJj</xdsb:Document></xdsb:ProvideAndRegisterDocumentSetRequest>`;
    const envelope = parseXml(soapRequest(SoapAction.iti41, body));
    const soapBody = childOf(envelope, NS.soap12, 'Body')!;
    const req: SoapRequest<StoredBlob> = { envelope, body: soapBody.children[0]!, action: SoapAction.iti41, attachments: new Map(), mtom: false };
    const deps: Deps = { ...server.deps, stores: { ...server.deps.stores, documents: failingCommit(server.deps.stores.documents) } };
    const log = pino({ level: 'silent' });
    const err = await iti41CommittingAfterRegistration(req, deps, { peer: { subject: 'CN=test' }, log }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(XdsError);
    expect((err as XdsError).errors.map((e) => e.errorCode)).to.deep.equal(['XDSRepositoryError']);
    expect((err as XdsError).errors[0]!.codeContext).to.contain('withdrawn');
    const [de] = await server.deps.stores.registry.findDocumentEntries({ uniqueIds: [m.docs[0]!.uid] }, { limit: 5 });
    expect(de?.availabilityStatus).to.equal('Deprecated');
    expect(retrievedOf((await retrieve(server, [{ uid: m.docs[0]!.uid }])).soap).status).to.equal('Failure');
    expect(await server.deps.stores.documents.sweep(-60_000)).to.equal(0);
  });
});
