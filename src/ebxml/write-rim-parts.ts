/**
 * String-template pieces of ebRIM 3.0 (rim.xsd): slots, localized strings, classifications, external
 * identifiers. Output uses the `rim:` prefix (and `xml:lang`); the caller's wrapper declares `rim`.
 * Hot path of ITI-18 responses: plain string concatenation, no arrays or objects per call.
 */
import type { Author, Code, LocalizedString, Slot, VersionInfo } from '../metadata/model';
import { escapeXml } from '../soap/xml';
import { AuthorSlots, CodingSchemeSlot, MAX_VALUE_LENGTH } from './slot-tables';
import { ObjectType } from './vocabulary';

const NEEDS_ESCAPE = /[&<>"']/;

/** escapeXml, skipped when nothing needs escaping (the common case: codes, OIDs, timestamps). */
export const esc = (v: string): string => (NEEDS_ESCAPE.test(v) ? escapeXml(v) : v);

/** ` name="value"` when the value is defined, else nothing. */
export const attr = (name: string, value: string | undefined): string =>
  value === undefined ? '' : ` ${name}="${esc(value)}"`;

export function slot(name: string, values: readonly string[], type?: string): string {
  let s = `<rim:Slot name="${esc(name)}"${attr('slotType', type)}><rim:ValueList>`;
  for (let i = 0; i < values.length; i++) s += `<rim:Value>${esc(values[i])}</rim:Value>`;
  return s + '</rim:ValueList></rim:Slot>';
}

/** A single-valued IHE slot; absent when the field is. */
export const slotOne = (name: string, value: string | undefined): string => (value === undefined ? '' : slot(name, [value]));

/** A multi-valued IHE slot; absent when the list is empty. */
export const slotMany = (name: string, values: readonly string[]): string => (values.length === 0 ? '' : slot(name, values));

/** URI slot: values over 256 characters are split into `1|…`, `2|…` parts (ITI TF-3 §4.2.3.2.24). */
export function slotUri(name: string, uri: string | undefined): string {
  if (uri === undefined) return '';
  if (uri.length <= MAX_VALUE_LENGTH) return slot(name, [uri]);
  const chunk = MAX_VALUE_LENGTH - 8; // room for the "nnn|" prefix
  const parts: string[] = [];
  for (let i = 0; i < uri.length; i += chunk) parts.push(`${parts.length + 1}|${uri.slice(i, i + chunk)}`);
  return slot(name, parts);
}

export function extraSlots(slots: readonly Slot[]): string {
  let s = '';
  for (let i = 0; i < slots.length; i++) s += slot(slots[i].name, slots[i].values, slots[i].type);
  return s;
}

function localizedString(ls: LocalizedString): string {
  return `<rim:LocalizedString${attr('xml:lang', ls.lang)}${attr('charset', ls.charset)} value="${esc(ls.value)}"/>`;
}

export const nameOf = (ls: LocalizedString | undefined): string =>
  ls === undefined ? '' : `<rim:Name>${localizedString(ls)}</rim:Name>`;

export const descriptionOf = (ls: LocalizedString | undefined): string =>
  ls === undefined ? '' : `<rim:Description>${localizedString(ls)}</rim:Description>`;

export const versionInfoOf = (v: VersionInfo | undefined): string =>
  v === undefined ? '' : `<rim:VersionInfo${attr('versionName', v.versionName)}${attr('comment', v.comment)}/>`;

const UUID_HEAD = /^urn:uuid:[0-9a-fA-F]{8}-/;

/**
 * Id of the n-th classification / external identifier of an object, derived from the object id so the same
 * object always serialises the same way. For a urn:uuid id the first 32 bits are mixed with n (golden-ratio
 * multiple, never 0 for small n, so never the parent id itself); the other 96 bits stay the parent's, so ids
 * of different objects cannot meet. A symbolic id gets a suffix.
 */
export function childId(parentId: string, n: number): string {
  if (!UUID_HEAD.test(parentId)) return `${parentId}_${n}`;
  const head = (parseInt(parentId.slice(9, 17), 16) ^ Math.imul(0x9e3779b9, n + 1)) >>> 0;
  return `urn:uuid:${head.toString(16).padStart(8, '0')}${parentId.slice(17)}`;
}

export function codeClassification(id: string, scheme: string, objectId: string, c: Code | undefined): string {
  if (c === undefined) return '';
  return (
    `<rim:Classification id="${esc(id)}" classificationScheme="${scheme}" classifiedObject="${esc(objectId)}"` +
    ` nodeRepresentation="${esc(c.code)}" objectType="${ObjectType.classification}">` +
    `${slot(CodingSchemeSlot, [c.codingScheme])}${nameOf(c.displayName)}</rim:Classification>`
  );
}

/** Author classification: empty nodeRepresentation, values in slots (ITI TF-3 §4.2.3.1.4). */
export function authorClassification(id: string, scheme: string, objectId: string, a: Author): string {
  return (
    `<rim:Classification id="${esc(id)}" classificationScheme="${scheme}" classifiedObject="${esc(objectId)}"` +
    ` nodeRepresentation="" objectType="${ObjectType.classification}">` +
    slotOne(AuthorSlots.person, a.person) +
    slotMany(AuthorSlots.institution, a.institutions) +
    slotMany(AuthorSlots.role, a.roles) +
    slotMany(AuthorSlots.specialty, a.specialties) +
    slotMany(AuthorSlots.telecom, a.telecom) +
    '</rim:Classification>'
  );
}

/** A classification by node only: SubmissionSet / Folder typing, limitedMetadata. */
export const nodeClassification = (id: string, node: string, objectId: string): string =>
  `<rim:Classification id="${esc(id)}" classifiedObject="${esc(objectId)}" classificationNode="${node}" objectType="${ObjectType.classification}"/>`;

export function externalIdentifier(id: string, scheme: string, objectId: string, value: string | undefined, name: string): string {
  if (value === undefined) return '';
  return (
    `<rim:ExternalIdentifier id="${esc(id)}" registryObject="${esc(objectId)}" identificationScheme="${scheme}"` +
    ` value="${esc(value)}" objectType="${ObjectType.externalIdentifier}"><rim:Name><rim:LocalizedString value="${name}"/></rim:Name></rim:ExternalIdentifier>`
  );
}
