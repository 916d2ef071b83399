/**
 * ITI-44 / ITI-45 / ITI-47 handlers called directly with SoapRequests built by parseXml, on real SQLite
 * stores: feed → query flows, error acknowledgements, registry PatientIndex kept in sync (merge → the old id
 * is "merged"), unmerge, PDQ continuation and cancel, audit records. Every reply is schema-validated.
 */
import { expect } from 'chai';
import { SoapAction } from '../../src/ebxml/vocabulary';
import { NIST_AFFINITY_DOMAIN_OID } from '../../src/patient-identity/domains';
import { keyToCx } from '../../src/patient-identity/model';
import { unmergePatient } from '../../src/patient-identity/unmerge';
import { iti44AddMessage, newPatientId } from '../../src/conformance/patient-feed';
import { parseCx } from '../../src/metadata/hl7-types';
import { validateHl7v3Many, type Hl7v3Interaction } from '../hl7v3/hl7v3-schema';
import { continuationMessage, feedMessage, pdqQueryMessage, pixQueryMessage, type PersonSpec } from '../hl7v3/messages';
import { parseReply } from '../hl7v3/responses';
import { openIdentityEnv, type IdentityEnv } from './support';

const A = '1.2.840.1.1';
const B = '1.2.840.1.2';
const ENT = NIST_AFFINITY_DOMAIN_OID;
const cx = (id: string, authority: string) => `${id}^^^&${authority}&ISO`;

