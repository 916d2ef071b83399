/**
 * How the runner tells the server about the patient IDs of a run. NIST uses ITI-8 (HL7v2 over MLLP);
 * Tessera's PIX Manager takes ITI-44 Patient Identity Feed HL7 V3 (PRPA_IN201301UV02, ITI TF-2b §3.44).
 * Variants: ITI-44 client, ITI-8 client (ADT^A01 over MLLP/TLS), none (--no-feed: the server already knows
 * them or does not check), and an in-process feed (a function) used by self mode.
 */
import { randomUUID } from 'node:crypto';
import { escapeXml } from '../soap/xml';
import { SoapAction } from '../ebxml/vocabulary';
import { postSoap, type Tls } from './http-client';
import { findAll } from './xml-tree';
import { sendMllp } from '../app/mllp-server';

export interface PatientFeed {
  add(cx: string): Promise<void>;
}

/** Assigning authority of the patient IDs the runner invents (IHE test OID arc; documented in README). */
export const RUN_AUTHORITY = '1.3.6.1.4.1.21367.13.20.1000';

export function newPatientId(): string {
  return `TS${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}^^^&${RUN_AUTHORITY}&ISO`;
}

/** `id^^^&oid&ISO` → parts; throws on anything else. */
export function parseCx(cx: string): { id: string; authority: string } {
  const m = /^([^^&]+)\^\^\^&([0-9]+(?:\.[0-9]+)*)&ISO$/.exec(cx);
  if (!m) throw new Error(`not a CX of the form id^^^&OID&ISO: ${cx}`);
  return { id: m[1], authority: m[2] };
}

export const noFeed = (): PatientFeed => ({ add: async () => undefined });

export const inProcessFeed = (add: (cx: string) => Promise<unknown>): PatientFeed => ({
  add: async (cx) => {
    await add(cx);
  },
});

const DTM = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);

/** PRPA_IN201301UV02 (Patient Registry Record Added) with the minimum the PIX Manager needs. */
export function iti44AddMessage(cx: string, now = new Date()): string {
  const { id, authority } = parseCx(cx);
  return (
    `<PRPA_IN201301UV02 xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0"><id root="${randomUUID()}"/>` +
    `<creationTime value="${DTM(now)}"/><interactionId root="2.16.840.1.113883.1.6" extension="PRPA_IN201301UV02"/>` +
    `<processingCode code="P"/><processingModeCode code="T"/><acceptAckCode code="AL"/>` +
    `<receiver typeCode="RCV"><device classCode="DEV" determinerCode="INSTANCE"><id root="1.3.6.1.4.1.21367.13.20.1001"/></device></receiver>` +
    `<sender typeCode="SND"><device classCode="DEV" determinerCode="INSTANCE"><id root="${RUN_AUTHORITY}"/></device></sender>` +
    `<controlActProcess classCode="CACT" moodCode="EVN"><code code="PRPA_TE201301UV02" codeSystem="2.16.840.1.113883.1.6"/>` +
    `<subject typeCode="SUBJ"><registrationEvent classCode="REG" moodCode="EVN"><id nullFlavor="NA"/><statusCode code="active"/>` +
    `<subject1 typeCode="SBJ"><patient classCode="PAT"><id root="${escapeXml(authority)}" extension="${escapeXml(id)}"/>` +
    `<statusCode code="active"/><patientPerson classCode="PSN" determinerCode="INSTANCE"><name><given>Conformance</given>` +
    `<family>Test</family></name></patientPerson>` +
    `<providerOrganization classCode="ORG" determinerCode="INSTANCE"><id root="${escapeXml(authority)}"/>` +
    `<contactParty classCode="CON"/></providerOrganization>` +
    `</patient></subject1><custodian typeCode="CST"><assignedEntity classCode="ASSIGNED"><id root="${escapeXml(authority)}"/>` +
    `</assignedEntity></custodian></registrationEvent></subject></controlActProcess></PRPA_IN201301UV02>`
  );
}

/** ITI-44 feed over SOAP 1.2 / mutual TLS; expects an MCCI_IN000002UV01 with acknowledgement code AA. */
export function iti44Feed(url: string, tls: Tls): PatientFeed {
  return {
    async add(cx) {
      const reply = await postSoap(url, SoapAction.iti44Add, iti44AddMessage(cx), tls);
      if (reply.problem || !reply.body) throw new Error(`ITI-44 feed of ${cx} failed: ${reply.problem}`);
      const ack = findAll(reply.body, 'acknowledgement')[0];
      const code = ack?.children.find((c) => c.local === 'typeCode')?.attrs.code;
      if (reply.body.local !== 'MCCI_IN000002UV01' || code !== 'AA') {
        throw new Error(`ITI-44 feed of ${cx}: expected MCCI_IN000002UV01 AA, got ${reply.body.local} ${code ?? '(no ack)'}`);
      }
    },
  };
}

/** ADT^A01 (v2.5) announcing the patient, as the NIST toolkit's ITI-8 feed sends it (ITI TF-2a §3.8). */
export function iti8AddMessage(cx: string, now = new Date()): string {
  const ts = DTM(now);
  return [
    `MSH|^~\\&|TESSERA_CONFORMANCE|TESSERA|PIX_MANAGER|HIE|${ts}||ADT^A01^ADT_A01|${randomUUID().replace(/-/g, '').slice(0, 20)}|P|2.5`,
    `EVN|A01|${ts}`,
    `PID|||${cx}||CONFORMANCE^PATIENT||19700101|U`,
    'PV1||O',
  ].join('\r') + '\r';
}

/** ITI-8 feed over MLLP with mutual TLS; expects an ACK with MSA-1 = AA. `target` is host:port. */
export function iti8Feed(target: string, tls: Tls): PatientFeed {
  const m = /^(.+):(\d{1,5})$/.exec(target);
  if (!m) throw new Error(`--mllp: expected host:port, got ${target}`);
  const to = { host: m[1]!, port: Number(m[2]) };
  const pem = { ca: tls.ca?.toString('utf8') ?? '', cert: tls.cert?.toString('utf8') ?? '', key: tls.key?.toString('utf8') ?? '' };
  return {
    async add(cx) {
      const reply = await sendMllp(to, iti8AddMessage(cx), pem);
      const msa = reply.split('\r').find((line) => line.startsWith('MSA|'));
      if (msa?.split('|')[1] !== 'AA') throw new Error(`ITI-8 feed of ${cx}: expected ACK AA, got ${msa ?? '(no MSA segment)'}`);
    },
  };
}
