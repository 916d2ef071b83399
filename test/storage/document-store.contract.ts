/** DocumentStore contract: pending → committed protocol, hash and size, limits, discard, sweep. */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { SoapFaultError } from '../../src/errors';
import type { DocumentRecord, StoredBlob } from '../../src/repository/ports';
import type { Stores } from '../../src/storage/stores';
import type { OpenStores } from './backends';
import { docEntry, oid, submission } from './fixtures';
import { expectConflict } from './registry-store.contract';

const REPO = '1.3.6.1.4.1.21367.2010.1.2.1125';

export async function readAll(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** A stream of `n` chunks of `size` random bytes, and the bytes it yields. */
export function chunked(n: number, size: number): { stream: Readable; bytes: Buffer } {
  const chunks = Array.from({ length: n }, () => randomBytes(size));
  return { stream: Readable.from(chunks), bytes: Buffer.concat(chunks) };
}

const record = (b: StoredBlob, documentUniqueId = oid()): DocumentRecord => ({
  documentUniqueId,
  repositoryUniqueId: REPO,
  blobId: b.blobId,
  mimeType: 'text/xml',
  sha1: b.sha1,
  size: b.size,
});

export function documentStoreContract(open: OpenStores): void {
  let s: Stores;
  beforeEach(async () => {
    s = await open();
  });
  afterEach(async () => {
    await s.close();
  });

  it('round-trips a document with its SHA-1 and size', async () => {
    const { stream, bytes } = chunked(40, 64 * 1024 + 7);
    const blob = await s.documents.putPending(stream);
    expect(blob.size).to.equal(bytes.length);
    expect(blob.sha1).to.equal(createHash('sha1').update(bytes).digest('hex'));
    const rec = record(blob);
    expect(await s.documents.find(rec.documentUniqueId, REPO), 'pending is not visible').to.equal(undefined);
    await s.documents.commit([rec]);
    const found = await s.documents.find(rec.documentUniqueId, REPO);
    expect(found).to.deep.equal(rec);
    expect((await readAll(s.documents.open(found!))).equals(bytes)).to.equal(true);
    expect(await s.documents.find(rec.documentUniqueId, '9.9.9')).to.equal(undefined);
  });

  it('stores an empty document', async () => {
    const blob = await s.documents.putPending(Readable.from([]));
    expect(blob).to.include({ size: 0, sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' });
    const rec = record(blob);
    await s.documents.commit([rec]);
    expect((await readAll(s.documents.open(rec))).length).to.equal(0);
  });

  it('commits several documents, identical content included, all or nothing', async () => {
    const same = Buffer.from('same bytes');
    const a = await s.documents.putPending(Readable.from([same]));
    const b = await s.documents.putPending(Readable.from([same]));
    const recs = [record(a), record(b)];
    await s.documents.commit(recs);
    for (const r of recs) expect((await readAll(s.documents.open((await s.documents.find(r.documentUniqueId, REPO))!))).equals(same)).to.equal(true);
    // A duplicate document uniqueId in the second commit: the first record of it is not stored either.
    const c = await s.documents.putPending(Readable.from([Buffer.from('c')]));
    const d = await s.documents.putPending(Readable.from([Buffer.from('d')]));
    const fresh = record(c);
    await expectConflict(s.documents.commit([fresh, record(d, recs[0].documentUniqueId)]), 'uniqueId', recs[0].documentUniqueId);
    expect(await s.documents.find(fresh.documentUniqueId, REPO)).to.equal(undefined);
  });

  it('rejects a document over maxBytes and keeps nothing of it', async () => {
    const { stream } = chunked(10, 1000);
    const err = await s.documents.putPending(stream, { maxBytes: 5000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(SoapFaultError);
    expect((err as SoapFaultError).httpStatus).to.equal(413);
    expect(await s.documents.sweep(0), 'nothing left to sweep').to.equal(0);
    const ok = await s.documents.putPending(Readable.from([Buffer.alloc(5000)]), { maxBytes: 5000 });
    expect(ok.size).to.equal(5000);
  });

  it('refuses to commit an unknown or discarded blob', async () => {
    const blob = await s.documents.putPending(Readable.from([Buffer.from('x')]));
    await s.documents.discard([blob.blobId]);
    let failed = false;
    await s.documents.commit([record(blob)]).catch(() => (failed = true));
    expect(failed).to.equal(true);
    await s.documents.commit([record({ blobId: 'ffffffffffffffffffffffff', sha1: blob.sha1, size: 1 })]).catch(() => (failed = true));
    expect(failed).to.equal(true);
  });

  it('discards pending blobs and ignores committed or unknown ones', async () => {
    const kept = await s.documents.putPending(Readable.from([Buffer.from('kept')]));
    const dropped = await s.documents.putPending(Readable.from([Buffer.from('dropped')]));
    const rec = record(kept);
    await s.documents.commit([rec]);
    await s.documents.discard([kept.blobId, dropped.blobId, 'not-a-blob', '../../etc/passwd']);
    expect((await readAll(s.documents.open(rec))).toString()).to.equal('kept');
    expect(await s.documents.sweep(0), 'the discarded blob is already gone').to.equal(0);
  });

  it('sweeps only pending blobs older than the limit', async () => {
    const old = await s.documents.putPending(Readable.from([Buffer.from('old')]));
    const committed = await s.documents.putPending(Readable.from([Buffer.from('committed')]));
    const rec = record(committed);
    await s.documents.commit([rec]);
    expect(await s.documents.sweep(60_000), 'young blobs stay').to.equal(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(await s.documents.sweep(5)).to.equal(1);
    let failed = false;
    await s.documents.commit([record(old)]).catch(() => (failed = true));
    expect(failed, 'a swept blob cannot be committed').to.equal(true);
    expect((await readAll(s.documents.open(rec))).toString()).to.equal('committed');
  });

  it('keeps a document committed again with the same bytes (a retried submission)', async () => {
    const first = await s.documents.putPending(Readable.from([Buffer.from('twice')]));
    const rec = record(first);
    await s.documents.commit([rec]);
    const again = await s.documents.putPending(Readable.from([Buffer.from('twice')]));
    await s.documents.commit([{ ...rec, blobId: again.blobId }]);
    await s.documents.discard([again.blobId]);
    expect(await s.documents.find(rec.documentUniqueId, REPO)).to.deep.equal(rec);
    expect((await readAll(s.documents.open(rec))).toString()).to.equal('twice');
  });

  it('writes prepared rows in the registry transaction: visible together with the metadata, or neither', async () => {
    const bytes = Buffer.from('one transaction');
    const ok = record(await s.documents.putPending(Readable.from([bytes])));
    const prepared = await s.documents.prepare([ok]);
    const entry = docEntry({ uniqueId: ok.documentUniqueId });
    await s.registry.commit({ ...submission([entry]), documents: [ok] });
    await prepared.settle(true);
    expect(await s.documents.find(ok.documentUniqueId, REPO)).to.deep.equal(ok);
    expect((await readAll(s.documents.open(ok))).equals(bytes)).to.equal(true);

    // The second row names a stored uniqueId with other bytes: the metadata is not registered either.
    const other = record(await s.documents.putPending(Readable.from([Buffer.from('other bytes')])));
    const clash = { ...record(await s.documents.putPending(Readable.from([Buffer.from('clash')]))), documentUniqueId: ok.documentUniqueId };
    const failing = await s.documents.prepare([other, clash]);
    const entry2 = docEntry({ uniqueId: other.documentUniqueId });
    await expectConflict(s.registry.commit({ ...submission([entry2]), documents: [other, clash] }), 'uniqueId', ok.documentUniqueId);
    await failing.settle(false);
    await s.documents.discard([other.blobId, clash.blobId]);
    expect(await s.registry.getByIds([entry2.id])).to.deep.equal([]);
    expect(await s.documents.find(other.documentUniqueId, REPO)).to.equal(undefined);
    expect(await s.documents.sweep(-60_000), 'nothing of the failed submission is left').to.equal(0);
    expect((await readAll(s.documents.open(ok))).equals(bytes), 'the stored document is untouched').to.equal(true);
  });
}
