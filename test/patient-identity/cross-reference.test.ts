/**
 * The cross-reference on a real SQLite identity store: identifier links, enterprise domain, deterministic and
 * probabilistic matching (link / review / new), same-domain exclusion, merge with person redirect, unmerge.
 */
import { expect } from 'chai';
import { CrossReference } from '../../src/patient-identity/cross-reference';
import { DEFAULT_IDENTITY_DOMAINS, NIST_AFFINITY_DOMAIN_OID } from '../../src/patient-identity/domains';
import { IdentityError } from '../../src/patient-identity/identity-error';
import { keyToCx, type Patient, type PatientKey } from '../../src/patient-identity/model';
import { openIdentityDb } from './support';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../src/storage/sqlite/db-sqlite';
import { SqliteIdentityStore } from '../../src/storage/sqlite/identity-sqlite';

const A = '1.2.840.1.1';
const B = '1.2.840.1.2';
const ENT = NIST_AFFINITY_DOMAIN_OID;

const p = (id: string, authority: string, family: string, given: string, birthTime?: string, gender?: string, otherIds: PatientKey[] = [], street?: string): Patient => ({
  ids: [{ id, authority }],
  otherIds,
  names: [{ family: [family], given: [given] }],
  birthTime,
  gender,
  addresses: street ? [{ streetAddressLine: [street], city: 'Springfield' }] : [],
  telecoms: [],
});

