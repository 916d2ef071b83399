/**
 * HL7v3 mappers: the NIST Connectathon examples read into the patient model; what we write (MCCI acks,
 * PIX and PDQ responses, in every outcome) validates against the NE2008 schemas and reads back to the same
 * model; malformed input gives the right acknowledgement code.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Hl7v3Error } from '../../src/errors';
import { parseXml } from '../../src/soap/xml';
import { readFeed } from '../../src/hl7v3/read-feed';
import { readPixQuery } from '../../src/hl7v3/read-pix-query';
import { readContinuation, readPdqQuery } from '../../src/hl7v3/read-pdq-query';
import { readPatient } from '../../src/hl7v3/read-patient';
import { path, kids } from '../../src/hl7v3/read-datatypes';
import { writeAck } from '../../src/hl7v3/write-ack';
import { writePdqResponse, writePixResponse } from '../../src/hl7v3/write-query-response';
import type { ReplyContext } from '../../src/hl7v3/write-wrapper';
import type { Patient } from '../../src/patient-identity/model';
import { validateHl7v3Many, type Hl7v3Interaction } from './hl7v3-schema';
import { continuationMessage, feedMessage, pdqQueryMessage, pixQueryMessage } from './messages';
import { parseReply } from './responses';

const NIST = resolve(__dirname, '../../../shared/conformance/nist-hl7v3-examples/Connectathon2010');
const nist = (p: string) => readFileSync(resolve(NIST, p), 'utf8');
const ADD = 'PIX/PRPA_IN201301UV02/examples/03_PatientRegistryRecordAdded2.xml';
const PIXQ = 'PDQ/PRPA_IN201305UV02/examples/06_PIXQuery1.xml';
const PDQQ = 'PDQ/PRPA_IN201305UV02/examples/PRPA_IN201305UV02-Patient Registry Find Candidates Query.xml';
const PDQR = 'PDQ/PRPA_IN201306UV02/examples/02_PDQQuery1Response.xml';

const rctx: ReplyContext = { messageId: '6f1c1d0e-8a41-4c7e-9d55-0d4c3a9e2b11', now: new Date('2026-01-02T03:04:05Z'), deviceOid: '1.2.3.4.5.6' };

function expectAr(f: () => unknown, code: 'AR' | 'AE') {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(Hl7v3Error);
    expect((e as Hl7v3Error).ackCode).to.equal(code);
    return;
  }
  expect.fail('no error thrown');
}

describe('HL7v3 readers (NIST Connectathon 2010 examples)', () => {
  it('reads the ITI-44 add: ids, asOtherIDs, name, gender, birth, address, telecom', () => {
    const ev = readFeed(parseXml(nist(ADD)));
    expect(ev.kind).to.equal('add');
    expect(ev.header.id).to.deep.equal({ root: '0cc360d6-445e-11dc-a6be-3603d6866807' });
    expect(ev.header.senderDevice?.root).to.equal('1.2.840.114350.1.13.99998.8734');
    const p = ev.patient;
    expect(p.ids).to.deep.equal([{ id: '34827G409', authority: '1.2.840.114350.1.13.99998.8734' }]);
    expect(p.otherIds).to.deep.equal([
      { id: '38273N237', authority: '1.2.840.114350.1.13.99997.2.3412' },
      { id: '999-99-4452', authority: '2.16.840.1.113883.4.1' },
    ]);
    expect(p.names[0]).to.include({}).and.to.deep.include({ family: ['Dean'], given: ['James'] });
    expect(p.gender).to.equal('M');
    expect(p.birthTime).to.equal('19570323');
    expect(p.addresses[0]).to.deep.include({ streetAddressLine: ['3443 South Beach Avenue'], city: 'Some City', state: 'IL' });
    expect(p.telecoms).to.deep.equal([{ value: 'tel:+1-299-555-4444;ext=2342', use: 'WP' }]);
  });

  it('reads the ITI-45 query (06_PIXQuery1.xml is a PRPA_IN201309UV02)', () => {
    const q = readPixQuery(parseXml(nist(PIXQ)));
    expect(q.patientId).to.deep.equal({ id: '38273N237', authority: '1.2.840.114350.1.13.99997.2.3412' });
    expect(q.dataSources).to.deep.equal([]);
    expect(q.queryId).to.deep.equal({ root: '1.2.840.114350.1.13.99999.4567.34', extension: '33452' });
  });

  it('reads the ITI-47 query; empty parameter elements mean "not given"', () => {
    const q = readPdqQuery(parseXml(nist(PDQQ)));
    expect(q.criteria.names).to.have.length(1);
    expect(q.criteria.names[0]).to.deep.include({ family: ['MOORE'], given: ['CHIP'] });
    expect(q.criteria.gender).to.equal(undefined);
    expect(q.criteria.birthTime).to.equal(undefined);
    expect(q.criteria.addresses).to.deep.equal([]);
    expect(q.initialQuantity).to.equal(10);
  });

  it('reads the patients of the NIST PDQ response and writes them back unchanged', async () => {
    const root = parseXml(nist(PDQR));
    const patients = kids(path(root, 'controlActProcess'), 'subject').map((s) => readPatient(path(s, 'registrationEvent', 'subject1', 'patient')!));
    expect(patients.map((p) => p.names[0]!.given[0])).to.deep.equal(['James', 'Jim']);
    const header = { interaction: 'PRPA_IN201305UV02', id: { root: '1.2.3', extension: '9' } };
    const matches = patients.map((p, i) => ({ ids: p.ids, otherIds: p.otherIds, patient: p, confidence: 90 - i }));
    const xml = writePdqResponse(header, rctx, { ack: 'AA', details: [], responseCode: 'OK', custodianOid: '1.2.3.4' }, matches, { total: 5, current: 2, remaining: 3 });
    const back = parseReply(xml);
    expect(back.patients.map((p) => p.confidence)).to.deep.equal([90, 89]);
    const strip = (p: Patient) => ({ ...p, status: undefined });
    expect(back.patients.map((p) => strip(p.patient))).to.deep.equal(patients.map(strip));
    expect(back.quantities).to.deep.equal({ total: 5, current: 2, remaining: 3 });
    const [problems] = await validateHl7v3Many([xml], 'PRPA_IN201306UV02');
    expect(problems).to.deep.equal([]);
  });

  it('round-trips a feed patient (with mother’s maiden name) through a PDQ response', () => {
    const xml = feedMessage('PRPA_IN201302UV02', { id: 'A&1', authority: '1.2.3', family: "O'Brien <Ó>", given: 'Zoë', birth: '19800101', gender: 'F', street: '1 Main', city: 'Town', postalCode: '12345', mothersMaidenName: 'Smith' });
    const ev = readFeed(parseXml(xml));
    expect(ev.kind).to.equal('revise');
    expect(ev.patient.mothersMaidenName?.family).to.deep.equal(['Smith']);
    const out = writePdqResponse({ interaction: 'PRPA_IN201305UV02' }, rctx, { ack: 'AA', details: [], responseCode: 'OK', custodianOid: '1.2.3' }, [{ ids: ev.patient.ids, otherIds: [], patient: ev.patient, confidence: 100 }]);
    expect({ ...parseReply(out).patients[0]!.patient, status: undefined }).to.deep.equal({ ...ev.patient, status: undefined });
  });

  it('reads a merge: survivor in the subject, obsolete id in replacementOf', () => {
    const ev = readFeed(parseXml(feedMessage('PRPA_IN201304UV02', { id: 'NEW', authority: '1.2.3', family: 'X' }, { id: 'OLD', authority: '1.2.3' })));
    expect(ev.kind).to.equal('merge');
    expect(ev.kind === 'merge' && ev.obsolete).to.deep.equal({ id: 'OLD', authority: '1.2.3' });
    expect(ev.patient.ids).to.deep.equal([{ id: 'NEW', authority: '1.2.3' }]);
  });

  it('reads continuation and cancel', () => {
    expect(readContinuation(parseXml(continuationMessage('q1', false, 3)))).to.deep.include({ cancel: false, continuationQuantity: 3, queryId: { root: '1.2.3.4.98', extension: 'q1' } });
    expect(readContinuation(parseXml(continuationMessage('q1', true))).cancel).to.equal(true);
  });

  it('rejects (AR) a wrong root, a foreign namespace and a feed without a patient; AE for content errors', () => {
    expectAr(() => readFeed(parseXml(nist(PIXQ))), 'AR');
    expectAr(() => readFeed(parseXml('<PRPA_IN201301UV02 xmlns="urn:other"/>')), 'AR');
    expectAr(() => readFeed(parseXml('<PRPA_IN201301UV02 xmlns="urn:hl7-org:v3"><controlActProcess/></PRPA_IN201301UV02>')), 'AR');
    const noExt = feedMessage('PRPA_IN201301UV02', { id: 'X', authority: '1.2.3', family: 'A' }).replace(' extension="X"', '');
    expectAr(() => readFeed(parseXml(noExt)), 'AE');
    const badBirth = feedMessage('PRPA_IN201301UV02', { id: 'X', authority: '1.2.3', birth: '1980-01-01' });
    expectAr(() => readFeed(parseXml(badBirth)), 'AE');
    const mergeNoPrior = feedMessage('PRPA_IN201304UV02', { id: 'X', authority: '1.2.3' });
    expectAr(() => readFeed(parseXml(mergeNoPrior)), 'AE');
    expectAr(() => readPixQuery(parseXml(pixQueryMessage({ id: 'X', authority: '1.2.3' }).replace(/<patientIdentifier>.*<\/patientIdentifier>/, ''))), 'AR');
    expectAr(() => readPdqQuery(parseXml(pdqQueryMessage({ family: 'A' }).replace('<parameterList>', '<initialQuantity value="x"/><parameterList>'))), 'AR');
  });
});

describe('HL7v3 writers validate against the NE2008 schemas', () => {
  it('every outcome we send is schema-valid, and the request messages our tests send are too', async () => {
    const feed = readFeed(parseXml(nist(ADD)));
    const pixQ = readPixQuery(parseXml(nist(PIXQ)));
    const pdqQ = readPdqQuery(parseXml(pdqQueryMessage({ family: 'Dean', given: 'J', fuzzy: true, birth: '1957', gender: 'M', city: 'X', scoping: ['1.2.4'], initialQuantity: 2 })));
    const detail = { typeCode: 'E' as const, code: '204', codeSystem: '2.16.840.1.113883.12.357', text: 'unknown <&> "id"', location: '/hl7:x' };
    const base = { custodianOid: '1.2.3.4', queryId: pixQ.queryId, queryByParameter: pixQ.queryByParameter };
    const p = feed.patient;
    const cases: [string, Hl7v3Interaction][] = [
      [writeAck('AA', feed.header, rctx), 'MCCI_IN000002UV01'],
      [writeAck('AE', feed.header, rctx, [detail]), 'MCCI_IN000002UV01'],
      [writeAck('AR', { interaction: '' }, rctx, [{ typeCode: 'E', text: 'not readable' }]), 'MCCI_IN000002UV01'],
      [writePixResponse(pixQ.header, rctx, { ...base, ack: 'AA', details: [], responseCode: 'OK' }, [...p.ids, ...p.otherIds]), 'PRPA_IN201310UV02'],
      [writePixResponse(pixQ.header, rctx, { ...base, ack: 'AA', details: [], responseCode: 'NF' }, []), 'PRPA_IN201310UV02'],
      [writePixResponse(pixQ.header, rctx, { ...base, ack: 'AE', details: [detail], responseCode: 'AE' }, []), 'PRPA_IN201310UV02'],
      [writePdqResponse(pdqQ.header, rctx, { custodianOid: '1.2.3.4', queryId: pdqQ.queryId, queryByParameter: pdqQ.queryByParameter, ack: 'AA', details: [], responseCode: 'OK' }, [{ ids: p.ids, otherIds: p.otherIds, patient: p, confidence: 87.6 }], { total: 3, current: 1, remaining: 2 }), 'PRPA_IN201306UV02'],
      [writePdqResponse(pdqQ.header, rctx, { custodianOid: '1.2.3.4', ack: 'AA', details: [], responseCode: 'NF' }, []), 'PRPA_IN201306UV02'],
      [writePdqResponse(pdqQ.header, rctx, { custodianOid: '1.2.3.4', ack: 'AE', details: [detail], responseCode: 'QE' }, []), 'PRPA_IN201306UV02'],
      [writePdqResponse(pdqQ.header, rctx, { custodianOid: '1.2.3.4', ack: 'AE', details: [detail], responseCode: 'AE' }, []), 'PRPA_IN201306UV02'],
      [feedMessage('PRPA_IN201301UV02', { id: 'A', authority: '1.2.3', family: 'F', given: 'G', birth: '19800101', gender: 'F', city: 'C', otherIds: [{ id: 'B', authority: '1.2.4' }] }), 'PRPA_IN201301UV02'],
      [feedMessage('PRPA_IN201302UV02', { id: 'A', authority: '1.2.3', family: 'F', mothersMaidenName: 'M' }), 'PRPA_IN201302UV02'],
      [feedMessage('PRPA_IN201304UV02', { id: 'A', authority: '1.2.3', family: 'F' }, { id: 'B', authority: '1.2.3' }), 'PRPA_IN201304UV02'],
      [pixQueryMessage({ id: 'A', authority: '1.2.3' }, ['1.2.4', '1.2.5']), 'PRPA_IN201309UV02'],
      [pdqQueryMessage({ family: 'F', given: 'G', fuzzy: true, birth: '1980', gender: 'F', city: 'C', street: 'S', id: { id: 'A', authority: '1.2.3' }, mothersMaidenName: 'M', scoping: ['1.2.4'], initialQuantity: 5 }), 'PRPA_IN201305UV02'],
      [continuationMessage('q', false, 2), 'QUQI_IN000003UV01'],
      [continuationMessage('q', true), 'QUQI_IN000003UV01'],
    ];
    const byInteraction = new Map<Hl7v3Interaction, string[]>();
    cases.forEach(([xml, i]) => byInteraction.set(i, [...(byInteraction.get(i) ?? []), xml]));
    for (const [interaction, xmls] of byInteraction) {
      const problems = await validateHl7v3Many(xmls, interaction);
      expect(problems, interaction).to.deep.equal(xmls.map(() => []));
    }
    // The validator does reject: a response with its queryAck removed is invalid.
    const broken = cases[4]![0].replace(/<queryAck>.*<\/queryAck>/, '');
    expect((await validateHl7v3Many([broken], 'PRPA_IN201310UV02'))[0]).to.not.deep.equal([]);
  });

  it('an AE ack names the request, carries code 204 and the location, and escapes text', () => {
    const feed = readFeed(parseXml(nist(ADD)));
    const r = parseReply(writeAck('AE', feed.header, rctx, [{ typeCode: 'E', code: '204', text: 'a<b&c', location: '/hl7:x' }]));
    expect(r.ack).to.equal('AE');
    expect(r.targetMessage).to.equal('0cc360d6-445e-11dc-a6be-3603d6866807');
    expect(r.details).to.deep.equal([{ code: '204', text: 'a<b&c', location: '/hl7:x' }]);
    // receiver of the reply = the sender of the request
    expect(path(r.root, 'receiver', 'device', 'id')?.attrs.root).to.equal('1.2.840.114350.1.13.99998.8734');
    expect(path(r.root, 'sender', 'device', 'id')?.attrs.root).to.equal('1.2.3.4.5.6');
  });
});
