/**
 * A full disk while a document is being stored (ENOSPC): XDSRepositoryOutOfResources naming the document,
 * nothing registered, no pending blob left, and the server keeps serving. The failure is a real kernel
 * ENOSPC: the test store hands the bytes to the real SQLite/file store AND writes them to /dev/full once
 * `after` bytes went through, so the store sees a genuine errno error mid-document (with part of it already
 * in its temporary file) and must clean up.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import pino from 'pino';
import { XdsError } from '../../src/errors';
import { NS, SoapAction } from '../../src/ebxml/vocabulary';
import { parseCx } from '../../src/metadata/hl7-types';
import { createIti41Handler, handleIti41 } from '../../src/repository/handle-iti41';
import { outOfResourcesOfRead } from '../../src/repository/out-of-resources';
import type { DocumentStore, StoredBlob } from '../../src/repository/ports';
import { remoteRegistryClient } from '../../src/repository/registry-client-remote';
import { StorageFullFault } from '../../src/soap/mime-read';
import type { SoapRequest } from '../../src/soap/read-request';
import { childOf, parseXml } from '../../src/soap/xml';
import type { Deps } from '../../src/transactions';
import { soapRequest, startTestServer, type TestServer } from '../support/server';
import { newPatient } from '../support/iti42';
import { iti41CommittingAfterRegistration, pnrMetadata, provide, registryResponseOf, repositoryTransactions, retrieve, retrievedOf } from './pnr';

/** The ENOSPC the kernel gives for a write to /dev/full. */
async function realEnospc(): Promise<NodeJS.ErrnoException> {
  const h = await open('/dev/full', 'w');
  try {
    await h.write(Buffer.from('x'));
  } catch (e) {
    return e as NodeJS.ErrnoException;
  } finally {
    await h.close();
  }
  throw new Error('/dev/full accepted a write');
}

/** Passes bytes through; once more than `after` went by, each chunk is also written to /dev/full (→ ENOSPC). */
async function* fillingDisk(source: Readable, after: number): AsyncGenerator<Buffer> {
  const full = await open('/dev/full', 'w');
  try {
    let seen = 0;
    for await (const c of source) {
      seen += (c as Buffer).length;
      if (seen > after) await full.write(c as Buffer);
      yield c as Buffer;
    }
  } finally {
    await full.close();
  }
}

/** The real store, whose disk "fills up" after `after` bytes of any document. */
function diskFillsAfter(inner: DocumentStore, after: number): DocumentStore {
  return {
    putPending: (s, o) => inner.putPending(Readable.from(fillingDisk(s, after)), o),
    commit: (r) => inner.commit(r),
    prepare: (r) => inner.prepare(r),
    discard: (ids) => inner.discard(ids),
    find: (u, r) => inner.find(u, r),
    open: (r) => inner.open(r),
    sweep: (ms) => inner.sweep(ms),
  };
}

