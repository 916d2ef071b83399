/**
 * IdentityStore contract (the PIX/PDQ cross-reference store): records, blocking candidates, merge rows with
 * person redirects, unmerge, review rows. Runs on every backend through forEachBackend (ports.test.ts).
 */
import { expect } from 'chai';
import type { IdentityStore, SearchBlock } from '../../src/patient-identity/identity-ports';
import { matchKeys } from '../../src/patient-identity/matching/blocking';
import type { Patient, PatientKey } from '../../src/patient-identity/model';
import type { Stores } from '../../src/storage/stores';
import type { OpenStores } from './backends';

const T = '2026-01-01T00:00:00.000Z';
const k = (id: string): PatientKey => ({ id, authority: '1.2.3' });
const demo = (family: string, given: string, birthTime?: string): Patient => ({
  ids: [],
  otherIds: [],
  names: [{ family: [family], given: [given] }],
  birthTime,
  addresses: [],
  telecoms: [],
});

export function identityStoreContract(open: OpenStores): void {
  let s: Stores;
  let store: IdentityStore;
  beforeEach(async () => {
    s = await open();
    if (!s.identity) throw new Error(`the ${s.kind} backend has no identity store`);
    store = s.identity;
  });
  afterEach(async () => {
    await s.close();
  });

  it('stores, replaces and reads records with their demographics', async () => {
    await store.commit({ records: [{ key: k('a'), personId: 'P1', patient: demo('Ünal', 'Ayşe', '19800101'), updated: T }, { key: k('b'), personId: 'P1', updated: T }] });
    expect((await store.getRecord(k('a')))?.patient?.names[0]?.family).to.deep.equal(['Ünal']);
    expect((await store.getRecord(k('b')))?.patient).to.equal(undefined);
    await store.commit({ records: [{ key: k('a'), personId: 'P2', patient: demo('Unal', 'Ayse'), updated: T }] });
    expect(await store.getRecord(k('a'))).to.deep.include({ personId: 'P2' });
    expect(await store.getRecord({ id: 'a', authority: '9.9' })).to.equal(undefined);
  });

  it('reads links without demographics when asked (PIX)', async () => {
    await store.commit({ records: [{ key: k('a'), personId: 'P1', patient: demo('Ünal', 'Ayşe', '19800101'), updated: T }, { key: k('b'), personId: 'P2', patient: demo('Unal', 'Ayse'), updated: T }] });
    await store.commit({ merge: { from: k('b'), into: k('a'), fromPerson: 'P2', intoPerson: 'P1', time: T } });
    const lean = { demographics: false };
    expect(await store.getRecord(k('a'), lean)).to.deep.equal({ key: k('a'), personId: 'P1', updated: T });
    expect(await store.getRecord(k('b'), lean)).to.deep.equal({ key: k('b'), personId: 'P2', updated: T, mergedInto: k('a') });
    const members = await store.members('P1', lean);
    expect(members).to.deep.equal([{ key: k('a'), personId: 'P1', updated: T }, { key: k('b'), personId: 'P2', updated: T, mergedInto: k('a') }]);
    expect((await store.members('P1')).every((r) => r.patient !== undefined), 'full reads keep the demographics').to.equal(true);
  });

  it('candidates and scan skip merged-away and demographics-less records', async () => {
    await store.commit({
      records: [
        { key: k('a'), personId: 'P1', patient: demo('Miller', 'Ann', '19800101'), updated: T },
        { key: k('b'), personId: 'P2', patient: demo('Miller', 'Anna', '19800505'), updated: T },
        { key: k('c'), personId: 'P3', patient: demo('Smith', 'Carl', '19990101'), updated: T },
        { key: k('d'), personId: 'P4', updated: T },
      ],
    });
    const ids = async (p: Patient) => (await store.candidates(matchKeys(p), 10)).map((r) => r.key.id).sort();
    // Month 01 meets a, day 05 meets b (matching/blocking.ts year keys).
    expect(await ids(demo('Miller', 'Ann', '19800105'))).to.deep.equal(['a', 'b']);
    expect(await store.candidates([], 10)).to.deep.equal([]);
    await store.commit({ merge: { from: k('b'), into: k('a'), time: T } });
    expect(await ids(demo('Miller', 'Ann', '19800105'))).to.deep.equal(['a']);
    expect((await store.scan(10)).map((r) => r.key.id).sort()).to.deep.equal(['a', 'c']);
    expect(await store.scan(1)).to.have.length(1);
  });

  it('candidates carry key, person and comparables, and leave out the domain asked to skip', async () => {
    await store.commit({
      records: [
        { key: k('a'), personId: 'P1', patient: { ...demo('Müller', 'Zoë', '19800101'), gender: 'F', addresses: [{ streetAddressLine: ['1 Elm St.'], city: 'Köln', postalCode: '50667' }] }, updated: T },
        { key: { id: 'a', authority: '9.9' }, personId: 'P1', patient: demo('Muller', 'Zoe', '19800101'), updated: T },
      ],
    });
    const found = await store.candidates(matchKeys(demo('Muller', 'Zoe', '19800101')), 10, '9.9');
    expect(found).to.deep.equal([
      { key: k('a'), personId: 'P1', comparable: { family: 'MULLER', given: 'ZOE', birth: '19800101', gender: 'F', street: '1ELMST', city: 'KOLN', postalCode: '50667' } },
    ]);
    expect(await store.candidates(matchKeys(demo('Muller', 'Zoe', '19800101')), 10)).to.have.length(2);
  });

  it('candidates on compound keys (matchKeys) find a variant of a record and not its neighbours', async () => {
    await store.commit({
      records: [
        { key: k('a'), personId: 'P1', patient: demo('Johnson', 'Margaret', '19650412'), updated: T },
        { key: k('b'), personId: 'P2', patient: demo('Jones', 'Peter', '19650412'), updated: T },
        { key: k('c'), personId: 'P3', patient: demo('Johnson', 'Margaret'), updated: T },
        { key: k('d'), personId: 'P4', patient: demo('Smith', 'Anna', '19650101'), updated: T },
      ],
    });
    const ids = async (p: Patient) => (await store.candidates(matchKeys(p), 10)).map((r) => r.key.id).sort();
    // Swapped names + day/month swap: the year key; b shares the birth date and family initial (D key);
    // c has no birth date (M key); d shares nothing.
    expect(await ids(demo('Margaret', 'Jonhson', '19651204'))).to.deep.equal(['a', 'c']);
    expect(await ids(demo('Jonson', 'Margaret', '19650412'))).to.deep.equal(['a', 'b', 'c']);
    expect(await ids(demo('Johnsen', 'Margaret'))).to.deep.equal(['a', 'c']);
  });

  it('searchCandidates narrows PDQ on name and birth date prefixes, ANDed, merged-away excluded', async () => {
    await store.commit({
      records: [
        { key: k('a'), personId: 'P1', patient: demo('Johnson', 'Margaret', '19650412'), updated: T },
        { key: k('b'), personId: 'P2', patient: demo('Johnston', 'Mark', '19650412'), updated: T },
        { key: k('c'), personId: 'P3', patient: demo('Johnson', 'Margaret', '19700101'), updated: T },
        { key: k('d'), personId: 'P4', updated: T },
      ],
    });
    const ids = async (b: SearchBlock) => (await store.searchCandidates(b, 10)).map((r) => r.key.id).sort();
    expect(await ids({ family: 'JOHNSON', birth: '19650412' })).to.deep.equal(['a']);
    expect(await ids({ family: 'JOHNS', birth: '1965' })).to.deep.equal(['a', 'b']);
    expect(await ids({ given: 'MAR' })).to.deep.equal(['a', 'b', 'c']);
    expect(await ids({ birth: '1970' })).to.deep.equal(['c']);
    await store.commit({ merge: { from: k('c'), into: k('a'), time: T } });
    expect(await ids({ family: 'JOHNSON' })).to.deep.equal(['a']);
  });

  it('merge rows redirect persons; members follow redirects; removeMerge restores exactly', async () => {
    await store.commit({ records: [{ key: k('a'), personId: 'P1', updated: T }, { key: k('b'), personId: 'P2', updated: T }, { key: k('c'), personId: 'P2', updated: T }] });
    await store.commit({ merge: { from: k('b'), into: k('a'), fromPerson: 'P2', intoPerson: 'P1', time: T } });
    expect(await store.resolvePerson('P2')).to.equal('P1');
    const members = await store.members('P1');
    expect(members.map((r) => r.key.id)).to.deep.equal(['a', 'b', 'c']);
    expect(members.find((r) => r.key.id === 'b')?.mergedInto).to.deep.equal(k('a'));
    expect((await store.getRecord(k('b')))?.mergedInto).to.deep.equal(k('a'));
    expect(await store.mergedInto(k('b'))).to.deep.equal(k('a'));
    expect(await store.removeMerge(k('b'))).to.deep.equal({ from: k('b'), into: k('a'), fromPerson: 'P2', intoPerson: 'P1', time: T });
    expect(await store.resolvePerson('P2')).to.equal('P2');
    expect((await store.members('P1')).map((r) => r.key.id)).to.deep.equal(['a']);
    expect(await store.mergedInto(k('b'))).to.equal(undefined);
    expect(await store.removeMerge(k('b'))).to.equal(undefined);
  });

  it('follows redirect chains both ways (members of the final person include every merged person)', async () => {
    await store.commit({ records: [{ key: k('a'), personId: 'P1', updated: T }, { key: k('b'), personId: 'P2', updated: T }, { key: k('c'), personId: 'P3', updated: T }] });
    await store.commit({ merge: { from: k('c'), into: k('b'), fromPerson: 'P3', intoPerson: 'P2', time: T } });
    await store.commit({ merge: { from: k('b'), into: k('a'), fromPerson: 'P2', intoPerson: 'P1', time: T } });
    expect(await store.resolvePerson('P3')).to.equal('P1');
    expect((await store.members('P1')).map((r) => r.key.id)).to.deep.equal(['a', 'b', 'c']);
  });

  it('refuses a second merge of one identifier and a second redirect of one person, atomically', async () => {
    await store.commit({ records: [{ key: k('x'), personId: 'P9', updated: T }] });
    await store.commit({ merge: { from: k('x'), into: k('y'), fromPerson: 'P9', intoPerson: 'P8', time: T } });
    const refused = async (batch: Parameters<IdentityStore['commit']>[0]) => store.commit(batch).then(() => false, () => true);
    expect(await refused({ merge: { from: k('z'), into: k('y'), fromPerson: 'P9', intoPerson: 'P7', time: T } })).to.equal(true);
    // The record in the refused batch is not written either: a batch is all or nothing.
    expect(await refused({ records: [{ key: k('new'), personId: 'P5', updated: T }], merge: { from: k('x'), into: k('w'), time: T } })).to.equal(true);
    expect(await store.getRecord(k('new'))).to.equal(undefined);
    expect(await store.mergedInto(k('x'))).to.deep.equal(k('y'));
  });

  it('keeps review rows in arrival order across commits', async () => {
    await store.commit({ reviews: [{ key: k('a'), candidate: k('b'), score: 12.5, time: T }, { key: k('c'), candidate: k('d'), score: -1, time: T }] });
    await store.commit({ reviews: [{ key: k('e'), candidate: k('f'), score: 11, time: T }] });
    const rows = (await store.reviews(10)).map((r) => [r.key.id, r.candidate.id, r.score]);
    expect(rows).to.deep.equal([['a', 'b', 12.5], ['c', 'd', -1], ['e', 'f', 11]]);
    expect(await store.reviews(1)).to.have.length(1);
  });

  it('resolves a review item once, with its decision; open reviews page past resolved ones', async () => {
    await store.commit({ reviews: [{ key: k('a'), candidate: k('b'), score: 12, time: T }, { key: k('c'), candidate: k('d'), score: 11, time: T }] });
    const [first, second] = await store.openReviews(10);
    expect(await store.hasOpenReview(k('b'), k('a'))).to.equal(true); // either order
    await store.commit({ resolve: { seq: first!.seq, decision: 'link', operator: 'ops', time: T }, records: [{ key: k('a'), personId: 'P', updated: T }] });
    expect((await store.review(first!.seq))?.resolution).to.deep.include({ decision: 'link', operator: 'ops' });
    expect(await store.hasOpenReview(k('a'), k('b'))).to.equal(false);
    expect((await store.openReviews(10)).map((r) => r.seq)).to.deep.equal([second!.seq]);
    expect(await store.openReviews(10, second!.seq)).to.deep.equal([]);
    // A second decision on the same item fails, and the batch's record is not written.
    const refused = await store
      .commit({ resolve: { seq: first!.seq, decision: 'distinct', operator: 'ops', time: T }, records: [{ key: k('z'), personId: 'Q', updated: T }] })
      .then(() => false, () => true);
    expect(refused).to.equal(true);
    expect(await store.getRecord(k('z'))).to.equal(undefined);
    expect(await store.review(9999)).to.equal(undefined);
  });

  it('remembers distinct pairs in either order', async () => {
    expect(await store.isDistinct(k('a'), k('b'))).to.equal(false);
    await store.commit({ distinct: { a: k('b'), b: k('a'), operator: 'ops', time: T } });
    expect(await store.isDistinct(k('a'), k('b'))).to.equal(true);
    expect(await store.isDistinct(k('b'), k('a'))).to.equal(true);
    expect(await store.isDistinct(k('a'), k('c'))).to.equal(false);
    await store.commit({ distinct: { a: k('a'), b: k('b'), operator: 'other', time: T } }); // idempotent
  });

  it('makes registryIds known to the registry PatientIndex in the same transaction', async () => {
    await store.commit({ records: [{ key: k('r1'), personId: 'P', updated: T }], registryIds: [k('r1'), k('r2')] });
    expect(await s.patients.status(k('r1'))).to.deep.equal({ state: 'active' });
    expect(await s.patients.status(k('r2'))).to.deep.equal({ state: 'active' });
    await store.commit({ registryIds: [k('r1')] }); // idempotent
    const refused = await store
      .commit({ registryIds: [k('r3')], resolve: { seq: 424242, decision: 'link', operator: 'ops', time: T } })
      .then(() => false, () => true);
    expect(refused).to.equal(true);
    expect(await s.patients.status(k('r3')), 'rolled back with the batch').to.deep.equal({ state: 'unknown' });
  });
}