describe('PIX/PDQ handlers', () => {
  let env: IdentityEnv;
  const sent = new Map<Hl7v3Interaction, string[]>();
  const keep = (xml: string) => {
    const i = parseReply(xml).interaction as Hl7v3Interaction;
    sent.set(i, [...(sent.get(i) ?? []), xml]);
    return parseReply(xml);
  };
  const feed = async (kind: 'PRPA_IN201301UV02' | 'PRPA_IN201302UV02' | 'PRPA_IN201304UV02', p: PersonSpec, obsolete?: { id: string; authority: string }) =>
    keep(await env.call(env.pix.iti44, feedMessage(kind, p, obsolete)));
  const pix = async (id: string, authority: string, ds: string[] = []) => keep(await env.call(env.pix.iti45, pixQueryMessage({ id, authority }, ds)));
  const pdq = async (s: Parameters<typeof pdqQueryMessage>[0]) => keep(await env.call(env.pix.iti47, pdqQueryMessage(s)));
  const pixIds = (r: ReturnType<typeof parseReply>) => r.patients.flatMap((p) => p.ids.map((k) => keyToCx(k))).sort();

  beforeEach(async () => {
    env = await openIdentityEnv({ newId: (() => { let n = 0; return () => `EID${++n}`; })() });
  });
  afterEach(async () => env.close());

  after(async function () {
    this.timeout(60_000);
    for (const [interaction, xmls] of sent) {
      const problems = await validateHl7v3Many(xmls, interaction);
      expect(problems, interaction).to.deep.equal(xmls.map(() => []));
    }
  });

  it('ITI-44 add → AA; the ids reach the registry PatientIndex; ITI-45 returns the cross-references', async () => {
    const ack = await feed('PRPA_IN201301UV02', { id: 'a1', authority: A, family: 'Dean', given: 'James', birth: '19570323', gender: 'M', otherIds: [{ id: 'b1', authority: B }] });
    expect(ack.interaction).to.equal('MCCI_IN000002UV01');
    expect(ack.ack).to.equal('AA');
    expect(await env.stores.patients.status({ id: 'a1', authority: A })).to.deep.equal({ state: 'active' });
    expect(await env.stores.patients.status({ id: 'b1', authority: B })).to.deep.equal({ state: 'active' });
    expect(await env.stores.patients.status({ id: 'EID1', authority: ENT })).to.deep.equal({ state: 'active' });

    const r = await pix('a1', A);
    expect(r.interaction).to.equal('PRPA_IN201310UV02');
    expect([r.ack, r.responseCode]).to.deep.equal(['AA', 'OK']);
    expect(pixIds(r)).to.deep.equal([cx('EID1', ENT), cx('b1', B)].sort()); // never the queried id
    const only = await pix('a1', A, [ENT]);
    expect(pixIds(only)).to.deep.equal([cx('EID1', ENT)]);
  });

  it('accepts the conformance runner’s ITI-44 feed (enterprise-domain ids stay distinct persons)', async () => {
    const ids = [newPatientId(), newPatientId()];
    for (const id of ids) expect(parseReply(await env.call(env.pix.iti44, iti44AddMessage(id))).ack).to.equal('AA');
    for (const id of ids) expect(await env.stores.patients.status(parseCx(id)!)).to.deep.equal({ state: 'active' });
    const r = await pix(parseCx(ids[0]!)!.id, ENT);
    expect([r.ack, r.responseCode]).to.deep.equal(['AA', 'NF']); // no other ids: the two runner patients were not linked
  });

  it('ITI-45: a known patient with nothing in the requested domain → NF; unknown id / domains → AE 204 at the location', async () => {
    await feed('PRPA_IN201301UV02', { id: 'a1', authority: A, family: 'Solo', given: 'Han' });
    const nf = await pix('a1', A, [B]);
    expect([nf.ack, nf.responseCode, nf.patients.length]).to.deep.equal(['AA', 'NF', 0]);
    const unknown = await pix('nobody', A);
    expect([unknown.ack, unknown.responseCode]).to.deep.equal(['AE', 'AE']);
    expect(unknown.details[0]).to.include({ code: '204' });
    expect(unknown.details[0]!.location).to.match(/patientIdentifier\/hl7:value$/);
    const badDomain = await pix('a1', A, ['not-an-oid']);
    expect([badDomain.ack, badDomain.responseCode]).to.deep.equal(['AE', 'AE']);
    expect(badDomain.details[0]!.location).to.match(/dataSource\[1\]\/hl7:value$/);
    expect(badDomain.details[0]!.text).to.contain('not-an-oid');
  });

  it('ITI-44 errors: missing id → AE 101; unknown domain → AE 204; not a feed → AR; nothing registered', async () => {
    const noId = feedMessage('PRPA_IN201301UV02', { id: 'x', authority: A, family: 'F' }).replace(' extension="x"', '');
    const r1 = keep(await env.call(env.pix.iti44, noId));
    expect([r1.ack, r1.details[0]!.code]).to.deep.equal(['AE', '101']);
    const r2 = await feed('PRPA_IN201301UV02', { id: 'x', authority: 'bogus', family: 'F' });
    expect([r2.ack, r2.details[0]!.code]).to.deep.equal(['AE', '204']);
    expect(r2.details[0]!.location).to.match(/hl7:patient\/hl7:id$/);
    const r3 = keep(await env.call(env.pix.iti44, pixQueryMessage({ id: 'x', authority: A })));
    expect(r3.ack).to.equal('AR');
    expect(await env.stores.patients.status({ id: 'x', authority: A })).to.deep.equal({ state: 'unknown' });
  });

  it('merge: ITI-45 on the obsolete id resolves the survivor, the registry says "merged"; unmerge restores', async () => {
    await feed('PRPA_IN201301UV02', { id: 'old', authority: A, family: 'Obsolete', given: 'Ann', birth: '19000101', gender: 'F', otherIds: [{ id: 'b7', authority: B }] });
    await feed('PRPA_IN201301UV02', { id: 'new', authority: A, family: 'Survivor', given: 'Bea', birth: '19800101', gender: 'F' });
    const ack = await feed('PRPA_IN201304UV02', { id: 'new', authority: A, family: 'Survivor', given: 'Bea', birth: '19800101', gender: 'F' }, { id: 'old', authority: A });
    expect(ack.ack).to.equal('AA');
    expect(await env.stores.patients.status({ id: 'old', authority: A })).to.deep.equal({ state: 'merged', survivor: { id: 'new', authority: A } });
    const viaOld = await pix('old', A);
    expect(pixIds(viaOld)).to.include(cx('new', A)).and.to.include(cx('b7', B));
    const viaNew = await pix('new', A);
    expect(pixIds(viaNew)).to.include(cx('b7', B)).and.not.include(cx('old', A));

    const unknownOld = await feed('PRPA_IN201304UV02', { id: 'new', authority: A, family: 'S' }, { id: 'ghost', authority: A });
    expect([unknownOld.ack, unknownOld.details[0]!.code]).to.deep.equal(['AE', '204']);
    expect(unknownOld.details[0]!.location).to.match(/priorRegisteredRole\/hl7:id$/);

    const undone = await unmergePatient(env.pix.crossReference, env.stores.patients, { id: 'old', authority: A });
    expect(undone?.into).to.deep.equal({ id: 'new', authority: A });
    expect(pixIds(await pix('new', A))).to.not.include(cx('b7', B));
    expect(pixIds(await pix('old', A))).to.include(cx('b7', B)).and.not.include(cx('new', A));
  });

  it('audits 110110 for feeds and 110112 for queries, with identifiers only', async () => {
    await feed('PRPA_IN201301UV02', { id: 'a1', authority: A, family: 'Secretname', given: 'Hidden', birth: '19570323' });
    await pix('a1', A);
    const records = await env.stores.audit.recent(10);
    const feedAudit = records.find((r) => r.eventId === '110110')!;
    expect(feedAudit).to.deep.include({ eventTypeCode: 'ITI-44', action: 'C', outcome: 0, sourceNode: 'CN=pix-source' });
    expect(feedAudit.objects).to.deep.equal([{ type: 'patient', id: cx('a1', A) }]);
    expect(records.find((r) => r.eventId === '110112')).to.deep.include({ eventTypeCode: 'ITI-45', outcome: 0 });
    expect(JSON.stringify(records)).to.not.contain('Secretname').and.not.contain('19570323');
  });

  describe('ITI-47', () => {
    beforeEach(async () => {
      await feed('PRPA_IN201301UV02', { id: 'j1', authority: A, family: 'Jones', given: 'James', birth: '19630804', gender: 'M', city: 'Some City', street: '3443 North Arctic Avenue', mothersMaidenName: 'Miller', otherIds: [{ id: 'bj1', authority: B }] });
      await feed('PRPA_IN201301UV02', { id: 'j2', authority: A, family: 'Jones', given: 'Jim', birth: '19630713', gender: 'M', city: 'Other City' });
      await feed('PRPA_IN201301UV02', { id: 'j3', authority: A, family: 'Jones', given: 'Janet', birth: '19700101', gender: 'F', city: 'Some City' });
      await feed('PRPA_IN201301UV02', { id: 's1', authority: A, family: 'Smith', given: 'Anna', birth: '19630804', gender: 'F' });
    });

    const ids = (r: ReturnType<typeof parseReply>) => r.patients.map((p) => p.ids[0]!.id);

    it('exact name, gender, birth date, address, mother’s maiden name, identifier', async () => {
      expect(ids(await pdq({ family: 'jones' })).sort()).to.deep.equal(['j1', 'j2', 'j3']);
      expect(ids(await pdq({ family: 'Jones', gender: 'M' })).sort()).to.deep.equal(['j1', 'j2']);
      expect(ids(await pdq({ family: 'Jones', birth: '19630804' }))).to.deep.equal(['j1']);
      expect(ids(await pdq({ family: 'Jones', given: 'Ja' })).sort()).to.deep.equal(['j1', 'j3']); // prefix
      expect(ids(await pdq({ family: 'Jones', city: 'some city' })).sort()).to.deep.equal(['j1', 'j3']);
      expect(ids(await pdq({ mothersMaidenName: 'Miller' }))).to.deep.equal(['j1']);
      expect(ids(await pdq({ birth: '19630804' })).sort()).to.deep.equal(['j1', 's1']);
      const byId = await pdq({ id: { id: 'bj1', authority: B } });
      expect(ids(byId)).to.deep.equal(['j1']);
      const r = await pdq({ family: 'Jones', given: 'James' });
      expect([r.ack, r.responseCode]).to.deep.equal(['AA', 'OK']);
      expect(r.patients[0]!.confidence).to.equal(100);
      expect(r.patients[0]!.patient.otherIds.map((k) => k.authority).sort()).to.deep.equal([ENT, B].sort());
      expect(r.patients[0]!.patient.mothersMaidenName?.family).to.deep.equal(['Miller']);
    });

    it('fuzzy names only with use="SRCH"; no match → NF', async () => {
      const exact = await pdq({ family: 'Jnoes' });
      expect([exact.ack, exact.responseCode, exact.patients.length]).to.deep.equal(['AA', 'NF', 0]);
      const fuzzy = await pdq({ family: 'Jnoes', given: 'Jamse', fuzzy: true });
      expect(ids(fuzzy)[0]).to.equal('j1');
      expect(fuzzy.patients[0]!.confidence).to.be.within(85, 99);
    });

    it('otherIDsScopingOrganization returns ids of those domains; unknown domain → AE 204 per domain', async () => {
      const r = await pdq({ family: 'Jones', given: 'James', scoping: [B] });
      expect(r.patients.map((p) => p.ids.map(keyToCx))).to.deep.equal([[cx('bj1', B)]]);
      const none = await pdq({ family: 'Jones', given: 'Jim', scoping: [B] });
      expect(none.responseCode).to.equal('NF');
      const bad = await pdq({ family: 'Jones', scoping: [B, 'x', 'y'] });
      expect([bad.ack, bad.responseCode, bad.patients.length]).to.deep.equal(['AE', 'AE', 0]);
      expect(bad.details.map((d) => d.location?.match(/\[(\d)\]/)?.[1])).to.deep.equal(['2', '3']);
    });

    it('a query with nothing to match on → AE/QE; the page size caps a response without initialQuantity', async () => {
      const empty = await pdq({ scoping: [B] });
      expect([empty.ack, empty.responseCode, empty.details[0]!.code]).to.deep.equal(['AE', 'QE', '101']);
      const small = await openIdentityEnv({ pageSize: 2 });
      try {
        for (const id of ['x1', 'x2', 'x3']) await small.call(small.pix.iti44, feedMessage('PRPA_IN201301UV02', { id, authority: A, family: 'Many', given: id }));
        const r = keep(await small.call(small.pix.iti47, pdqQueryMessage({ family: 'Many', queryId: 'QS' })));
        expect(r.quantities).to.deep.equal({ total: 3, current: 2, remaining: 1 });
        const rest = keep(await small.call(small.pix.iti47Continue, continuationMessage('QS', false, 50)));
        expect(rest.quantities).to.deep.equal({ total: 3, current: 1, remaining: 0 });
      } finally {
        await small.close();
      }
    });

    it('initialQuantity pages; continuation returns the rest; cancel drops the set', async () => {
      const first = await pdq({ family: 'Jones', initialQuantity: 2, queryId: 'Q1' });
      expect(first.quantities).to.deep.equal({ total: 3, current: 2, remaining: 1 });
      const more = keep(await env.call(env.pix.iti47Continue, continuationMessage('Q1', false, 5), SoapAction.iti47Continue));
      expect(more.interaction).to.equal('PRPA_IN201306UV02');
      expect(more.quantities).to.deep.equal({ total: 3, current: 1, remaining: 0 });
      expect(new Set([...ids(first), ...ids(more)]).size).to.equal(3);
      const after = keep(await env.call(env.pix.iti47Continue, continuationMessage('Q1', false, 5)));
      expect([after.ack, after.responseCode]).to.deep.equal(['AE', 'AE']);

      await pdq({ family: 'Jones', initialQuantity: 1, queryId: 'Q2' });
      const cancel = keep(await env.call(env.pix.iti47Cancel, continuationMessage('Q2', true)));
      expect([cancel.interaction, cancel.ack]).to.deep.equal(['MCCI_IN000002UV01', 'AA']);
      const gone = keep(await env.call(env.pix.iti47Continue, continuationMessage('Q2', false, 1)));
      expect(gone.ack).to.equal('AE');
    });
  });
});
