/** ER7 parsing/encoding, MSH-18 charsets and MLLP framing: the pure layer under the v2 transactions. */
import { expect } from 'chai';
import { decodeMessage, declaredCharset } from '../../src/hl7v2/charset';
import { escapeValue, parseEr7, unescapeValue, writeSegment, DEFAULT_SEPARATORS } from '../../src/hl7v2/er7';
import { CR, FS, MllpDecoder, VT, frame } from '../../src/hl7v2/mllp-frame';
import { readHeader, sniffHeader } from '../../src/hl7v2/read-header';
import { V2Error } from '../../src/hl7v2/v2-error';

describe('hl7v2 er7', () => {
  it('reads repetitions, components, subcomponents and escape sequences', () => {
    const m = parseEr7('MSH|^~\\&|A|B|C|D|2026||ADT^A01^ADT_A01|1|P|2.5\rPID|||a1^^^NS&1.2.3&ISO~b2^^^&1.2.4&ISO||O\\T\\Brien\\F\\x\\S\\y\\R\\z\\E\\^Jo\\X41\\n\\H\\e\r');
    const pid = m.segment('PID')!;
    expect(pid.reps(3)).to.have.length(2);
    expect(pid.reps(3)[0]![3]).to.deep.equal(['NS', '1.2.3', 'ISO']);
    expect(pid.get(3, 4, 2)).to.equal('1.2.3');
    expect(pid.reps(3)[1]![0]).to.deep.equal(['b2']);
    expect(pid.get(5, 1)).to.equal('O&Brien|x^y~z\\');
    expect(pid.get(5, 2)).to.equal('JoAne'); // \X41\ = "A", \H\ highlighting carries no text
    expect(pid.get(99)).to.equal('');
    expect(pid.reps(99)).to.deep.equal([]);
  });

  it('honours non-default separators declared in MSH-1/MSH-2, and LF segment ends', () => {
    const m = parseEr7('MSH#$*!@#A#B#C#D#2026##QBP$Q23$QBP_Q21#7#P#2.5\nQPD#x#tag#id1$$$@1.2.3@ISO*id2\n');
    expect(m.separators).to.deep.equal({ field: '#', component: '$', repetition: '*', escape: '!', subcomponent: '@' });
    const h = readHeader(m);
    expect([h.type, h.event, h.structure, h.controlId, h.version]).to.deep.equal(['QBP', 'Q23', 'QBP_Q21', '7', '2.5']);
    expect(m.segment('QPD')!.reps(3).map((r) => r[0]![0])).to.deep.equal(['id1', 'id2']);
    expect(m.segment('QPD')!.get(3, 4, 2)).to.equal('1.2.3');
  });

  it('escapes every delimiter on write and round-trips', () => {
    const v = 'a|b^c&d~e\\f';
    expect(escapeValue(v)).to.equal('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f');
    expect(unescapeValue(escapeValue(v), DEFAULT_SEPARATORS)).to.equal(v);
    const seg = writeSegment('PID', [undefined, undefined, { reps: [['x&y', '', '', ['', '1.2', 'ISO']], 'z'] }, undefined, [v, 'G']]);
    expect(seg).to.equal('PID|||x\\T\\y^^^&1.2&ISO~z||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f^G');
    const back = parseEr7(`MSH|^~\\&|A\r${seg}`).segment('PID')!;
    expect(back.get(5, 1)).to.equal(v);
    expect(back.get(3, 1)).to.equal('x&y');
  });

  it('rejects text without MSH, and reports incomplete encoding characters', () => {
    expect(() => parseEr7('PID|1')).to.throw(V2Error).with.property('code', '100');
    expect(() => parseEr7('MSH|^|A|B')).to.throw(V2Error).with.property('code', '102');
    expect(() => parseEr7('MSH|^~\\&|A\rpid|x')).to.throw(V2Error).with.property('code', '100');
    expect(sniffHeader('garbage')).to.equal(undefined);
    expect(sniffHeader('MSH|^~\\&|APP|FAC|||2026||ADT^A01|CTL|P|2.3.1')).to.deep.include({ controlId: 'CTL', type: 'ADT', event: 'A01', version: '2.3.1' });
  });

  it('decodes per MSH-18: UTF-8 by default, ISO 8859/1 when declared', () => {
    const utf = Buffer.from('MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.5||||||UNICODE UTF-8\rPID|||x||Müller', 'utf8');
    expect(declaredCharset(utf)).to.equal('UNICODE UTF-8');
    expect(decodeMessage(utf).text).to.contain('Müller');
    const latin = Buffer.from('MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.5||||||8859/1\rPID|||x||Müller', 'latin1');
    const d = decodeMessage(latin);
    expect(d.charset).to.equal('latin1');
    expect(d.text).to.contain('Müller');
  });
});

describe('hl7v2 MLLP framing', () => {
  const data = (events: ReturnType<MllpDecoder['push']>) => events.filter((e) => e.kind === 'frame').map((e) => (e.kind === 'frame' ? e.data.toString() : ''));

  it('frames with VT … FS CR; several per chunk; one across many chunks', () => {
    const d = new MllpDecoder(1000);
    const two = Buffer.concat([frame(Buffer.from('one')), frame(Buffer.from('two'))]);
    expect(data(d.push(two))).to.deep.equal(['one', 'two']);
    const three = frame(Buffer.from('three'));
    const got: string[] = [];
    for (const b of three) got.push(...data(d.push(Buffer.from([b]))));
    expect(got).to.deep.equal(['three']);
    expect(three[0]).to.equal(VT);
    expect([...three.subarray(-2)]).to.deep.equal([FS, CR]);
  });

  it('skips bytes outside frames and restarts on a VT inside a frame', () => {
    const d = new MllpDecoder(1000);
    const events = d.push(Buffer.concat([Buffer.from('xx'), Buffer.from([VT]), Buffer.from('lost'), frame(Buffer.from('kept')), Buffer.from('yy')]));
    expect(data(events)).to.deep.equal(['kept']);
    expect(events.find((e) => e.kind === 'skipped')).to.deep.equal({ kind: 'skipped', bytes: 4 });
  });

  it('reports an oversize frame once with its head, discards the rest, then continues', () => {
    const d = new MllpDecoder(10);
    const e1 = d.push(Buffer.concat([Buffer.from([VT]), Buffer.from('MSH|0123456789')]));
    expect(e1).to.have.length(1);
    expect(e1[0]!.kind).to.equal('oversize');
    expect(e1[0]!.kind === 'oversize' && e1[0]!.head.toString()).to.equal('MSH|0123456789');
    const e2 = d.push(Buffer.concat([Buffer.from('more'), Buffer.from([FS, CR]), frame(Buffer.from('small'))]));
    expect(data(e2)).to.deep.equal(['small']);
    expect(e2.some((e) => e.kind === 'oversize')).to.equal(false);
  });

  it('tolerates FS without CR', () => {
    const d = new MllpDecoder(100);
    expect(data(d.push(Buffer.concat([Buffer.from([VT]), Buffer.from('a'), Buffer.from([FS]), Buffer.from([VT]), Buffer.from('b'), Buffer.from([FS, CR])])))).to.deep.equal(['a', 'b']);
  });
});
