/**
 * Trusted feed sources (domains.ts): the rule itself, then ITI-44 (HL7v3) and ITI-8 (HL7v2) refusing a feed
 * from a node that is not a configured source of the domain: AE + 207 at the id, nothing stored, audited.
 * Queries are not restricted.
 */
import { expect } from 'chai';
import { SoapAction } from '../../src/ebxml/vocabulary';
import { parseEr7 } from '../../src/hl7v2/er7';
import { feedRefusal, matchesTls, translatesLocalIds, DEFAULT_IDENTITY_DOMAINS, type IdentityDomains } from '../../src/patient-identity/domains';
import { createHl7v2Service } from '../../src/patient-identity/v2/create-hl7v2-service';
import type { HandlerContext, NodeIdentity } from '../../src/transactions';
import { validateHl7v3 } from '../hl7v3/hl7v3-schema';
import { feedMessage, pixQueryMessage } from '../hl7v3/messages';
import { parseReply } from '../hl7v3/responses';
import { log, openIdentityEnv, soapOf, type IdentityEnv } from './support';

const ENT = '1.3.6.1.4.1.21367.13.20.1000';
const A = '1.2.840.10.1';
const B = '1.2.840.10.2';
const OPEN = '1.2.840.10.3';
const DEVICE = '1.2.840.114350.1.13.99998.8734'; // the sender device of test/hl7v3/messages.ts
const FP = 'AB:'.repeat(31) + 'CD';

const DOMAINS: IdentityDomains = {
  enterprise: { oid: ENT, name: 'HIE', feedSources: ['mpi'] },
  domains: [
    { oid: A, name: 'HOSP_A', feedSources: ['hospital-a'] },
    { oid: B, name: 'HOSP_B', feedSources: ['hospital-b'] },
    { oid: OPEN, name: 'LAB', feedSources: 'any' },
  ],
  acceptAny: false,
  sources: [
    { name: 'mpi', tls: { commonName: 'mpi' } },
    { name: 'hospital-a', tls: { subject: 'CN=hospital-a,O=A' }, hl7v3Devices: [DEVICE], hl7v2Senders: [{ application: 'ADT_A', facility: 'HOSP_A' }], translateLocalIds: true },
    { name: 'hospital-b', tls: { fingerprint256: FP } },
  ],
};

const peerA: NodeIdentity = { subject: 'CN=hospital-a,O=A', commonName: 'hospital-a' };
const peerB: NodeIdentity = { subject: 'CN=hospital-b', commonName: 'hospital-b', fingerprint256: FP.toLowerCase() };
const stranger: NodeIdentity = { subject: 'CN=stranger', commonName: 'stranger' };

