/** The v2 mappers: PID → Patient, QPD → criteria, ACK/ERR in v2.3.1 and v2.5 syntax, A31. */
import { expect } from 'chai';
import { parseEr7 } from '../../src/hl7v2/er7';
import { readPid } from '../../src/hl7v2/read-pid';
import { readPdqQuery } from '../../src/hl7v2/read-qbp';
import { readHeader } from '../../src/hl7v2/read-header';
import { writeAck } from '../../src/hl7v2/write-ack';
import { writeA31 } from '../../src/hl7v2/write-a31';
import { hl7Time } from '../../src/hl7v2/write-header';
import { V2Error } from '../../src/hl7v2/v2-error';

const resolve = (ns: string, uid: string) => (uid.startsWith('1.') ? uid : ns === 'KNOWN' ? '9.9.9' : undefined);
const ctx = { controlId: 'OUT-1', now: new Date('2026-11-24T10:11:12Z'), application: 'TESSERA', facility: 'HIE' };

describe('hl7v2 mappers', () => {
  it('PID → patient: ids (OID or known namespace), names, birth, sex, address, telecoms, mother', () => {
    const m = parseEr7('MSH|^~\\&|A\rPID|||1^^^&1.2.3&ISO~2^^^KNOWN||Doe^John^Q^Jr^Dr^^L~Roe^J|Smith^Ann|198001021230+0100|U|||Street 1^^Town^ST^12345^USA^H||^WPN^Internet^j@x.org~555-1234^PRN');
    const p = readPid(m.segment('PID')!, resolve);
    expect(p.ids).to.deep.equal([{ id: '1', authority: '1.2.3' }, { id: '2', authority: '9.9.9' }]);
    expect(p.names[0]).to.deep.equal({ family: ['Doe'], given: ['John', 'Q'], prefix: ['Dr'], suffix: ['Jr'], use: 'L' });
    expect(p.names).to.have.length(2);
    expect(p.birthTime).to.equal('198001021230');
    expect(p.gender).to.equal('UN');
    expect(p.addresses[0]).to.deep.equal({ streetAddressLine: ['Street 1'], city: 'Town', state: 'ST', postalCode: '12345', country: 'USA', use: 'H' });
    expect(p.telecoms).to.deep.equal([{ value: 'mailto:j@x.org', use: 'WP' }, { value: 'tel:555-1234', use: 'H' }]);
    expect(p.mothersMaidenName).to.deep.equal({ family: ['Smith'], given: ['Ann'] });
  });

  it('PID errors carry the location: unknown domain at CX-4 of that repetition, bad sex → 102 at PID-8', () => {
    const bad = parseEr7('MSH|^~\\&|A\rPID|||1^^^&1.2.3&ISO~2^^^WHO||Doe^J');
    try {
      readPid(bad.segment('PID')!, resolve);
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(V2Error);
      expect((err as V2Error).code).to.equal('204');
      expect((err as V2Error).location).to.deep.equal({ segment: 'PID', seq: 1, field: 3, rep: 2, component: 4 });
    }
    const sex = parseEr7('MSH|^~\\&|A\rPID|||1^^^&1.2.3&ISO||Doe^J|||Q');
    expect(() => readPid(sex.segment('PID')!, resolve)).to.throw(V2Error).with.property('code', '102');
  });

  it('QPD-3 QIP parameters → PDQ criteria (v2.5 @PID.5.1.1 and v2.3.1-style @PID.5.1, wildcard stripped)', () => {
    const m = parseEr7('MSH|^~\\&|A|B|C|D|2026||QBP^Q22^QBP_Q21|1|P|2.5\rQPD|IHE PDQ Query|T|@PID.5.1.1^SMI*~@PID.5.2^John~@PID.7^19800102~@PID.8^M~@PID.11.3^Town~@PID.11.5^12345~@PID.3.1^77~@PID.3.4.2^1.2.3|||||^^^&1.2.9&ISO\rRCP|I|5^RD');
    const q = readPdqQuery(m, resolve);
    expect(q.criteria.names).to.deep.equal([{ family: ['SMI'], given: ['John'] }]);
    expect(q.criteria.birthTime).to.equal('19800102');
    expect(q.criteria.gender).to.equal('M');
    expect(q.criteria.addresses[0]).to.deep.include({ city: 'Town', postalCode: '12345' });
    expect(q.criteria.ids).to.deep.equal([{ id: '77', authority: '1.2.3' }]);
    expect(q.domains).to.deep.equal(['1.2.9']);
    expect(q.limit).to.equal(5);
    expect(q.queryTag).to.equal('T');
  });

  it('ACK v2.5: MSH swapped, ACK^event^ACK, MSA without text, ERR-2/3/4', () => {
    const req = readHeader(parseEr7('MSH|^~\\&|SRC|SFAC|DST|DFAC|2026||ADT^A01^ADT_A01|C-9|T|2.5||||||8859/1'));
    const ack = parseEr7(writeAck('AE', req, ctx, [{ code: '204', text: 'unknown', location: { segment: 'PID', seq: 1, field: 3, rep: 1, component: 4 } }]));
    const msh = ack.segment('MSH')!;
    expect([msh.get(3), msh.get(4), msh.get(5), msh.get(6)]).to.deep.equal(['DST', 'DFAC', 'SRC', 'SFAC']);
    expect([msh.get(7), msh.get(9), msh.get(9, 2), msh.get(9, 3), msh.get(10), msh.get(11), msh.get(12), msh.get(18)]).to.deep.equal([
      '20261124101112+0000', 'ACK', 'A01', 'ACK', 'OUT-1', 'T', '2.5', '8859/1',
    ]);
    expect([ack.segment('MSA')!.get(1), ack.segment('MSA')!.get(2), ack.segment('MSA')!.get(3)]).to.deep.equal(['AE', 'C-9', '']);
    const err = ack.segment('ERR')!;
    expect(err.reps(2)[0]!.map((c) => c[0])).to.deep.equal(['PID', '1', '3', '1', '4']);
    expect([err.get(3, 1), err.get(3, 2), err.get(3, 3), err.get(3, 5), err.get(4)]).to.deep.equal(['204', 'Unknown key identifier', 'HL70357', 'unknown', 'E']);
  });

  it('ACK v2.3.1: MSA-3 text and ERR-1 ELD', () => {
    const req = readHeader(parseEr7('MSH|^~\\&|SRC|SFAC|DST|DFAC|2026||ADT^A08|C-1|P|2.3.1'));
    const ack = parseEr7(writeAck('AE', req, ctx, [{ code: '101', text: 'PID-3 missing', location: { segment: 'PID', seq: 1, field: 3 } }]));
    expect(ack.segment('MSH')!.get(9)).to.equal('ACK');
    expect(ack.segment('MSH')!.get(12)).to.equal('2.3.1');
    expect(ack.segment('MSA')!.get(3)).to.equal('PID-3 missing');
    const err = ack.segment('ERR')!;
    expect([err.get(1, 1), err.get(1, 2), err.get(1, 3), err.get(1, 4, 1), err.get(1, 4, 3)]).to.deep.equal(['PID', '1', '3', '101', 'HL70357']);
  });

  it('ADT^A31 for ITI-10: EVN, PID-3 list, empty-name PID-5, PV1-2 N', () => {
    const a31 = parseEr7(writeA31([{ id: 'x', authority: '1.2.3' }, { id: 'y', authority: '1.2.4' }], { application: 'APP', facility: 'FAC' }, ctx));
    expect([a31.segment('MSH')!.get(5), a31.segment('MSH')!.get(9, 2), a31.segment('MSH')!.get(12)]).to.deep.equal(['APP', 'A31', '2.5']);
    expect(a31.segment('EVN')!.get(2)).to.equal(hl7Time(ctx.now));
    expect(a31.segment('PID')!.reps(3).map((r) => r[3]![1])).to.deep.equal(['1.2.3', '1.2.4']);
    expect(a31.segment('PID')!.raw(5)).to.equal('~^^^^^^S');
    expect(a31.segment('PV1')!.get(2)).to.equal('N');
  });
});
