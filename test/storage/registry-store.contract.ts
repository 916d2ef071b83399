/** RegistryStore contract: commit atomicity, races, preconditions, status, fingerprints. */
import { expect } from 'chai';
import { ConflictError } from '../../src/errors';
import type { Stores } from '../../src/storage/stores';
import type { OpenStores } from './backends';
import { assoc, docEntry, folder, submission, subSet } from './fixtures';

export async function expectConflict(p: Promise<unknown>, kind: ConflictError['kind'], key?: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected a ConflictError').to.be.instanceOf(ConflictError);
  expect((err as ConflictError).kind).to.equal(kind);
  if (key !== undefined) expect((err as ConflictError).key).to.equal(key);
}

export function registryStoreContract(open: OpenStores): void {
  let s: Stores;
  beforeEach(async () => {
    s = await open();
  });
  afterEach(async () => {
    await s.close();
  });

  it('commits a submission and returns every object by id, status included', async () => {
    const de = docEntry();
    const c = submission([de]);
    await s.registry.commit(c);
    const got = await s.registry.getByIds([...c.objects.map((o) => o.id), 'urn:uuid:missing']);
    expect(got.map((o) => o.id).sort()).to.deep.equal(c.objects.map((o) => o.id).sort());
    const back = got.find((o) => o.id === de.id);
    expect(back).to.deep.equal(de);
  });

  it('stores Approved when a new object carries no status', async () => {
    const de = docEntry({ availabilityStatus: undefined });
    await s.registry.commit(submission([de]));
    const [back] = await s.registry.getByIds([de.id]);
    expect(back.availabilityStatus).to.equal('Approved');
  });

  it('writes nothing when the 3rd object violates a uniqueId', async () => {
    const existing = docEntry({ hash: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', size: '0' });
    await s.registry.commit(submission([existing]));
    const ss = subSet();
    const fresh = docEntry();
    const dup = docEntry({ uniqueId: existing.uniqueId, hash: '0000000000000000000000000000000000000000', size: '0' });
    const change = { ...submission([], {}, ss), objects: [ss, fresh, dup] };
    await expectConflict(s.registry.commit(change), 'uniqueId', existing.uniqueId);
    expect(await s.registry.getByIds([ss.id, fresh.id, dup.id])).to.deep.equal([]);
    expect(await s.registry.getSubmissionFingerprint(ss.uniqueId!)).to.equal(undefined);
  });

  it('binds a DocumentEntry uniqueId to its hash and size: identical again is accepted, different is refused', async () => {
    const first = docEntry({ hash: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', size: '0' });
    await s.registry.commit(submission([first]));
    const twin = docEntry({ uniqueId: first.uniqueId, hash: first.hash!.toUpperCase(), size: '000' });
    await s.registry.commit(submission([twin]));
    expect(await s.registry.findDocumentEntries({ uniqueIds: [first.uniqueId!] }, { limit: 10 })).to.have.length(2);
    const otherHash = docEntry({ uniqueId: first.uniqueId, hash: 'aa39a3ee5e6b4b0d3255bfef95601890afd80709', size: '0' });
    await expectConflict(s.registry.commit(submission([otherHash])), 'uniqueId', first.uniqueId);
    const otherSize = docEntry({ uniqueId: first.uniqueId, hash: first.hash, size: '1' });
    await expectConflict(s.registry.commit(submission([otherSize])), 'uniqueId', first.uniqueId);
    expect(await s.registry.getByIds([otherHash.id, otherSize.id])).to.deep.equal([]);
  });

  it('refuses a duplicate SubmissionSet or Folder uniqueId', async () => {
    const ss = subSet();
    const f = folder();
    await s.registry.commit(submission([f], {}, ss));
    await expectConflict(s.registry.commit(submission([], {}, subSet({ uniqueId: ss.uniqueId }))), 'uniqueId', ss.uniqueId);
    await expectConflict(s.registry.commit(submission([folder({ uniqueId: f.uniqueId })])), 'uniqueId', f.uniqueId);
  });

  it('lets exactly one of two racing commits of one SubmissionSet uniqueId win', async () => {
    const uid = subSet().uniqueId;
    const results = await Promise.allSettled([
      s.registry.commit(submission([docEntry()], {}, subSet({ uniqueId: uid }))),
      s.registry.commit(submission([docEntry()], {}, subSet({ uniqueId: uid }))),
    ]);
    expect(results.map((r) => r.status).sort()).to.deep.equal(['fulfilled', 'rejected']);
    expect(await s.registry.findSubmissionSets({ uniqueIds: [uid!] }, { limit: 10 })).to.have.length(1);
  });

  it('refuses a duplicate entryUUID', async () => {
    const de = docEntry();
    await s.registry.commit(submission([de]));
    await expectConflict(s.registry.commit(submission([docEntry({ id: de.id })])), 'entryUuid', de.id);
  });

  it('lets exactly one of two racing commits of different content under one uniqueId win', async () => {
    const uid = docEntry().uniqueId;
    const a = submission([docEntry({ uniqueId: uid, hash: 'a'.repeat(40), size: '1' })]);
    const b = submission([docEntry({ uniqueId: uid, hash: 'b'.repeat(40), size: '1' })]);
    const results = await Promise.allSettled([s.registry.commit(a), s.registry.commit(b)]);
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).to.be.instanceOf(ConflictError);
    expect((lost.reason as ConflictError).key).to.equal(uid);
    const found = await s.registry.findDocumentEntries({ uniqueIds: [uid!] }, { limit: 10 });
    expect(found).to.have.length(1);
  });

  it('checks preconditions inside the transaction', async () => {
    const original = docEntry();
    await s.registry.commit(submission([original]));
    const replacement = docEntry();
    const rplc = submission([replacement], {
      preconditions: [{ id: original.id, status: 'Approved' }],
      statusUpdates: [{ id: original.id, status: 'Deprecated' }],
    });
    await s.registry.commit({ ...rplc, objects: [...rplc.objects, assoc('RPLC', replacement.id, original.id)] });
    // A second RPLC of the same original loses: it is no longer Approved.
    const late = docEntry();
    const second = submission([late], { preconditions: [{ id: original.id, status: 'Approved' }], statusUpdates: [{ id: original.id, status: 'Deprecated' }] });
    await expectConflict(s.registry.commit(second), 'precondition', original.id);
    expect(await s.registry.getByIds([late.id])).to.deep.equal([]);
    await expectConflict(s.registry.commit(submission([docEntry()], { preconditions: [{ id: 'urn:uuid:nope', status: 'Approved' }] })), 'precondition');
  });

  it('applies status updates and shows them in returned models and status queries', async () => {
    const de = docEntry();
    await s.registry.commit(submission([de]));
    await s.registry.commit(submission([docEntry()], { statusUpdates: [{ id: de.id, status: 'Deprecated' }] }));
    const [byId] = await s.registry.getByIds([de.id]);
    expect(byId.availabilityStatus).to.equal('Deprecated');
    const deprecated = await s.registry.findDocumentEntries({ patientIds: [de.patientId!], statuses: ['Deprecated'] }, { limit: 10 });
    expect(deprecated.map((d) => d.id)).to.deep.equal([de.id]);
    expect(deprecated[0].availabilityStatus).to.equal('Deprecated');
    const approved = await s.registry.findDocumentEntries({ ids: [de.id], statuses: ['Approved'] }, { limit: 10 });
    expect(approved).to.deep.equal([]);
  });

  it('fails the whole commit when a status update names an unknown object', async () => {
    const de = docEntry();
    await expectConflict(s.registry.commit(submission([de], { statusUpdates: [{ id: 'urn:uuid:gone', status: 'Deprecated' }] })), 'precondition', 'urn:uuid:gone');
    expect(await s.registry.getByIds([de.id])).to.deep.equal([]);
  });

  it('updates a folder lastUpdateTime in the model and for queries', async () => {
    const f = folder({ lastUpdateTime: '20240101000000' });
    await s.registry.commit(submission([f]));
    await s.registry.commit(submission([docEntry()], { folderUpdates: [{ id: f.id, lastUpdateTime: '20250505101010' }] }));
    const [back] = await s.registry.getByIds([f.id]);
    expect((back as typeof f).lastUpdateTime).to.equal('20250505101010');
    const found = await s.registry.findFolders({ lastUpdateTime: { from: '2025' } }, { limit: 10 });
    expect(found.map((x) => x.id)).to.deep.equal([f.id]);
  });

  it('keeps the fingerprint with the SubmissionSet', async () => {
    const ss = subSet();
    await s.registry.commit(submission([docEntry()], { fingerprint: 'abc123' }, ss));
    expect(await s.registry.getSubmissionFingerprint(ss.uniqueId!)).to.equal('abc123');
    expect(await s.registry.getSubmissionFingerprint('9.9.9.unknown')).to.equal(undefined);
  });
}
