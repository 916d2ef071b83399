/**
 * ITI-8 / ITI-9 / ITI-21 / QCN through the v2 service on real SQLite stores: the replies are asserted
 * field by field, and the effects are checked in the shared cross-reference and the registry PatientIndex.
 */
import { expect } from 'chai';
import { parseEr7, type V2Message } from '../../src/hl7v2/er7';
import { feedMessage, pixQueryMessage } from '../hl7v3/messages';
import { A, B, fixture, header, msg, openV2Env, type V2Env } from './support';

const err = (m: V2Message) => m.segment('ERR');

describe('hl7v2 PIX/PDQ service', () => {
  let t: V2Env;
  beforeEach(async () => {
    t = await openV2Env();
  });
  afterEach(() => t.close());

  describe('ITI-8 patient identity feed', () => {
    it('A01 (v2.3.1) is acknowledged AA and the patient is active in the registry index', async () => {
      const ack = await t.send(fixture('adt-a01.hl7'));
      const msh = ack.segment('MSH')!;
      expect(msh.get(9, 1)).to.equal('ACK');
      expect(msh.get(9, 2)).to.equal('A01');
      expect(msh.get(12)).to.equal('2.3.1');
      expect(msh.get(3)).to.equal('TESSERA');
      expect(msh.get(5)).to.equal('EHR_A');
      expect(msh.get(6)).to.equal('HOSP_A');
      expect(msh.get(18)).to.equal('UNICODE UTF-8');
      expect(ack.segment('MSA')!.get(1)).to.equal('AA');
      expect(ack.segment('MSA')!.get(2)).to.equal('A01-0001');
      expect(err(ack)).to.equal(undefined);
      expect(await t.env.stores.patients.status({ id: 'PA-1001', authority: A })).to.deep.equal({ state: 'active' });
      const rec = await t.env.identity.getRecord({ id: 'PA-1001', authority: A });
      expect(rec!.patient!.names[0]).to.deep.include({ family: ['O&Brien'], given: ['Mary', 'Ann'] });
      expect(rec!.patient!.birthTime).to.equal('19700412');
      expect(rec!.patient!.gender).to.equal('F');
      expect(rec!.patient!.addresses[0]).to.deep.include({ streetAddressLine: ['12 Main St', 'Apt 3'], city: 'Springfield', postalCode: '62701' });
      expect(rec!.patient!.telecoms[0]).to.deep.equal({ value: 'tel:217-5551234', use: 'H' });
      const audit = (await t.env.stores.audit.recent(10)).find((r) => r.eventTypeCode === 'ITI-8');
      expect(audit).to.deep.include({ eventId: '110110', action: 'C', outcome: 0, messageId: 'A01-0001', sourceNode: 'CN=test-client,O=Tessera Tests' });
      expect(audit!.objects).to.deep.include({ type: 'patient', id: `PA-1001^^^&${A}&ISO` });
    });

    it('a second source with the same demographics is linked to the same person (deterministic)', async () => {
      await t.send(fixture('adt-a01.hl7'));
      const ack = await t.send(fixture('adt-a01-hospital-b.hl7'));
      expect(ack.segment('MSA')!.get(1)).to.equal('AA');
      expect(ack.segment('MSH')!.get(9, 3)).to.equal('ACK');
      const xref = t.env.pix.crossReference;
      expect(await xref.personOf({ id: 'PA-1001', authority: A })).to.equal(await xref.personOf({ id: 'PB-77', authority: B }));
    });

    it('A08 updates the demographics of a known identifier', async () => {
      await t.send(fixture('adt-a01.hl7'));
      const ack = await t.send(msg(header('ADT^A08^ADT_A01', 'A08-1'), 'EVN||20261124', `PID|||PA-1001^^^&${A}&ISO||OBrien^Maria||19700412|F`));
      expect(ack.segment('MSA')!.get(1)).to.equal('AA');
      const rec = await t.env.identity.getRecord({ id: 'PA-1001', authority: A });
      expect(rec!.patient!.names[0]!.given).to.deep.equal(['Maria']);
    });

    it('A40 merges: the obsolete identifier becomes merged in the registry index', async () => {
      await t.send(fixture('adt-a01.hl7'));
      await t.send(msg(header('ADT^A01^ADT_A01', 'A01-2', '2.3.1'), 'EVN|A01', `PID|||PA-1002^^^HOSP_A&${A}&ISO||Dup^Mary||19700412|F`));
      const ack = await t.send(fixture('adt-a40.hl7'));
      expect(ack.segment('MSA')!.get(1)).to.equal('AA');
      expect(ack.segment('MSH')!.get(9, 2)).to.equal('A40');
      expect(await t.env.stores.patients.status({ id: 'PA-1002', authority: A })).to.deep.equal({ state: 'merged', survivor: { id: 'PA-1001', authority: A } });
      expect(await t.env.stores.patients.status({ id: 'PA-1001', authority: A })).to.deep.equal({ state: 'active' });
    });

    it('A40 with an unknown prior identifier → AE 204 at MRG-1', async () => {
      await t.send(fixture('adt-a01.hl7'));
      const ack = await t.send(fixture('adt-a40.hl7'));
      expect(ack.segment('MSA')!.get(1)).to.equal('AE');
      // v2.3.1: ERR-1 ELD segment^sequence^field^code&text&HL70357
      const e = err(ack)!;
      expect(e.get(1, 1)).to.equal('MRG');
      expect(e.get(1, 3)).to.equal('1');
      expect(e.get(1, 4, 1)).to.equal('204');
      expect(e.get(1, 4, 3)).to.equal('HL70357');
    });

    it('A40 without MRG → AE 100 (segment sequence error)', async () => {
      const ack = await t.send(msg(header('ADT^A40^ADT_A39', 'A40-x'), `PID|||X1^^^&${A}&ISO||Doe^J`));
      expect(ack.segment('MSA')!.get(1)).to.equal('AE');
      expect(err(ack)!.get(3, 1)).to.equal('100');
      expect(err(ack)!.get(2, 1)).to.equal('MRG');
    });

    it('unknown domain (namespace only, no OID) → AE 204 at PID-3 component 4 (v2.5 ERR-2/ERR-3)', async () => {
      const ack = await t.send(msg(header('ADT^A01^ADT_A01', 'A01-u'), `PID|||Z1^^^NOWHERE||Doe^John||1980|M`));
      expect(ack.segment('MSA')!.get(1)).to.equal('AE');
      const e = err(ack)!;
      expect([e.get(2, 1), e.get(2, 2), e.get(2, 3), e.get(2, 4), e.get(2, 5)]).to.deep.equal(['PID', '1', '3', '1', '4']);
      expect([e.get(3, 1), e.get(3, 3)]).to.deep.equal(['204', 'HL70357']);
      expect(e.get(4)).to.equal('E');
    });

    it('missing PID-3 → AE 101; malformed PID-7 → AE 102; no PID → AE 100', async () => {
      const noId = await t.send(msg(header('ADT^A01^ADT_A01', 'c1'), 'PID|||||Doe^John'));
      expect([noId.segment('MSA')!.get(1), err(noId)!.get(3), err(noId)!.get(2, 3)]).to.deep.equal(['AE', '101', '3']);
      const badDate = await t.send(msg(header('ADT^A01^ADT_A01', 'c2'), `PID|||X^^^&${A}&ISO||Doe^John||19AB|M`));
      expect([badDate.segment('MSA')!.get(1), err(badDate)!.get(3), err(badDate)!.get(2, 3)]).to.deep.equal(['AE', '102', '7']);
      const noPid = await t.send(msg(header('ADT^A01^ADT_A01', 'c3'), 'EVN||2026'));
      expect([noPid.segment('MSA')!.get(1), err(noPid)!.get(3)]).to.deep.equal(['AE', '100']);
    });

    it('unsupported type 200, event 201, version 203 → AR with ERR at MSH', async () => {
      const t200 = await t.send(msg(header('ORU^R01^ORU_R01', 'u1'), 'PID|1'));
      expect([t200.segment('MSA')!.get(1), err(t200)!.get(3), err(t200)!.get(2, 1), err(t200)!.get(2, 3)]).to.deep.equal(['AR', '200', 'MSH', '9']);
      const t201 = await t.send(msg(header('ADT^A03^ADT_A03', 'u2'), 'PID|1'));
      expect([t201.segment('MSA')!.get(1), err(t201)!.get(3)]).to.deep.equal(['AR', '201']);
      const t203 = await t.send(msg(header('ADT^A01^ADT_A01', 'u3', '2.2'), 'PID|1'));
      expect([t203.segment('MSA')!.get(1), err(t203)!.get(3), err(t203)!.get(2, 3)]).to.deep.equal(['AR', '203', '12']);
      expect(t203.segment('MSA')!.get(2)).to.equal('u3');
    });
  });

  describe('ITI-9 PIX query', () => {
    beforeEach(async () => {
      await t.send(fixture('adt-a01.hl7'));
      await t.send(fixture('adt-a01-hospital-b.hl7'));
    });

    it('QPD-4 restricts to one domain → RSP^K23 AA/OK with that identifier only', async () => {
      const rsp = await t.send(fixture('qbp-q23.hl7'));
      expect(rsp.segment('MSH')!.get(9)).to.equal('RSP');
      expect(rsp.segment('MSH')!.get(9, 2)).to.equal('K23');
      expect(rsp.segment('MSH')!.get(9, 3)).to.equal('RSP_K23');
      expect(rsp.segment('MSA')!.get(1)).to.equal('AA');
      expect(rsp.segment('MSA')!.get(2)).to.equal('Q23-0001');
      expect(rsp.segment('QAK')!.get(1)).to.equal('QRY-23-1');
      expect(rsp.segment('QAK')!.get(2)).to.equal('OK');
      expect(rsp.segment('QPD')!.get(2)).to.equal('QRY-23-1');
      const ids = rsp.segment('PID')!.reps(3);
      expect(ids).to.have.length(1);
      expect(ids[0]![0]).to.deep.equal(['PB-77']);
      expect(ids[0]![3]).to.deep.equal(['', B, 'ISO']);
      expect(rsp.segment('PID')!.reps(5)[0]![6]).to.deep.equal(['S']);
    });

    it('no QPD-4 → every other identifier, including the enterprise id, never the queried one', async () => {
      const rsp = await t.send(msg(header('QBP^Q23^QBP_Q21', 'q2'), `QPD|IHE PIX Query|T2|PA-1001^^^&${A}&ISO`, 'RCP|I'));
      const auths = rsp.segment('PID')!.reps(3).map((r) => r[3]![1]);
      expect(auths).to.include(B);
      expect(auths).to.not.include(A);
      expect(auths).to.include(t.env.pix.crossReference.domains.enterprise.oid);
    });

    it('known patient without identifiers in the requested domain → AA/NF, no PID', async () => {
      const rsp = await t.send(msg(header('QBP^Q23^QBP_Q21', 'q3'), `QPD|IHE PIX Query|T3|PB-77^^^&${B}&ISO|^^^&${B}&ISO`));
      expect([rsp.segment('MSA')!.get(1), rsp.segment('QAK')!.get(2)]).to.deep.equal(['AA', 'NF']);
      expect(rsp.segment('PID')).to.equal(undefined);
    });

    it('unknown identifier → AE/AE with ERR 204 at QPD-3 component 1', async () => {
      const rsp = await t.send(msg(header('QBP^Q23^QBP_Q21', 'q4'), `QPD|IHE PIX Query|T4|NOPE^^^&${A}&ISO`));
      expect([rsp.segment('MSA')!.get(1), rsp.segment('QAK')!.get(2)]).to.deep.equal(['AE', 'AE']);
      const e = err(rsp)!;
      expect([e.get(2, 1), e.get(2, 3), e.get(2, 5), e.get(3)]).to.deep.equal(['QPD', '3', '1', '204']);
    });

    it('unknown domain in QPD-3 → ERR at component 4; in QPD-4 → ERR at that repetition of QPD-4', async () => {
      const r1 = await t.send(msg(header('QBP^Q23^QBP_Q21', 'q5'), 'QPD|IHE PIX Query|T5|PA-1001^^^FOO'));
      expect([err(r1)!.get(2, 3), err(r1)!.get(2, 5), err(r1)!.get(3)]).to.deep.equal(['3', '4', '204']);
      const r2 = await t.send(msg(header('QBP^Q23^QBP_Q21', 'q6'), `QPD|IHE PIX Query|T6|PA-1001^^^&${A}&ISO|^^^&${B}&ISO~^^^BAR`));
      expect(r2.segment('QAK')!.get(2)).to.equal('AE');
      expect([err(r2)!.get(2, 3), err(r2)!.get(2, 4), err(r2)!.get(3)]).to.deep.equal(['4', '2', '204']);
    });

    it('after an HL7v3-visible merge the merged-away id is unknown to PIX queries', async () => {
      await t.send(msg(header('ADT^A01^ADT_A01', 'm1'), `PID|||PA-1002^^^&${A}&ISO||Dup^Mary||19700412|F`));
      await t.send(fixture('adt-a40.hl7'));
      const rsp = await t.send(msg(header('QBP^Q23^QBP_Q21', 'q7'), `QPD|IHE PIX Query|T7|PB-77^^^&${B}&ISO`));
      const ids = rsp.segment('PID')!.reps(3).map((r) => r[0]![0]);
      expect(ids).to.include('PA-1001');
      expect(ids).to.not.include('PA-1002');
    });
  });

  describe('ITI-21 PDQ query', () => {
    beforeEach(async () => {
      await t.send(fixture('adt-a01.hl7'));
      for (const [i, given] of ['Ann', 'Bob', 'Cy', 'Di', 'Ed'].entries()) {
        await t.send(msg(header('ADT^A01^ADT_A01', `s${i}`), `PID|||S${i}^^^&${B}&ISO||Smith^${given}||19800101|M|||1 High St^^Leeds^^LS1^GBR`));
      }
    });

    it('family name + sex → RSP^K22 OK with demographics and QRI confidence', async () => {
      const rsp = await t.send(fixture('qbp-q22.hl7'));
      expect(rsp.segment('MSH')!.get(9, 2)).to.equal('K22');
      expect(rsp.segment('MSA')!.get(1)).to.equal('AA');
      expect(rsp.segment('QAK')!.get(2)).to.equal('OK');
      expect(rsp.segment('QAK')!.get(4)).to.equal('1');
      const pids = rsp.all('PID');
      expect(pids).to.have.length(1);
      const pid = pids[0]!;
      expect(pid.reps(3)[0]![0]).to.deep.equal(['PA-1001']);
      expect(pid.get(5, 1)).to.equal('O&Brien');
      expect(pid.raw(5)).to.contain('O\\T\\Brien');
      expect(pid.get(7)).to.equal('19700412');
      expect(pid.get(8)).to.equal('F');
      expect(pid.get(11, 3)).to.equal('Springfield');
      expect(rsp.segment('QRI')!.get(1)).to.equal('100');
      expect(rsp.segment('DSC')).to.equal(undefined);
    });

    it('QPD-8 limits the identifiers returned; an unknown QPD-8 domain → AE 204 at QPD-8', async () => {
      const rsp = await t.send(msg(header('QBP^Q22^QBP_Q21', 'p1'), `QPD|IHE PDQ Query|P1|@PID.5.1.1^SMITH|||||^^^&${B}&ISO`, 'RCP|I'));
      expect(rsp.all('PID')).to.have.length(5);
      for (const pid of rsp.all('PID')) expect(pid.reps(3).map((r) => r[3]![1])).to.deep.equal([B]);
      const bad = await t.send(msg(header('QBP^Q22^QBP_Q21', 'p2'), 'QPD|IHE PDQ Query|P2|@PID.5.1.1^SMITH|||||^^^NOWHERE', 'RCP|I'));
      expect([bad.segment('MSA')!.get(1), bad.segment('QAK')!.get(2), err(bad)!.get(2, 3), err(bad)!.get(3)]).to.deep.equal(['AE', 'AE', '8', '204']);
    });

    it('no match → AA/NF; birth date, address and id parameters narrow the search', async () => {
      const none = await t.send(msg(header('QBP^Q22^QBP_Q21', 'p3'), 'QPD|IHE PDQ Query|P3|@PID.5.1.1^NOBODY', 'RCP|I'));
      expect([none.segment('MSA')!.get(1), none.segment('QAK')!.get(2)]).to.deep.equal(['AA', 'NF']);
      const born = await t.send(msg(header('QBP^Q22^QBP_Q21', 'p4'), 'QPD|IHE PDQ Query|P4|@PID.7^19700412~@PID.11.3^Springfield', 'RCP|I'));
      expect(born.all('PID')).to.have.length(1);
      const byId = await t.send(msg(header('QBP^Q22^QBP_Q21', 'p5'), `QPD|IHE PDQ Query|P5|@PID.3.1^S3~@PID.3.4.2^${B}`, 'RCP|I'));
      expect(byId.all('PID').map((p) => p.get(5, 2))).to.deep.equal(['Di']);
    });

    it('RCP-2 quantity limit → DSC continuation pointer, then the rest; a stale pointer → AE', async () => {
      const q = (id: string, dsc?: string) =>
        msg(header('QBP^Q22^QBP_Q21', id), 'QPD|IHE PDQ Query|CONT-1|@PID.5.1.1^SMITH', 'RCP|I|2^RD', ...(dsc ? [`DSC|${dsc}|I`] : []));
      const first = await t.send(q('c1'));
      expect(first.all('PID')).to.have.length(2);
      expect([first.segment('QAK')!.get(4), first.segment('QAK')!.get(5), first.segment('QAK')!.get(6)]).to.deep.equal(['5', '2', '3']);
      const pointer = first.segment('DSC')!.get(1);
      expect(pointer).to.not.equal('');
      const second = await t.send(q('c2', pointer));
      expect(second.all('PID')).to.have.length(2);
      expect(second.segment('QAK')!.get(6)).to.equal('1');
      const third = await t.send(q('c3', second.segment('DSC')!.get(1)));
      expect(third.all('PID')).to.have.length(1);
      expect(third.segment('DSC')).to.equal(undefined);
      const seen = [...first.all('PID'), ...second.all('PID'), ...third.all('PID')].map((p) => p.get(5, 2)).sort();
      expect(seen).to.deep.equal(['Ann', 'Bob', 'Cy', 'Di', 'Ed']);
      const stale = await t.send(q('c4', pointer));
      expect([stale.segment('MSA')!.get(1), err(stale)!.get(2, 1), err(stale)!.get(3)]).to.deep.equal(['AE', 'DSC', '204']);
    });

    it('QCN^J01 cancels an open query (ACK^J01 AA), then a second cancel → AE 204', async () => {
      await t.send(msg(header('QBP^Q22^QBP_Q21', 'x1'), 'QPD|IHE PDQ Query|CANCEL-1|@PID.5.1.1^SMITH', 'RCP|I|1^RD'));
      const cancel = () => t.send(msg(header('QCN^J01^QCN_J01', 'x2'), 'QID|CANCEL-1|IHE PDQ Query'));
      const ok = await cancel();
      expect([ok.segment('MSH')!.get(9, 1), ok.segment('MSH')!.get(9, 2), ok.segment('MSA')!.get(1)]).to.deep.equal(['ACK', 'J01', 'AA']);
      const again = await cancel();
      expect([again.segment('MSA')!.get(1), err(again)!.get(3), err(again)!.get(2, 1)]).to.deep.equal(['AE', '204', 'QID']);
    });

    it('an unsupported parameter or a bad RCP-2 is refused with ERR at the parameter', async () => {
      const p = await t.send(msg(header('QBP^Q22^QBP_Q21', 'b1'), 'QPD|IHE PDQ Query|B1|@PID.99^X', 'RCP|I'));
      expect([p.segment('QAK')!.get(2), err(p)!.get(2, 3), err(p)!.get(3)]).to.deep.equal(['AE', '3', '103']);
      const r = await t.send(msg(header('QBP^Q22^QBP_Q21', 'b2'), 'QPD|IHE PDQ Query|B2|@PID.5.1^SMITH', 'RCP|I|lots^RD'));
      expect([r.segment('QAK')!.get(2), err(r)!.get(2, 1), err(r)!.get(3)]).to.deep.equal(['AE', 'RCP', '102']);
    });
  });

  it('HL7v2 and HL7v3 feeds update one person: each side sees the identifiers the other fed', async () => {
    await t.env.call(t.env.pix.iti44, feedMessage('PRPA_IN201301UV02', { id: 'V3-1', authority: B, family: 'Both', given: 'Bea', birth: '19650505', gender: 'F' }));
    const ack = await t.send(msg(header('ADT^A01^ADT_A01', 'both-1'), `PID|||V2-1^^^&${A}&ISO||Both^Bea||19650505|F`));
    expect(ack.segment('MSA')!.get(1)).to.equal('AA');
    const rsp = await t.send(msg(header('QBP^Q23^QBP_Q21', 'both-2'), `QPD|IHE PIX Query|B2|V2-1^^^&${A}&ISO|^^^&${B}&ISO`));
    expect(rsp.segment('PID')!.reps(3).map((r) => r[0]![0])).to.deep.equal(['V3-1']);
    const v3 = await t.env.call(t.env.pix.iti45, pixQueryMessage({ id: 'V3-1', authority: B }, [A]));
    expect(v3).to.contain('extension="V2-1"');
    expect(await t.env.stores.patients.status({ id: 'V2-1', authority: A })).to.deep.equal({ state: 'active' });
  });

  it('a message without any MSH gets no reply (the transport closes); one with a broken body gets AR', async () => {
    expect(await t.service.handle({ text: 'hello world', peer: { subject: 'x' } })).to.equal(undefined);
    const ar = await t.send('MSH|^~\\&|A|B|C|D|2026||ADT^A01^ADT_A01|BAD-1|P|2.5\rP\rPID|||x');
    expect(ar.segment('MSA')!.get(1)).to.equal('AR');
    expect(ar.segment('ERR')!.get(3)).to.equal('100');
    expect(ar.segment('MSA')!.get(2)).to.equal('BAD-1');
  });

  it('never throws on mutated or truncated messages: every reply is a parseable acknowledgement (MSA-1 AA|AE|AR)', async () => {
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const sources = ['adt-a01.hl7', 'adt-a40.hl7', 'qbp-q23.hl7', 'qbp-q22.hl7'].map(fixture);
    const alphabet = '|^~\\&\r\nMSHPIDQ0123456789 \u0000\u00ff';
    for (let i = 0; i < 300; i++) {
      const src = sources[i % sources.length]!;
      let text = src.slice(0, rnd(src.length + 1));
      for (let k = rnd(4); k > 0; k--) {
        const at = rnd(Math.max(1, text.length));
        text = text.slice(0, at) + alphabet[rnd(alphabet.length)]! + text.slice(at + 1);
      }
      const reply = await t.service.handle({ text, peer: { subject: 'fuzz' } });
      if (reply !== undefined) expect(['AA', 'AE', 'AR']).to.include(parseEr7(reply).segment('MSA')!.get(1));
    }
  });
});