describe('ITI-41 when the disk is full (ENOSPC)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let real: DocumentStore;
  let registryUrl = '';
  const stores = () => server.deps.stores as { documents: DocumentStore };
  const leftovers = async () => [
    ...(await readdir(join(server.dataDir, 'documents', 'tmp'))),
    ...(await readdir(join(server.dataDir, 'documents', 'pending'))),
  ];
  const registered = async (uid: string) => (await server.deps.stores.registry.findDocumentEntries({ uniqueIds: [uid] }, { limit: 5 })).length;
  const patient = async () => {
    const pid = newPatient();
    await server.deps.stores.patients.add(parseCx(pid)!);
    return pid;
  };

  before(async () => {
    server = await startTestServer({}, { transactions: repositoryTransactions() });
    real = server.deps.stores.documents;
  });
  afterEach(() => {
    stores().documents = real;
    registryUrl = '';
  });
  after(async () => server?.stop());

  it('inline base64: XDSRepositoryOutOfResources naming the document; nothing registered or left; then serves again', async () => {
    const pid = await patient();
    const m = pnrMetadata(pid, [{ mimeType: 'application/octet-stream' }]);
    stores().documents = diskFillsAfter(real, 2 * 1024 * 1024);
    const res = await provide(server, m.xml, [{ id: 'Document01', bytes: randomBytes(3 * 1024 * 1024), inline: true }]);
    const o = registryResponseOf(res.soap.body);
    expect(res.status).to.equal(200);
    expect(o.status).to.equal('Failure');
    expect(o.errors).to.have.length(1);
    expect(o.errors[0]).to.include({ errorCode: 'XDSRepositoryOutOfResources', severity: 'Error' });
    expect(o.errors[0]!.codeContext).to.contain('xdsb:Document Document01');
    expect(await registered(m.docs[0]!.uid)).to.equal(0);
    expect(await leftovers()).to.deep.equal([]);

    stores().documents = real; // space is back: the same server takes the same submission
    const again = registryResponseOf((await provide(server, m.xml, [{ id: 'Document01', bytes: Buffer.from('fits'), inline: true }])).soap.body);
    expect(again.status, JSON.stringify(again.errors)).to.equal('Success');
    expect(retrievedOf((await retrieve(server, [{ uid: m.docs[0]!.uid }])).soap).documents[0]!.part?.bytes?.toString()).to.equal('fits');
  });

  it('MTOM: the second of two documents hits ENOSPC → XDSRepositoryOutOfResources naming the part; nothing registered, no blob left', async () => {
    const pid = await patient();
    const m = pnrMetadata(pid, [{ mimeType: 'application/octet-stream' }, { mimeType: 'application/octet-stream' }]);
    stores().documents = diskFillsAfter(real, 1024 * 1024);
    const res = await provide(server, m.xml, [
      { id: 'Document01', bytes: randomBytes(1000) },
      { id: 'Document02', bytes: randomBytes(1536 * 1024) },
    ]);
    const response = registryResponseOf(res.soap.body);
    expect(response.status).to.equal('Failure');
    expect(response.errors).to.have.length(1);
    expect(response.errors[0]).to.include({ errorCode: 'XDSRepositoryOutOfResources' });
    expect(response.errors[0]!.codeContext).to.contain('MIME part <');
    for (const d of m.docs) expect(await registered(d.uid)).to.equal(0);
    expect(await leftovers()).to.deep.equal([]);
    expect(await real.sweep(-60_000), 'no committed orphan either').to.equal(0);
  });

  it('the fault a full disk raises while reading MTOM maps to XDSRepositoryOutOfResources naming the part', async () => {
    const fault = new StorageFullFault('doc1@example.org', await realEnospc());
    const xds = outOfResourcesOfRead(fault);
    expect(xds).to.be.instanceOf(XdsError);
    expect(xds!.errors[0]).to.include({ errorCode: 'XDSRepositoryOutOfResources', severity: 'Error' });
    expect(xds!.errors[0]!.codeContext).to.contain('doc1@example.org');
    expect(outOfResourcesOfRead(new Error('other'))).to.equal(undefined);
  });

  it('with a remote registry: the registry is never called, nothing is registered there', async () => {
    let registryCalls = 0;
    const handler = createIti41Handler(() => {
      registryCalls++;
      return remoteRegistryClient({ url: registryUrl, ca: server.ca, cert: server.cert, key: server.key, timeoutMs: 5_000 });
    });
    const pid = await patient();
    const m = pnrMetadata(pid, [{ mimeType: 'text/plain' }]);
    const body = `<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="${NS.xdsb}">${m.xml}<xdsb:Document id="Document01">${randomBytes(4096).toString('base64')}</xdsb:Document></xdsb:ProvideAndRegisterDocumentSetRequest>`;
    const envelope = parseXml(soapRequest(SoapAction.iti41, body));
    const req: SoapRequest<StoredBlob> = { envelope, body: childOf(envelope, NS.soap12, 'Body')!.children[0]!, action: SoapAction.iti41, attachments: new Map(), mtom: false };
    registryUrl = `${server.url}/xds/registry`;
    const deps: Deps = { ...server.deps, stores: { ...server.deps.stores, documents: diskFillsAfter(real, 0) } };
    const err = await handler(req, deps, { peer: { subject: 'CN=test' }, log: pino({ level: 'silent' }) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as XdsError).errors?.map((e) => e.errorCode)).to.deep.equal(['XDSRepositoryOutOfResources']);
    expect(registryCalls, 'registry client never built: storing failed first').to.equal(0);
    expect(await registered(m.docs[0]!.uid)).to.equal(0);
    expect(await leftovers()).to.deep.equal([]);
  });

  it('a full disk when placing the documents (in-process registry): XDSRepositoryOutOfResources, nothing registered or left', async () => {
    const enospc = await realEnospc();
    const pid = await patient();
    const m = pnrMetadata(pid, [{ mimeType: 'text/plain' }]);
    const body = `<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="${NS.xdsb}">${m.xml}<xdsb:Document id="Document01">YWJj</xdsb:Document></xdsb:ProvideAndRegisterDocumentSetRequest>`;
    const envelope = parseXml(soapRequest(SoapAction.iti41, body));
    const req: SoapRequest<StoredBlob> = { envelope, body: childOf(envelope, NS.soap12, 'Body')!.children[0]!, action: SoapAction.iti41, attachments: new Map(), mtom: false };
    const failing: DocumentStore = { ...bind(real), prepare: async () => Promise.reject(enospc) };
    const deps: Deps = { ...server.deps, stores: { ...server.deps.stores, documents: failing } };
    const err = await handleIti41(req, deps, { peer: { subject: 'CN=test' }, log: pino({ level: 'silent' }) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const [entry] = (err as XdsError).errors;
    expect(entry).to.include({ errorCode: 'XDSRepositoryOutOfResources', severity: 'Error' });
    expect(entry!.codeContext).to.contain(m.ssUid);
    expect(await registered(m.docs[0]!.uid)).to.equal(0);
    expect(await leftovers()).to.deep.equal([]);
  });

  it('a full disk when committing after registration: XDSRepositoryOutOfResources, registration withdrawn', async () => {
    const enospc = await realEnospc();
    const pid = await patient();
    const m = pnrMetadata(pid, [{ mimeType: 'text/plain' }]);
    const body = `<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="${NS.xdsb}">${m.xml}<xdsb:Document id="Document01">YWJj</xdsb:Document></xdsb:ProvideAndRegisterDocumentSetRequest>`;
    const envelope = parseXml(soapRequest(SoapAction.iti41, body));
    const req: SoapRequest<StoredBlob> = { envelope, body: childOf(envelope, NS.soap12, 'Body')!.children[0]!, action: SoapAction.iti41, attachments: new Map(), mtom: false };
    const failing: DocumentStore = { ...bind(real), commit: async () => Promise.reject(enospc) };
    const deps: Deps = { ...server.deps, stores: { ...server.deps.stores, documents: failing } };
    const err = await iti41CommittingAfterRegistration(req, deps, { peer: { subject: 'CN=test' }, log: pino({ level: 'silent' }) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const [entry] = (err as XdsError).errors;
    expect(entry).to.include({ errorCode: 'XDSRepositoryOutOfResources', severity: 'Error' });
    expect(entry!.codeContext).to.contain(m.docs[0]!.uid).and.to.contain('withdrawn');
    const [de] = await server.deps.stores.registry.findDocumentEntries({ uniqueIds: [m.docs[0]!.uid] }, { limit: 5 });
    expect(de?.availabilityStatus).to.equal('Deprecated');
    expect(await leftovers()).to.deep.equal([]);
  });
});

function bind(d: DocumentStore): DocumentStore {
  return {
    putPending: (s, o) => d.putPending(s, o),
    commit: (r) => d.commit(r),
    prepare: (r) => d.prepare(r),
    discard: (ids) => d.discard(ids),
    find: (u, r) => d.find(u, r),
    open: (r) => d.open(r),
    sweep: (ms) => d.sweep(ms),
  };
}