describe('cross-reference', () => {
  let xref: CrossReference;
  let close: () => void;
  let n = 0;

  beforeEach(() => {
    const { db, identity } = openIdentityDb();
    close = () => db.close();
    xref = new CrossReference(identity, { domains: DEFAULT_IDENTITY_DOMAINS, newId: () => `E${++n}`, now: () => new Date('2026-01-01T00:00:00Z') });
  });
  afterEach(() => close());

  const ids = async (key: PatientKey) => (await xref.identifiers((await xref.personOf(key))!)).map(keyToCx).sort();

  it('mints an enterprise id for a new person, and links asOtherIDs to it', async () => {
    const o = await xref.feed(p('a1', A, 'Dean', 'James', '19570323', 'M', [{ id: 'b1', authority: B }]));
    expect(o.decision).to.equal('new');
    expect(o.personId).to.equal(`E1^^^&${ENT}&ISO`);
    expect(o.accepted.map(keyToCx)).to.deep.equal([`a1^^^&${A}&ISO`, `b1^^^&${B}&ISO`, `E1^^^&${ENT}&ISO`]);
    expect(await ids({ id: 'b1', authority: B })).to.deep.equal([`E1^^^&${ENT}&ISO`, `a1^^^&${A}&ISO`, `b1^^^&${B}&ISO`].sort());
  });

  it('an identifier in the enterprise domain is the person', async () => {
    const o = await xref.feed(p('TS1', ENT, 'Test', 'Conformance'));
    expect(o.decision).to.equal('enterprise');
    expect(o.personId).to.equal(`TS1^^^&${ENT}&ISO`);
    // Two runner patients with the same (sparse) demographics stay two persons.
    const o2 = await xref.feed(p('TS2', ENT, 'Test', 'Conformance'));
    expect(o2.personId).to.equal(`TS2^^^&${ENT}&ISO`);
  });

  it('deterministic: exact family, given, birth date and gender in another domain link', async () => {
    await xref.feed(p('a1', A, 'Dean', 'James', '19570323', 'M'));
    const o = await xref.feed(p('b1', B, 'DEAN', 'james', '19570323', 'M'));
    expect(o.decision).to.equal('deterministic');
    expect(await ids({ id: 'a1', authority: A })).to.include(`b1^^^&${B}&ISO`);
  });

  it('probabilistic: a typo links; a weaker match goes to review; same domain never links', async () => {
    await xref.feed(p('a1', A, 'Johnson', 'Margaret', '19650412', 'F', [], '12 Elm Street'));
    expect((await xref.feed(p('b1', B, 'Jonhson', 'Margaret', '19650412', 'F'))).decision).to.equal('link');
    // Same names, another birth day (same month, so the pair is blocked together; matching/blocking.ts).
    const review = await xref.feed(p('b2', B, 'Johnson', 'Margaret', '19650430', 'F', [], '12 Elm Street'));
    expect(review.decision).to.equal('review');
    const queue = await xref.store.reviews(10);
    expect(queue).to.have.length(1);
    expect(queue[0]!.key).to.deep.equal({ id: 'b2', authority: B });
    // a2 in domain A: another patient of A, even with identical demographics.
    const same = await xref.feed(p('a2', A, 'Johnson', 'Margaret', '19650412', 'F'));
    expect(same.decision).to.equal('review');
    expect(await xref.personOf({ id: 'a2', authority: A })).to.not.equal(await xref.personOf({ id: 'a1', authority: A }));
  });

  it('a revise updates demographics but keeps the links', async () => {
    await xref.feed(p('a1', A, 'Dean', 'James', '19570323', 'M', [{ id: 'b1', authority: B }]));
    const o = await xref.feed(p('a1', A, 'Deane', 'Jim', '19570324', 'M'));
    expect(o.decision).to.equal('existing');
    expect((await xref.store.getRecord({ id: 'a1', authority: A }))!.patient!.names[0]!.family).to.deep.equal(['Deane']);
    expect(await ids({ id: 'a1', authority: A })).to.include(`b1^^^&${B}&ISO`);
  });

  it('rejects an identifier of an unknown domain when domains are configured', async () => {
    const strict = new CrossReference(xref.store, { domains: { enterprise: { oid: ENT, name: 'e' }, domains: [{ oid: A, name: 'a' }], acceptAny: false }, newId: () => 'x', now: () => new Date() });
    await strict.feed(p('a9', A, 'X', 'Y'));
    try {
      await strict.feed(p('b9', B, 'X', 'Y'));
      expect.fail('accepted');
    } catch (e) {
      expect(e).to.be.instanceOf(IdentityError);
      expect((e as IdentityError).kind).to.equal('unknown-domain');
    }
  });

  it('merge: the obsolete id and its cross-references join the survivor; unmerge restores both persons', async () => {
    await xref.feed(p('a1', A, 'Old', 'Record', '19000101', 'M', [{ id: 'b1', authority: B }]));
    await xref.feed(p('a2', A, 'Survivor', 'Record', '19500101', 'F'));
    const before = await ids({ id: 'a2', authority: A });
    await xref.merge(p('a2', A, 'Survivor', 'Record', '19500101', 'F'), { id: 'a1', authority: A });
    const merged = await ids({ id: 'a2', authority: A });
    expect(merged).to.include(`b1^^^&${B}&ISO`);
    expect(merged).to.not.include(`a1^^^&${A}&ISO`); // merged-away ids are not answered
    expect(await xref.personOf({ id: 'a1', authority: A })).to.equal(await xref.personOf({ id: 'a2', authority: A }));
    expect(await xref.store.mergedInto({ id: 'a1', authority: A })).to.deep.equal({ id: 'a2', authority: A });
    // Repeating the merge message is idempotent; merging into a third id is refused.
    await xref.merge(p('a2', A, 'Survivor', 'Record', '19500101', 'F'), { id: 'a1', authority: A });
    await xref.feed(p('a3', A, 'Third', 'Record'));
    await expectRejects(xref.merge(p('a3', A, 'Third', 'Record'), { id: 'a1', authority: A }), 'conflict');
    await expectRejects(xref.merge(p('a3', A, 'Third', 'Record'), { id: 'zz', authority: A }), 'unknown-id');
    await expectRejects(xref.merge(p('a3', A, 'Third', 'Record'), { id: 'b1', authority: B }), 'conflict'); // across domains

    const row = await xref.unmerge({ id: 'a1', authority: A });
    expect(row?.into).to.deep.equal({ id: 'a2', authority: A });
    expect(await ids({ id: 'a2', authority: A })).to.deep.equal(before);
    expect(await ids({ id: 'a1', authority: A })).to.include(`b1^^^&${B}&ISO`);
    expect(await xref.unmerge({ id: 'a1', authority: A })).to.equal(undefined);
  });

  it('group commit: the next feed decides on the previous one before its fsync; answers and notices wait for it', async () => {
    const db = openDb(join(mkdtempSync(join(tmpdir(), 'tessera-xgc-')), 'tessera.db'));
    const held: (() => void)[] = [];
    const store = new SqliteIdentityStore(db, { fsyncFile: () => new Promise<void>((resolve) => held.push(resolve)) });
    const slow = new CrossReference(store, { domains: DEFAULT_IDENTITY_DOMAINS, newId: () => `G${++n}`, now: () => new Date('2026-01-01T00:00:00Z') });
    const told: string[] = [];
    slow.onPersonChanged((id) => told.push(id));
    try {
      const answered: string[] = [];
      const first = slow.feed(p('a1', A, 'Dean', 'James', '19570323', 'M')).then((o) => (answered.push('a1'), o));
      const second = slow.feed(p('b1', B, 'DEAN', 'james', '19570323', 'M')).then((o) => (answered.push('b1'), o));
      // Both feeds decided and wrote while the first fsync is still running: nothing answered or announced yet.
      while (!(await store.getRecord({ id: 'b1', authority: B }))) await new Promise((r) => setImmediate(r));
      expect(answered).to.deep.equal([]);
      expect(told).to.deep.equal([]);
      while (held.length > 0 || answered.length < 2) {
        held.splice(0).forEach((r) => r());
        await new Promise((r) => setImmediate(r));
      }
      const [a, b] = await Promise.all([first, second]);
      expect(b.decision).to.equal('deterministic');
      expect(b.personId).to.equal(a.personId);
      expect(told).to.deep.equal([a.personId, a.personId]);
    } finally {
      db.close();
    }
  });
});

async function expectRejects(p: Promise<unknown>, kind: string) {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(IdentityError);
    expect((e as IdentityError).kind).to.equal(kind);
    return;
  }
  expect.fail('did not reject');
}
