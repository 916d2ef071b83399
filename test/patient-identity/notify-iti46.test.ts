/**
 * ITI-46 PIX Update Notification: feeds through the real ITI-44 handler, notifications over SOAP 1.2 / mutual
 * TLS to a test double of a PIX Consumer (an HTTPS server that demands a client certificate from the test CA
 * and answers MCCI_IN000002UV01 with the production ack writer), and the wiring in startTessera.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import forge from 'node-forge';
import pino from 'pino';
import type { TlsFiles } from '../../src/config/load-config';
import { SoapAction } from '../../src/ebxml/vocabulary';
import { readHeader } from '../../src/hl7v3/read-message';
import { HL7_NS } from '../../src/hl7v3/vocabulary';
import { writeAck } from '../../src/hl7v3/write-ack';
import { writeUpdateNotification } from '../../src/hl7v3/write-update-notification';
import { NIST_AFFINITY_DOMAIN_OID } from '../../src/patient-identity/domains';
import { ITI46_ACTION, Iti46Notifier, readAckCode, type Iti46Subscriber } from '../../src/patient-identity/notify-iti46';
import { SOAP12_NS, WSA_NS } from '../../src/soap/namespaces';
import { childOf, parseXml, type XmlElement } from '../../src/soap/xml';
import { validateHl7v3, validateHl7v3Many } from '../hl7v3/hl7v3-schema';
import { feedMessage } from '../hl7v3/messages';
import { parseReply } from '../hl7v3/responses';
import { testPki } from '../support/pki';
import { postSoap, soapRequest, startTestServer } from '../support/server';
import { openIdentityEnv, type IdentityEnv } from './support';

const A = '1.2.840.1.1';
const B = '1.2.840.1.2';
const ENT = NIST_AFFINITY_DOMAIN_OID;

interface Received {
  readonly action: string | undefined;
  readonly to: string | undefined;
  readonly peer: string | undefined;
  readonly xml: string;
  readonly ids: string[];
}

/** A PIX Consumer double: mutual TLS against the test CA, answers AA (or `answer`) to every PRPA_IN201302UV02. */
class ConsumerDouble {
  readonly received: Received[] = [];
  answer: 'AA' | 'AE' = 'AA';
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    const pki = testPki();
    this.server = createServer({ ca: pki.ca.cert, cert: pki.server.cert, key: pki.server.key, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const env = parseXml(text);
        const header = childOf(env, SOAP12_NS, 'Header');
        const body = childOf(env, SOAP12_NS, 'Body')!.children[0]!;
        const patient = body.children.find((c) => c.local === 'controlActProcess');
        this.received.push({
          action: header ? childOf(header, WSA_NS, 'Action')?.text.trim() : undefined,
          to: header ? childOf(header, WSA_NS, 'To')?.text.trim() : undefined,
          peer: String((req.socket as TLSSocket).getPeerCertificate().subject?.CN),
          xml: text.slice(text.indexOf(`<${body.local}`), text.lastIndexOf('</soap:Body>')),
          ids: patientIds(patient),
        });
        const ack = writeAck(this.answer, readHeader(body, ['PRPA_IN201302UV02']), { messageId: randomUUID(), now: new Date(), deviceOid: '1.2.3.99' });
        res.writeHead(200, { 'Content-Type': 'application/soap+xml; charset=UTF-8' });
        res.end(`<soap:Envelope xmlns:soap="${SOAP12_NS}"><soap:Body>${ack}</soap:Body></soap:Envelope>`);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `https://localhost:${(this.server.address() as AddressInfo).port}/pix/consumer`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** "authority|id" of every Patient.id in the notification's registrationEvent. */
function patientIds(cap: XmlElement | undefined): string[] {
  const find = (el: XmlElement | undefined, ...names: string[]): XmlElement | undefined =>
    names.reduce<XmlElement | undefined>((e, n) => (e ? childOf(e, HL7_NS, n) : undefined), el);
  const patient = find(cap, 'subject', 'registrationEvent', 'subject1', 'patient');
  return (patient?.children ?? []).filter((c) => c.local === 'id').map((c) => `${c.attrs.root}|${c.attrs.extension}`);
}

/**
 * TLS files of a node whose one certificate serves both ways (serverAuth + clientAuth), as configured
 * TLS_CERT is what this node presents when it calls a consumer; the test PKI's server certificate is
 * serverAuth only, which a consumer checking client certificates rightly refuses.
 */
async function writeNodeTlsFiles(dir: string): Promise<TlsFiles> {
  const ca = testPki().ca;
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `01${randomUUID().replace(/-/g, '')}`;
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'tessera-node' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create());
  const files = { caPath: join(dir, 'ca.pem'), certPath: join(dir, 'node.pem'), keyPath: join(dir, 'node-key.pem') };
  await writeFile(files.caPath, ca.cert);
  await writeFile(files.certPath, forge.pki.certificateToPem(cert));
  await writeFile(files.keyPath, forge.pki.privateKeyToPem(keys.privateKey), { mode: 0o600 });
  return files;
}

function captureLog() {
  const lines: { level: number; msg: string; subscriber?: string; ack?: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

describe('ITI-46 PIX Update Notification', function () {
  let env: IdentityEnv;
  let consumer: ConsumerDouble;

  before(async () => {
    consumer = await new ConsumerDouble().start();
  });
  after(async () => consumer?.stop());
  beforeEach(async () => {
    env = await openIdentityEnv();
    consumer.received.length = 0;
    consumer.answer = 'AA';
  });
  afterEach(async () => env?.close());

  const notifierFor = (subscribers: readonly Iti46Subscriber[], client = testPki().client) => {
    const { log, lines } = captureLog();
    const notifier = new Iti46Notifier({ xref: env.pix.crossReference, subscribers, tls: { ca: testPki().ca.cert, ...client }, log, timeoutMs: 5000, deviceOid: env.pix.deviceOid, custodianOid: env.pix.custodianOid });
    env.pix.crossReference.onPersonChanged(notifier.personChanged);
    return { notifier, lines };
  };

  const feed = async (kind: 'PRPA_IN201301UV02' | 'PRPA_IN201302UV02' | 'PRPA_IN201304UV02', xml: string): Promise<string | undefined> => {
    const action = { PRPA_IN201301UV02: SoapAction.iti44Add, PRPA_IN201302UV02: SoapAction.iti44Revise, PRPA_IN201304UV02: SoapAction.iti44Merge }[kind];
    return parseReply(await env.call(env.pix.iti44, xml, action)).ack;
  };
  const curie = { family: 'Curie', given: 'Marie', birth: '18671107', gender: 'F' };

  it('writes a PRPA_IN201302UV02 that validates against the NE2008 schema', async () => {
    const xml = writeUpdateNotification(
      [{ id: 'p1', authority: A }, { id: 'q<1>', authority: B }, { id: 'e1', authority: ENT }],
      { messageId: randomUUID(), now: new Date(), deviceOid: '1.2.3.4', custodianOid: '1.2.3.5', receiverUrl: 'https://consumer:8443/pix?a=1&b=2' },
    );
    expect(await validateHl7v3(xml, 'PRPA_IN201302UV02')).to.deep.equal([]);
    const root = parseXml(xml);
    expect(childOf(root, HL7_NS, 'acceptAckCode')?.attrs.code).to.equal('AL');
    expect(childOf(childOf(root, HL7_NS, 'controlActProcess')!, HL7_NS, 'code')?.attrs.code).to.equal('PRPA_TE201302UV02');
    expect(patientIds(childOf(root, HL7_NS, 'controlActProcess'))).to.deep.equal([`${A}|p1`, `${B}|q<1>`, `${ENT}|e1`]);
  });

  it('notifies after an ITI-44 add that links a second identifier and after a merge; every message is schema-valid', async () => {
    const { notifier, lines } = notifierFor([{ url: consumer.url }]);
    expect(await feed('PRPA_IN201301UV02', feedMessage('PRPA_IN201301UV02', { id: 'p1', authority: A, ...curie }))).to.equal('AA');
    await notifier.idle();
    const first = consumer.received.length;
    expect(first).to.equal(1); // a new person: its local id and the minted enterprise id
    expect(await feed('PRPA_IN201301UV02', feedMessage('PRPA_IN201301UV02', { id: 'q1', authority: B, ...curie, family: 'CURIE' }))).to.equal('AA');
    await notifier.idle();
    expect(consumer.received).to.have.length(2);
    const linked = consumer.received[1]!;
    expect(linked.action).to.equal(ITI46_ACTION);
    expect(linked.to).to.equal(consumer.url);
    expect(linked.peer).to.equal('test-client');
    expect(linked.ids).to.include.members([`${A}|p1`, `${B}|q1`]);
    expect(linked.ids.filter((i) => i.startsWith(`${ENT}|`))).to.have.length(1);

    await feed('PRPA_IN201301UV02', feedMessage('PRPA_IN201301UV02', { id: 'p2', authority: A, family: 'Sklodowska', given: 'Bronislawa', birth: '18650101', gender: 'F' }));
    expect(await feed('PRPA_IN201304UV02', feedMessage('PRPA_IN201304UV02', { id: 'p1', authority: A, ...curie }, { id: 'p2', authority: A }))).to.equal('AA');
    await notifier.idle();
    const merged = consumer.received.at(-1)!;
    expect(merged.ids).to.include.members([`${A}|p1`, `${B}|q1`]);
    expect(merged.ids).not.to.include(`${A}|p2`); // merged away: no longer an active identifier
    const problems = await validateHl7v3Many(consumer.received.map((r) => r.xml), 'PRPA_IN201302UV02');
    expect(problems.flat()).to.deep.equal([]);
    expect(lines.filter((l) => l.msg === 'ITI-46 notification sent' && l.ack === 'AA')).to.have.length(consumer.received.length);
    expect(JSON.stringify(lines)).not.to.match(/Curie|Sklodowska|p1/); // no demographics or identifiers in logs
  });

  it('sends nothing when a feed does not change the identifiers', async () => {
    const { notifier } = notifierFor([{ url: consumer.url }]);
    await feed('PRPA_IN201301UV02', feedMessage('PRPA_IN201301UV02', { id: 'p1', authority: A, ...curie }));
    await notifier.idle();
    const before = consumer.received.length;
    expect(await feed('PRPA_IN201302UV02', feedMessage('PRPA_IN201302UV02', { id: 'p1', authority: A, ...curie, city: 'Paris' }))).to.equal('AA');
    await notifier.idle();
    expect(consumer.received).to.have.length(before);
  });

  it('a subscriber that is down does not break the feed or the other subscribers (logged)', async () => {
    const down = new ConsumerDouble();
    await down.start();
    const deadUrl = down.url;
    await down.stop();
    const { notifier, lines } = notifierFor([{ url: deadUrl }, { url: consumer.url }]);
    expect(await feed('PRPA_IN201301UV02', feedMessage('PRPA_IN201301UV02', { id: 'p1', authority: A, ...curie }))).to.equal('AA');
    await notifier.idle();
    expect(consumer.received).to.have.length(1);
    expect(lines.some((l) => l.msg === 'ITI-46 notification not delivered' && l.subscriber === deadUrl)).to.equal(true);
  });

  it('sends only the identifiers of the subscriber’s domains, and nothing when it has none', async () => {
    const { notifier } = notifierFor([{ url: consumer.url, domains: [B] }]);
    await feed('PRPA_IN201301UV02', feedMessage('PRPA_IN201301UV02', { id: 'p1', authority: A, ...curie }));
    await notifier.idle();
    expect(consumer.received).to.have.length(0);
    await feed('PRPA_IN201301UV02', feedMessage('PRPA_IN201301UV02', { id: 'q1', authority: B, ...curie }));
    await notifier.idle();
    expect(consumer.received.map((r) => r.ids)).to.deep.equal([[`${B}|q1`]]);
  });

  it('is refused by a consumer that does not trust our client certificate, and logs a non-AA answer', async () => {
    const intruder = notifierFor([{ url: consumer.url }], testPki().otherClient);
    await feed('PRPA_IN201301UV02', feedMessage('PRPA_IN201301UV02', { id: 'p1', authority: A, ...curie }));
    await intruder.notifier.idle();
    expect(consumer.received).to.have.length(0);
    expect(intruder.lines.some((l) => l.msg === 'ITI-46 notification not delivered')).to.equal(true);

    consumer.answer = 'AE';
    const trusted = notifierFor([{ url: consumer.url }]);
    await feed('PRPA_IN201301UV02', feedMessage('PRPA_IN201301UV02', { id: 'q1', authority: B, ...curie }));
    await trusted.notifier.idle();
    expect(consumer.received).to.have.length(1);
    expect(trusted.lines.some((l) => l.msg === 'ITI-46 notification not accepted' && l.ack === 'AE')).to.equal(true);
  });

  it('reads the acknowledgement code only from a SOAP MCCI_IN000002UV01', () => {
    const ack = writeAck('AA', { interaction: 'PRPA_IN201302UV02' }, { messageId: randomUUID(), now: new Date(), deviceOid: '1.2.3' });
    expect(readAckCode(`<s:Envelope xmlns:s="${SOAP12_NS}"><s:Body>${ack}</s:Body></s:Envelope>`)).to.equal('AA');
    expect(readAckCode(ack)).to.equal(undefined);
    expect(readAckCode('not xml')).to.equal(undefined);
  });

  it('startTessera notifies the configured PIX_V3_UPDATE_SUBSCRIBERS with its client identity', async () => {
    const { log, lines } = captureLog();
    const dir = await mkdtemp(join(tmpdir(), 'tessera-iti46-'));
    const tls = await writeNodeTlsFiles(dir);
    const server = await startTestServer({ tls, pixV3UpdateSubscribers: [consumer.url] }, { log });
    try {
      for (const [id, authority] of [['p1', A], ['q1', B]] as const) {
        const res = await postSoap(server, '/pix', soapRequest(SoapAction.iti44Add, feedMessage('PRPA_IN201301UV02', { id, authority, ...curie })));
        expect(res.status).to.equal(200);
      }
    } finally {
      await server.stop(); // awaits the queued notifications
      await rm(dir, { recursive: true, force: true });
    }
    expect(lines.filter((l) => l.level >= 40), 'warnings').to.deep.equal([]);
    expect(consumer.received.map((r) => r.peer)).to.deep.equal(['tessera-node', 'tessera-node']);
    expect(consumer.received[1]!.ids).to.include.members([`${A}|p1`, `${B}|q1`]);
  });
});
