/**
 * String-template writers for the HL7v3 datatypes (design.md convention 5: templates + escapeXml, no DOM).
 * Elements are written unprefixed: the message root declares urn:hl7-org:v3 as the default namespace.
 */
import { escapeXml, type XmlElement } from '../soap/xml';
import type { Address, PatientKey, PatientName, Telecom } from '../patient-identity/model';
import { HL7_NS, XSI_NS } from './vocabulary';
import type { InstanceId } from './read-datatypes';

export const attr = (name: string, value: string | undefined): string =>
  value === undefined || value === '' ? '' : ` ${name}="${escapeXml(value)}"`;

export const ii = (tag: string, id: InstanceId | undefined): string =>
  id ? `<${tag}${attr('root', id.root)}${attr('extension', id.extension)}/>` : `<${tag} nullFlavor="NI"/>`;

export const keyII = (tag: string, k: PatientKey): string => ii(tag, { root: k.authority, extension: k.id });

const parts = (tag: string, values: readonly string[] | undefined): string =>
  (values ?? []).map((v) => `<${tag}>${escapeXml(v)}</${tag}>`).join('');

export function pn(tag: string, n: PatientName): string {
  // PN part order as in the HL7 examples: prefix, given, family, suffix (any order is schema-valid).
  const body = parts('prefix', n.prefix) + parts('given', n.given) + parts('family', n.family) + parts('suffix', n.suffix);
  return `<${tag}${attr('use', n.use)}>${body}</${tag}>`;
}

export function ad(tag: string, a: Address): string {
  const one = (t: string, v: string | undefined) => (v ? `<${t}>${escapeXml(v)}</${t}>` : '');
  const body =
    parts('streetAddressLine', a.streetAddressLine) + one('city', a.city) + one('state', a.state) + one('postalCode', a.postalCode) + one('country', a.country);
  return `<${tag}${attr('use', a.use)}>${body}</${tag}>`;
}

export const tel = (tag: string, t: Telecom): string => `<${tag}${attr('value', t.value)}${attr('use', t.use)}/>`;

/** HL7 TS for "now" (YYYYMMDDHHMMSS, UTC). */
export const tsOf = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);

/**
 * Re-serialises a parsed HL7v3 element (used to echo queryByParameter, ITI TF-2b §3.45.4.2.2 / §3.47.4.2.2).
 * Only HL7 elements and xsi attributes survive: nothing foreign is echoed back.
 */
export function echoElement(el: XmlElement): string {
  if (el.ns !== HL7_NS) return '';
  const attrs = Object.entries(el.attrs)
    .map(([k, v]) => {
      if (k.startsWith(`{${XSI_NS}}`)) return attr(`xsi:${k.slice(XSI_NS.length + 2)}`, v);
      return k.startsWith('{') ? '' : attr(k, v);
    })
    .join('');
  const inner = el.children.length > 0 ? el.children.map(echoElement).join('') : escapeXml(el.text.trim());
  return inner === '' ? `<${el.local}${attrs}/>` : `<${el.local}${attrs}>${inner}</${el.local}>`;
}
