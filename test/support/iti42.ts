/**
 * ITI-42 wire messages for tests, built from the golden fixture fixtures/iti42/single-doc.xml.
 * Every message gets fresh uniqueIds unless told otherwise, so tests never collide.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { parseXml, type XmlElement } from '../../src/soap/xml';
import { registryResponseOf, type Outcome } from '../repository/pnr';
import { NS } from '../../src/ebxml/vocabulary';

const GOLDEN = readFileSync(join(__dirname, '../../fixtures/iti42/single-doc.xml'), 'utf8').replace(/<\?xml[^>]*>\s*/, '')
  .replace(/<!--[\s\S]*?-->\s*/g, '');

let counter = 0;
/** A fresh OID under a test arc. */
export const newOid = (): string => `1.3.6.1.4.1.21367.2005.3.7.${Date.now()}.${process.pid}.${++counter}`;
export const newPatient = (): string => `T${randomInt(1e9)}-${++counter}^^^&1.3.6.1.4.1.21367.13.20.1000&ISO`;

export interface SingleDocVars {
  readonly pid: string;
  readonly ssUid?: string;
  readonly docUid?: string;
  readonly hash?: string;
  readonly size?: string;
  /** Extra rim objects appended to the RegistryObjectList. */
  readonly extra?: string;
  /** Replaces the symbolic ids (SubmissionSet01, Document01, as-01) with these, e.g. pre-assigned UUIDs. */
  readonly ids?: { readonly ss?: string; readonly doc?: string; readonly assoc?: string };
}

export function singleDoc(v: SingleDocVars): { xml: string; ssUid: string; docUid: string } {
  const ssUid = v.ssUid ?? newOid();
  const docUid = v.docUid ?? newOid();
  let xml = GOLDEN.replaceAll('$PID$', escapeAmp(v.pid))
    .replaceAll('$SSUID$', ssUid)
    .replaceAll('$DOCUID$', docUid)
    .replaceAll('$HASH$', v.hash ?? 'da39a3ee5e6b4b0d3255bfef95601890afd80709')
    .replaceAll('$SIZE$', v.size ?? '1024');
  if (v.ids?.ss) xml = xml.replaceAll('"SubmissionSet01"', `"${v.ids.ss}"`);
  if (v.ids?.doc) xml = xml.replaceAll('"Document01"', `"${v.ids.doc}"`);
  if (v.ids?.assoc) xml = xml.replaceAll('"as-01"', `"${v.ids.assoc}"`);
  if (v.extra) xml = xml.replace('</rim:RegistryObjectList>', `${v.extra}</rim:RegistryObjectList>`);
  return { xml, ssUid, docUid };
}

const escapeAmp = (s: string) => s.replaceAll('&', '&amp;');

export function association(o: {
  id: string;
  type: 'HasMember' | 'RPLC' | 'APND' | 'XFRM' | 'XFRM_RPLC' | 'signs';
  source: string;
  target: string;
  ssStatus?: 'Original' | 'Reference';
}): string {
  const urn =
    o.type === 'HasMember'
      ? 'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember'
      : `urn:ihe:iti:2007:AssociationType:${o.type}`;
  const slot = o.ssStatus
    ? `<rim:Slot name="SubmissionSetStatus"><rim:ValueList><rim:Value>${o.ssStatus}</rim:Value></rim:ValueList></rim:Slot>`
    : '';
  return `<rim:Association id="${o.id}" associationType="${urn}" sourceObject="${o.source}" targetObject="${o.target}">${slot}</rim:Association>`;
}

export function folder(o: { id: string; uid: string; pid: string; lastUpdateTime?: string }): string {
  const last = o.lastUpdateTime
    ? `<rim:Slot name="lastUpdateTime"><rim:ValueList><rim:Value>${o.lastUpdateTime}</rim:Value></rim:ValueList></rim:Slot>`
    : '';
  return `<rim:RegistryPackage id="${o.id}">${last}
    <rim:Name><rim:LocalizedString value="Test folder"/></rim:Name>
    <rim:Classification id="${o.id}-code" classificationScheme="urn:uuid:1ba97051-7806-41a8-a48b-8fce7af683c5" classifiedObject="${o.id}" nodeRepresentation="Referrals">
      <rim:Slot name="codingScheme"><rim:ValueList><rim:Value>1.3.6.1.4.1.21367.2017.3</rim:Value></rim:ValueList></rim:Slot>
      <rim:Name><rim:LocalizedString value="Referrals"/></rim:Name>
    </rim:Classification>
    <rim:ExternalIdentifier id="${o.id}-pid" registryObject="${o.id}" identificationScheme="urn:uuid:f64ffdf0-4b97-4e06-b79f-a52b38ec2f8a" value="${escapeAmp(o.pid)}">
      <rim:Name><rim:LocalizedString value="XDSFolder.patientId"/></rim:Name>
    </rim:ExternalIdentifier>
    <rim:ExternalIdentifier id="${o.id}-uid" registryObject="${o.id}" identificationScheme="urn:uuid:75df8f67-9973-4fbe-a900-df66cefecc5a" value="${o.uid}">
      <rim:Name><rim:LocalizedString value="XDSFolder.uniqueId"/></rim:Name>
    </rim:ExternalIdentifier>
  </rim:RegistryPackage>
  <rim:Classification id="${o.id}-node" classifiedObject="${o.id}" classificationNode="urn:uuid:d9d542f3-6cc4-48b6-8870-ea235fbc94c2"/>`;
}

// ---- reading replies ----

export interface ParsedRegistryResponse extends Outcome {
  readonly xml: string; // the whole SOAP reply
}

export function parseRegistryResponse(soapText: string): ParsedRegistryResponse {
  const rr = findElement(parseXml(soapText), NS.rs, 'RegistryResponse');
  if (!rr) throw new Error(`no rs:RegistryResponse in reply: ${soapText.slice(0, 500)}`);
  return { ...registryResponseOf(rr), xml: soapText };
}

/** Finds the first element with this namespace and local name, depth first. */
export function findElement(el: XmlElement, ns: string, local: string): XmlElement | undefined {
  if (el.ns === ns && el.local === local) return el;
  for (const c of el.children) {
    const hit = findElement(c, ns, local);
    if (hit) return hit;
  }
  return undefined;
}
