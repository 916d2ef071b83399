/** matchDocuments on its own, against a real SQLite document store: the joins and the checks it owns. */
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readSubmitObjectsRequest } from '../../src/ebxml/read-submit-objects';
import { matchDocuments } from '../../src/repository/match-documents';
import type { ProvidedDocument } from '../../src/repository/read-documents';
import { parseXml } from '../../src/soap/xml';
import { openStores } from '../../src/storage/open-stores';
import type { Stores } from '../../src/storage/stores';
import { newPatient } from '../support/iti42';
import { pnrMetadata, type DocSpec } from './pnr';

const REPO = '1.3.6.1.4.1.21367.2017.9.1';

describe('repository/matchDocuments', () => {
  let dir: string;
  let stores: Stores;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-match-'));
    stores = await openStores({ dataDir: dir });
  });
  after(async () => {
    await stores.close();
    await rm(dir, { recursive: true, force: true });
  });

  const setup = async (specs: readonly DocSpec[], contents: readonly string[]) => {
    const m = pnrMetadata(newPatient(), specs);
    const { submission } = readSubmitObjectsRequest(parseXml(m.xml), 'repository');
    const docs = new Map<string, ProvidedDocument>();
    for (let i = 0; i < contents.length; i++) {
      const blob = await stores.documents.putPending(Readable.from([Buffer.from(contents[i]!)]));
      docs.set(m.docs[i]!.id, { id: m.docs[i]!.id, blob });
    }
    return { m, submission, docs };
  };

  it('fills hash, size and repositoryUniqueId and returns one record per new document', async () => {
    const { submission, docs, m } = await setup([{ mimeType: 'text/plain' }], ['abc']);
    const r = await matchDocuments(submission, docs, stores.documents, { repositoryUniqueId: REPO, mimeTypes: [] });
    expect(r.errors).to.deep.equal([]);
    const de = r.submission.documentEntries[0]!;
    expect(de.hash).to.equal('a9993e364706816aba3e25717850c26c9cd0d89d'); // SHA-1("abc"), FIPS 180-2 B.1
    expect(de.size).to.equal('3');
    expect(de.repositoryUniqueId).to.equal(REPO);
    expect(r.records).to.deep.equal([{ documentUniqueId: m.docs[0]!.uid, repositoryUniqueId: REPO, blobId: docs.get('Document01')!.blob.blobId, mimeType: 'text/plain', sha1: de.hash, size: 3 }]);
  });

  it('refuses a mimeType outside the configured list (parameters and case ignored)', async () => {
    const { submission, docs } = await setup([{ mimeType: 'application/x-evil' }, { mimeType: 'Text/Plain; charset=UTF-8' }], ['a', 'b']);
    const r = await matchDocuments(submission, docs, stores.documents, { repositoryUniqueId: REPO, mimeTypes: ['text/plain', 'application/pdf'] });
    expect(r.errors).to.have.length(1);
    expect(r.errors[0]!.errorCode).to.equal('XDSRepositoryMetadataError');
    expect(r.errors[0]!.codeContext).to.contain('application/x-evil');
  });

  it('reports every problem at once: missing document, stray document, bad size', async () => {
    const { submission, docs } = await setup([{ size: '12' }, {}], ['abc']);
    const stray = await stores.documents.putPending(Readable.from([Buffer.from('s')]));
    const all = new Map(docs).set('Stray', { id: 'Stray', blob: stray });
    const r = await matchDocuments(submission, all, stores.documents, { repositoryUniqueId: REPO, mimeTypes: [] });
    expect(r.errors.map((e) => e.errorCode).sort()).to.deep.equal(['XDSMissingDocument', 'XDSMissingDocumentMetadata', 'XDSRepositoryMetadataError']);
  });

  it('leaves an identical stored document out of the records and flags other bytes (XDSNonIdenticalHash)', async () => {
    const first = await setup([{}], ['same']);
    const r1 = await matchDocuments(first.submission, first.docs, stores.documents, { repositoryUniqueId: REPO, mimeTypes: [] });
    await stores.documents.commit(r1.records);
    const again = await setup([{ uid: first.m.docs[0]!.uid }], ['same']);
    const r2 = await matchDocuments(again.submission, again.docs, stores.documents, { repositoryUniqueId: REPO, mimeTypes: [] });
    expect(r2.errors).to.deep.equal([]);
    expect(r2.records).to.deep.equal([]);
    const longer = await setup([{ uid: first.m.docs[0]!.uid }], ['same!']);
    const r3 = await matchDocuments(longer.submission, longer.docs, stores.documents, { repositoryUniqueId: REPO, mimeTypes: [] });
    expect(r3.errors.map((e) => e.errorCode)).to.deep.equal(['XDSNonIdenticalHash']);
  });
});
