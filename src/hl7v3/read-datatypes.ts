/**
 * Readers for the HL7v3 datatypes the patient messages use (II, PN, AD, TEL, TS, CE). Pure: XmlElement in,
 * plain values out. Only elements in the HL7v3 namespace count (a foreign namespace is not HL7 data).
 */
import { Hl7v3Error } from '../errors';
import type { XmlElement } from '../soap/xml';
import type { Address, PatientKey, PatientName, Telecom } from '../patient-identity/model';
import { AckDetailCode, HL7_NS } from './vocabulary';

export const kid = (el: XmlElement | undefined, local: string): XmlElement | undefined =>
  el?.children.find((c) => c.ns === HL7_NS && c.local === local);

export const kids = (el: XmlElement | undefined, local: string): XmlElement[] =>
  el ? el.children.filter((c) => c.ns === HL7_NS && c.local === local) : [];

/** Follows a path of HL7 child names; undefined as soon as one is missing. */
export const path = (el: XmlElement | undefined, ...locals: string[]): XmlElement | undefined =>
  locals.reduce<XmlElement | undefined>((cur, l) => kid(cur, l), el);

/** A malformed message: AR (HL7v3 MCCI; ITI TF-2b §3.44.4.1.3 "application reject"). */
export const malformed = (what: string): Hl7v3Error => new Hl7v3Error('AR', what, AckDetailCode.requiredFieldMissing);

export interface InstanceId {
  readonly root: string;
  readonly extension?: string;
}

export function readII(el: XmlElement | undefined): InstanceId | undefined {
  const root = el?.attrs.root?.trim();
  if (!el || !root || el.attrs.nullFlavor) return undefined;
  const ext = el.attrs.extension?.trim();
  return ext ? { root, extension: ext } : { root };
}

/** A patient identifier is an II with both root (the assigning authority OID) and extension. */
export function readKey(el: XmlElement | undefined): PatientKey | undefined {
  const ii = readII(el);
  return ii?.extension ? { id: ii.extension, authority: ii.root } : undefined;
}

const texts = (el: XmlElement, local: string): string[] =>
  kids(el, local)
    .map((c) => c.text.trim())
    .filter((t) => t !== '');

export function readPN(el: XmlElement | undefined): PatientName | undefined {
  if (!el || el.attrs.nullFlavor) return undefined;
  const name: PatientName = {
    family: texts(el, 'family'),
    given: texts(el, 'given'),
    prefix: texts(el, 'prefix'),
    suffix: texts(el, 'suffix'),
    ...(el.attrs.use ? { use: el.attrs.use } : {}),
  };
  return name.family.length + name.given.length > 0 ? name : undefined;
}

const firstText = (el: XmlElement, local: string): string | undefined => texts(el, local)[0];

export function readAD(el: XmlElement | undefined): Address | undefined {
  if (!el || el.attrs.nullFlavor) return undefined;
  const a: Address = {
    streetAddressLine: texts(el, 'streetAddressLine'),
    city: firstText(el, 'city'),
    state: firstText(el, 'state'),
    postalCode: firstText(el, 'postalCode'),
    country: firstText(el, 'country'),
    use: el.attrs.use,
  };
  const valued = a.streetAddressLine.length > 0 || a.city || a.state || a.postalCode || a.country;
  return valued ? a : undefined;
}

export function readTEL(el: XmlElement | undefined): Telecom | undefined {
  const value = el?.attrs.value?.trim();
  if (!el || !value) return undefined;
  return el.attrs.use ? { value, use: el.attrs.use } : { value };
}

/** TS value: kept as the HL7 string; only its shape is checked (YYYY[MM[DD[HH[MM[SS]]]]] with optional zone). */
export function readTS(el: XmlElement | undefined, where: string): string | undefined {
  const v = el?.attrs.value?.trim();
  if (!v) return undefined;
  if (!/^\d{4}(\d{2}){0,5}(\.\d+)?([+-]\d{4})?$/.test(v)) {
    throw new Hl7v3Error('AE', `${where} is not an HL7 TS value`, AckDetailCode.dataTypeError);
  }
  return v;
}

export const readCode = (el: XmlElement | undefined): string | undefined => el?.attrs.code?.trim() || undefined;