describe('patient-identity: trusted feed sources', () => {
  describe('feedRefusal', () => {
    it('the open default lets every authenticated node feed every domain', () => {
      expect(feedRefusal(DEFAULT_IDENTITY_DOMAINS, A, { peer: stranger })).to.equal(undefined);
      expect(feedRefusal(DEFAULT_IDENTITY_DOMAINS, ENT, { peer: stranger })).to.equal(undefined);
    });

    it('a domain is fed only by its configured sources, recognised by subject, common name or fingerprint', () => {
      expect(feedRefusal(DOMAINS, A, { peer: peerA, device: DEVICE })).to.equal(undefined);
      expect(feedRefusal(DOMAINS, B, { peer: peerB })).to.equal(undefined);
      expect(feedRefusal(DOMAINS, ENT, { peer: { subject: 'CN=mpi', commonName: 'mpi' } })).to.equal(undefined);
      expect(feedRefusal(DOMAINS, B, { peer: peerA, device: DEVICE })).to.equal('node CN=hospital-a,O=A is not a trusted feed source for domain 1.2.840.10.2 (HOSP_B)');
      expect(feedRefusal(DOMAINS, A, { peer: stranger })).to.match(/CN=stranger is not a trusted feed source for domain 1\.2\.840\.10\.1 \(HOSP_A\)/);
      expect(feedRefusal(DOMAINS, OPEN, { peer: stranger })).to.equal(undefined);
    });

    it('checks the sending device (HL7v3) or MSH-3/MSH-4 (HL7v2) when the source lists them', () => {
      expect(feedRefusal(DOMAINS, A, { peer: peerA, device: '1.2.3.4' })).to.equal('sending device 1.2.3.4 is not configured for feed source hospital-a of domain 1.2.840.10.1 (HOSP_A)');
      expect(feedRefusal(DOMAINS, A, { peer: peerA })).to.match(/sending device \(none\) is not configured/);
      expect(feedRefusal(DOMAINS, A, { peer: peerA, application: ['ADT_A'], facility: ['HOSP_A'] })).to.equal(undefined);
      // The HD universal id (MSH-3.2 / MSH-4.2) counts as well as the namespace id.
      expect(feedRefusal(DOMAINS, A, { peer: peerA, application: ['', 'ADT_A'], facility: ['x', 'HOSP_A'] })).to.equal(undefined);
      expect(feedRefusal(DOMAINS, A, { peer: peerA, application: ['ADT_A'], facility: ['HOSP_Z'] })).to.match(/sending application ADT_A \/ facility HOSP_Z is not configured for feed source hospital-a/);
      expect(feedRefusal(DOMAINS, A, { peer: peerA, application: [], facility: [] })).to.match(/sending application \(none\)/);
    });

    it('TLS matching: every configured field must match; an empty match never matches', () => {
      expect(matchesTls({ commonName: 'mpi', subject: 'CN=mpi' }, { subject: 'CN=mpi', commonName: 'mpi' })).to.equal(true);
      expect(matchesTls({ commonName: 'mpi', subject: 'CN=mpi,O=X' }, { subject: 'CN=mpi', commonName: 'mpi' })).to.equal(false);
      expect(matchesTls({ fingerprint256: FP.replace(/:/g, '') }, peerB)).to.equal(true);
      expect(matchesTls({ fingerprint256: FP }, { subject: 'CN=hospital-b' })).to.equal(false);
      expect(matchesTls({}, peerA)).to.equal(false);
    });

    it('the translation policy belongs to the sources that have it', () => {
      expect(translatesLocalIds(DOMAINS, peerA)).to.equal(true);
      expect(translatesLocalIds(DOMAINS, peerB)).to.equal(false);
      expect(translatesLocalIds(DOMAINS, stranger)).to.equal(false);
      expect(translatesLocalIds(DEFAULT_IDENTITY_DOMAINS, peerA)).to.equal(false);
    });
  });

  describe('ITI-44 and ITI-8 through the handlers', () => {
    let env: IdentityEnv;
    beforeEach(async () => {
      env = await openIdentityEnv({ domains: DOMAINS });
    });
    afterEach(async () => env.close());

    const ctxOf = (peer: NodeIdentity): HandlerContext => ({ peer, messageId: 'urn:uuid:t', log });
    const feed44 = async (peer: NodeIdentity, xml: string, action: string = SoapAction.iti44Add) => {
      const body = (await env.pix.iti44(soapOf(xml, action), env.deps, ctxOf(peer))).body;
      return { body, reply: parseReply(body) };
    };

    it('ITI-44 from a source not trusted for the domain → AE, 207 at the id, nothing stored, refusal audited', async () => {
      const { body, reply } = await feed44(stranger, feedMessage('PRPA_IN201301UV02', { id: 'a1', authority: A, family: 'Hidden', given: 'Name' }));
      expect(reply.ack).to.equal('AE');
      expect(reply.details).to.deep.equal([
        {
          code: '207',
          text: `node CN=stranger is not a trusted feed source for domain ${A} (HOSP_A): a1^^^&${A}&ISO`,
          location: '/hl7:PRPA_IN201301UV02/hl7:controlActProcess/hl7:subject/hl7:registrationEvent/hl7:subject1/hl7:patient/hl7:id',
        },
      ]);
      expect(await validateHl7v3(body, 'MCCI_IN000002UV01')).to.deep.equal([]);
      expect(await env.identity.getRecord({ id: 'a1', authority: A })).to.equal(undefined);
      expect(await env.stores.patients.status({ id: 'a1', authority: A })).to.deep.equal({ state: 'unknown' });
      const [audit] = await env.stores.audit.recent(1);
      expect(audit).to.deep.include({ eventId: '110110', eventTypeCode: 'ITI-44', action: 'C', outcome: 4, sourceNode: 'CN=stranger' });
      expect(audit!.objects).to.deep.equal([{ type: 'patient', id: `a1^^^&${A}&ISO` }]);
      expect(JSON.stringify(audit)).to.not.contain('Hidden');
    });

    it('ITI-44 from the trusted source → AA; a foreign device of that source → AE; queries are open to all', async () => {
      expect((await feed44(peerA, feedMessage('PRPA_IN201301UV02', { id: 'a2', authority: A, family: 'Doe', given: 'Jane' }))).reply.ack).to.equal('AA');
      expect(await env.stores.patients.status({ id: 'a2', authority: A })).to.deep.equal({ state: 'active' });
      const otherDevice = feedMessage('PRPA_IN201301UV02', { id: 'a3', authority: A, family: 'Doe', given: 'John' }).replace(DEVICE, '1.2.3.4.9');
      const refused = await feed44(peerA, otherDevice);
      expect(refused.reply.ack).to.equal('AE');
      expect(refused.reply.details[0]!.text).to.match(/^sending device 1\.2\.3\.4\.9 is not configured for feed source hospital-a/);
      const pix = parseReply((await env.pix.iti45(soapOf(pixQueryMessage({ id: 'a2', authority: A }), SoapAction.iti45), env.deps, ctxOf(stranger))).body);
      expect(pix.ack).to.equal('AA');
    });

    it('a merge names each id the caller may not feed, the obsolete one at priorRegisteredRole', async () => {
      await feed44(peerB, feedMessage('PRPA_IN201301UV02', { id: 'b1', authority: B, family: 'Roe', given: 'Ann' }));
      await feed44(peerB, feedMessage('PRPA_IN201301UV02', { id: 'b0', authority: B, family: 'Roe', given: 'Anne' }));
      const merge = await feed44(peerA, feedMessage('PRPA_IN201304UV02', { id: 'b1', authority: B, family: 'Roe' }, { id: 'b0', authority: B }), SoapAction.iti44Merge);
      expect(merge.reply.ack).to.equal('AE');
      expect(merge.reply.details.map((d) => d.location)).to.deep.equal([
        '/hl7:PRPA_IN201304UV02/hl7:controlActProcess/hl7:subject/hl7:registrationEvent/hl7:subject1/hl7:patient/hl7:id',
        '/hl7:PRPA_IN201304UV02/hl7:controlActProcess/hl7:subject/hl7:registrationEvent/hl7:replacementOf/hl7:priorRegistration/hl7:subject1/hl7:priorRegisteredRole/hl7:id',
      ]);
      expect(await env.stores.patients.status({ id: 'b0', authority: B })).to.deep.equal({ state: 'active' });
    });

    it('ITI-8 from a node not trusted for the domain → ACK AE, ERR 207 at PID-3 CX-4, nothing stored', async () => {
      const service = createHl7v2Service({ xref: env.pix.crossReference, patients: env.stores.patients, audit: env.stores.audit, log });
      const adt = (app: string, fac: string, id: string) =>
        `MSH|^~\\&|${app}|${fac}|TESSERA|TESSERA|20261124120000||ADT^A01^ADT_A01|C-${id}|P|2.5\rEVN|A01\rPID|||X9^^^&${B}&ISO~${id}^^^&${A}&ISO||Doe^John||1980|M\r`;
      const send = async (peer: NodeIdentity, text: string) => parseEr7((await service.handle({ text, peer }))!);

      const refused = await send(stranger, adt('ADT_A', 'HOSP_A', 'v1'));
      expect(refused.segment('MSA')!.get(1)).to.equal('AE');
      const e = refused.segment('ERR')!;
      expect([e.get(2, 1), e.get(2, 2), e.get(2, 3), e.get(2, 4), e.get(2, 5)]).to.deep.equal(['PID', '1', '3', '1', '4']);
      expect([e.get(3, 1), e.get(3, 3)]).to.deep.equal(['207', 'HL70357']);
      expect(e.get(3, 5)).to.equal(`node CN=stranger is not a trusted feed source for domain ${B} (HOSP_B): X9^^^&${B}&ISO`);
      expect(await env.identity.getRecord({ id: 'v1', authority: A })).to.equal(undefined);
      const [audit] = await env.stores.audit.recent(1);
      expect(audit).to.deep.include({ eventTypeCode: 'ITI-8', outcome: 4, sourceNode: 'CN=stranger' });

      // hospital-a may feed A but not B: the B repetition (PID-3 rep 1) is named.
      expect((await send(peerA, adt('ADT_A', 'HOSP_A', 'v2'))).segment('ERR')!.get(3, 5)).to.match(/CN=hospital-a,O=A is not a trusted feed source for domain 1\.2\.840\.10\.2/);
      const onlyA = (app: string) => `MSH|^~\\&|${app}|HOSP_A|TESSERA|TESSERA|20261124120000||ADT^A01^ADT_A01|C-${app}|P|2.5\rEVN|A01\rPID|||v3^^^&${A}&ISO||Doe^Jim||1981|M\r`;
      expect((await send(peerA, onlyA('ADT_A'))).segment('MSA')!.get(1)).to.equal('AA');
      const wrongApp = await send(peerA, onlyA('OTHER'));
      expect(wrongApp.segment('MSA')!.get(1)).to.equal('AE');
      expect(wrongApp.segment('ERR')!.get(3, 5)).to.match(/^sending application OTHER \/ facility HOSP_A is not configured for feed source hospital-a/);
      expect(await env.stores.patients.status({ id: 'v3', authority: A })).to.deep.equal({ state: 'active' });
    });
  });
});
