/**
 * The review queue on the real SQLite stores (identity, registry PatientIndex, audit): list, link, unlink,
 * distinct and unmerge, their guards, the person-change notifications, the registry mirror and the audit rows.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CrossReference } from '../../src/patient-identity/cross-reference';
import { DEFAULT_IDENTITY_DOMAINS, NIST_AFFINITY_DOMAIN_OID } from '../../src/patient-identity/domains';
import { IdentityError } from '../../src/patient-identity/identity-error';
import { keyToCx, type Patient, type PatientKey } from '../../src/patient-identity/model';
import { ReviewQueue } from '../../src/patient-identity/review-queue';
import type { AuditRecord } from '../../src/security/ports';
import { openSqliteStores, type SqliteStores } from '../../src/storage/sqlite/open-sqlite';

const A = '1.2.840.1.1';
const B = '1.2.840.1.2';
const C = '1.2.840.1.3';
const ENT = NIST_AFFINITY_DOMAIN_OID;
const ctx = { operator: 'alice', sourceNode: '127.0.0.1' };
const k = (id: string, authority: string): PatientKey => ({ id, authority });

const p = (id: string, authority: string, family: string, given: string, birthTime: string, otherIds: PatientKey[] = []): Patient => ({
  ids: [{ id, authority }],
  otherIds,
  names: [{ family: [family], given: [given] }],
  birthTime,
  gender: 'F',
  addresses: [{ streetAddressLine: ['12 Elm Street'], city: 'Springfield' }],
  telecoms: [],
});

async function rejects(promise: Promise<unknown>, kind: string, text: RegExp): Promise<void> {
  try {
    await promise;
  } catch (e) {
    expect(e).to.be.instanceOf(IdentityError);
    expect((e as IdentityError).kind).to.equal(kind);
    expect((e as Error).message).to.match(text);
    return;
  }
  expect.fail('did not reject');
}

describe('review queue (cross-reference decisions)', () => {
  let dir: string;
  let stores: SqliteStores;
  let xref: CrossReference;
  let queue: ReviewQueue;
  let changed: string[];
  let n = 0;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-review-'));
    stores = await openSqliteStores(dir);
    xref = new CrossReference(stores.identity!, { domains: DEFAULT_IDENTITY_DOMAINS, newId: () => `E${++n}`, now: () => new Date('2026-01-01T00:00:00Z') });
    queue = new ReviewQueue({ xref, patients: stores.patients, audit: stores.audit });
    changed = [];
    n = 0;
    xref.onPersonChanged((id) => changed.push(id));
  });
  afterEach(async () => {
    await stores.close();
    await rm(dir, { recursive: true, force: true });
  });

  const ids = async (key: PatientKey) => (await xref.identifiers((await xref.personOf(key))!)).map(keyToCx).sort();
  const audits = async (): Promise<AuditRecord[]> => (await stores.audit.recent(50)).filter((r) => r.eventTypeCode?.startsWith('identity-')).reverse();
  const objects = (r: AuditRecord, type: string) => r.objects.filter((o) => o.type === type).map((o) => o.id);

  /** a1 (domain A) and an ambiguous b2 (domain B): the feed queues one review item. */
  async function ambiguousPair(): Promise<number> {
    await xref.feed(p('a1', A, 'Johnson', 'Margaret', '19650412'));
    expect((await xref.feed(p('b2', B, 'Johnson', 'Margaret', '19650430'))).decision).to.equal('review');
    const items = await queue.list(10);
    expect(items).to.have.length(1);
    changed.length = 0;
    return items[0]!.seq;
  }

  it('lists open items with both sides: ids, persons, their identifiers and demographics', async () => {
    const seq = await ambiguousPair();
    const [item] = await queue.list(10);
    expect(item!.seq).to.equal(seq);
    expect(item!.score).to.be.at.least(10);
    expect(item!.record.key).to.deep.equal(k('b2', B));
    expect(item!.candidate.key).to.deep.equal(k('a1', A));
    expect(item!.candidate.personId).to.equal(`E1^^^&${ENT}&ISO`);
    expect(item!.candidate.identifiers.map(keyToCx).sort()).to.deep.equal([`E1^^^&${ENT}&ISO`, `a1^^^&${A}&ISO`]);
    expect(item!.record.patient!.birthTime).to.equal('19650430');
    expect(await queue.list(10, seq)).to.deep.equal([]); // paging: nothing after the last item
  });

  it('link: the record joins the candidate person, its old person keeps its minted id; resolved once; audited', async () => {
    const seq = await ambiguousPair();
    const out = await queue.link(seq, ctx);
    expect(out).to.include({ seq, changed: true, previousPersonId: `E2^^^&${ENT}&ISO`, personId: `E1^^^&${ENT}&ISO` });
    expect(await ids(k('a1', A))).to.deep.equal([`E1^^^&${ENT}&ISO`, `a1^^^&${A}&ISO`, `b2^^^&${B}&ISO`]);
    expect(await ids(k('E2', ENT))).to.deep.equal([`E2^^^&${ENT}&ISO`]); // kept, harmless
    expect(changed.sort()).to.deep.equal([`E1^^^&${ENT}&ISO`, `E2^^^&${ENT}&ISO`]);
    expect(await queue.list(10)).to.deep.equal([]);
    expect((await stores.identity!.review(seq))!.resolution).to.include({ decision: 'link', operator: 'alice' });
    await rejects(queue.link(seq, ctx), 'conflict', /already resolved \(link by alice/);
    await rejects(queue.link(999, ctx), 'unknown-id', /no review item 999/);
    const [ok, refused, unknown] = await audits();
    expect(ok).to.include({ eventId: '110110', eventTypeCode: 'identity-link', action: 'U', outcome: 0, sourceNode: '127.0.0.1' });
    expect(objects(ok!, 'patient')).to.deep.equal([`b2^^^&${B}&ISO`, `a1^^^&${A}&ISO`]);
    expect(objects(ok!, 'operator')).to.deep.equal(['alice']);
    expect(objects(ok!, 'review')).to.deep.equal([String(seq)]);
    expect(objects(ok!, 'person')).to.deep.equal([`E2^^^&${ENT}&ISO`, `E1^^^&${ENT}&ISO`]);
    expect(refused).to.include({ outcome: 4, eventTypeCode: 'identity-link' });
    expect(unknown).to.include({ outcome: 4 });
    // Identifiers only: no demographics anywhere in the audit records.
    expect(JSON.stringify(await stores.audit.recent(50))).to.not.match(/Johnson|Margaret|Elm/);
  });

  it('link refuses a second id of the same domain in one person (ITI TF-1 §5.1)', async () => {
    await xref.feed(p('a1', A, 'Johnson', 'Margaret', '19650412'));
    expect((await xref.feed(p('b1', B, 'Johnson', 'Margaret', '19650412'))).decision).to.equal('deterministic');
    // a2: another patient of domain A; its best candidate b1 is in a person that has a1 already.
    expect((await xref.feed(p('a2', A, 'Johnson', 'Margaret', '19650412'))).decision).to.equal('review');
    changed.length = 0;
    const [item] = await queue.list(10);
    expect(item!.candidate.key).to.deep.equal(k('b1', B));
    await rejects(queue.link(item!.seq, ctx), 'conflict', /already has an identifier in this domain \(a1\^\^\^&1\.2\.840\.1\.1&ISO\)/);
    expect(await queue.list(10)).to.have.length(1); // still open
    expect(changed).to.deep.equal([]);
  });

  it('guards: link to itself, enterprise ids, merged-away ids and merge survivors do not move', async () => {
    await xref.feed(p('a1', A, 'Old', 'Record', '19000101'));
    await xref.feed(p('a2', A, 'Survivor', 'Record', '19500101'));
    await xref.feed(p('TS1', ENT, 'Ent', 'Person', '19800101'));
    const time = '2026-01-01T00:00:00Z';
    await xref.store.commit({ reviews: [{ key: k('b9', B), candidate: k('b9', B), score: 12, time }, { key: k('TS1', ENT), candidate: k('a1', A), score: -1, time }] });
    const [self, ent] = await queue.list(10);
    await rejects(queue.link(self!.seq, ctx), 'conflict', /cannot be linked to itself/);
    await rejects(queue.link(ent!.seq, ctx), 'conflict', /enterprise identifier names its person/);
    await xref.merge(p('a2', A, 'Survivor', 'Record', '19500101'), k('a1', A));
    await rejects(queue.unlink(k('a1', A), ctx), 'conflict', /merged into a2\^\^\^&1\.2\.840\.1\.1&ISO; unmerge it first/);
    await rejects(queue.unlink(k('a2', A), ctx), 'conflict', /a1\^\^\^&1\.2\.840\.1\.1&ISO is merged into this identifier/);
    await rejects(queue.unlink(k('zz', A), ctx), 'unknown-id', /unknown identifier/);
  });

  it('unlink: the id leaves for a new person with a minted id, registered in the registry; audited as D', async () => {
    await xref.feed(p('a1', A, 'Dean', 'James', '19570323', [k('b1', B)]));
    changed.length = 0;
    const out = await queue.unlink(k('b1', B), ctx);
    expect(out).to.deep.equal({ record: k('b1', B), previousPersonId: `E1^^^&${ENT}&ISO`, personId: `E2^^^&${ENT}&ISO`, minted: k('E2', ENT) });
    expect(await ids(k('a1', A))).to.deep.equal([`E1^^^&${ENT}&ISO`, `a1^^^&${A}&ISO`]);
    expect(await ids(k('b1', B))).to.deep.equal([`E2^^^&${ENT}&ISO`, `b1^^^&${B}&ISO`]);
    expect(await stores.patients.status(k('E2', ENT))).to.deep.equal({ state: 'active' });
    expect(changed.sort()).to.deep.equal([`E1^^^&${ENT}&ISO`, `E2^^^&${ENT}&ISO`]);
    await rejects(queue.unlink(k('b1', B), ctx), 'conflict', /not linked to any other identifier/);
    const [ok] = await audits();
    expect(ok).to.include({ eventTypeCode: 'identity-unlink', action: 'D', outcome: 0 });
  });

  it('distinct: resolves the item and a later revise naming the pair does not queue it again', async () => {
    await xref.feed(p('a1', A, 'Johnson', 'Margaret', '19650412'));
    await xref.feed(p('c1', C, 'Other', 'Person', '19990101'));
    changed.length = 0;
    // A revise of c1 naming a1 (another person) as asOtherIDs: an identifier conflict for review (score -1).
    await xref.feed(p('c1', C, 'Other', 'Person', '19990101', [k('a1', A)]));
    await xref.feed(p('c1', C, 'Other', 'Person', '19990101', [k('a1', A)])); // repeated: not queued twice
    const items = await queue.list(10);
    expect(items.map((i) => [keyToCx(i.record.key), keyToCx(i.candidate.key), i.score])).to.deep.equal([[`c1^^^&${C}&ISO`, `a1^^^&${A}&ISO`, -1]]);
    expect(await queue.distinct(items[0]!.seq, ctx)).to.deep.equal({ seq: items[0]!.seq, record: k('c1', C), candidate: k('a1', A) });
    expect(await stores.identity!.isDistinct(k('a1', A), k('c1', C))).to.equal(true);
    await xref.feed(p('c1', C, 'Other', 'Person', '19990101', [k('a1', A)]));
    expect(await queue.list(10)).to.deep.equal([]);
    await rejects(queue.distinct(items[0]!.seq, ctx), 'conflict', /already resolved \(distinct by alice/);
    expect(changed).to.deep.equal([]); // no identifiers changed, by the revises or the decision
    expect((await audits())[0]).to.include({ eventTypeCode: 'identity-distinct', action: 'U', outcome: 0 });
  });

  it('distinct refuses a pair that is one person now', async () => {
    const seq = await ambiguousPair();
    await xref.store.commit({ reviews: [{ key: k('b2', B), candidate: k('a1', A), score: 11, time: '2026-01-02T00:00:00Z' }] });
    await queue.link(seq, ctx);
    const [again] = await queue.list(10);
    await rejects(queue.distinct(again!.seq, ctx), 'conflict', /one person now; unlink one of them first/);
    // Linking the already-linked pair just resolves the item.
    expect(await queue.link(again!.seq, ctx)).to.include({ changed: false });
  });

  it('unmerge through unmerge.ts: the cross-reference and the registry index both restore the obsolete id', async () => {
    await xref.feed(p('a1', A, 'Old', 'Record', '19000101', [k('b1', B)]));
    await xref.feed(p('a2', A, 'Survivor', 'Record', '19500101'));
    for (const key of [k('a1', A), k('a2', A)]) await stores.patients.add(key);
    await xref.merge(p('a2', A, 'Survivor', 'Record', '19500101'), k('a1', A));
    await stores.patients.merge(k('a1', A), k('a2', A));
    changed.length = 0;
    const out = await queue.unmerge(k('a1', A), ctx);
    expect(out).to.deep.equal({ obsolete: k('a1', A), survivor: k('a2', A), personId: `E1^^^&${ENT}&ISO` });
    expect(await stores.patients.status(k('a1', A))).to.deep.equal({ state: 'active' });
    expect(await ids(k('a1', A))).to.include(`b1^^^&${B}&ISO`);
    expect(changed.sort()).to.deep.equal([`E1^^^&${ENT}&ISO`, `E2^^^&${ENT}&ISO`]);
    await rejects(queue.unmerge(k('a1', A), ctx), 'conflict', /not merged/);
    await rejects(queue.unmerge(k('nope', A), ctx), 'unknown-id', /unknown identifier/);
    expect((await audits()).map((r) => [r.eventTypeCode, r.action, r.outcome])).to.deep.equal([
      ['identity-unmerge', 'U', 0],
      ['identity-unmerge', 'U', 4],
      ['identity-unmerge', 'U', 4],
    ]);
  });
});
