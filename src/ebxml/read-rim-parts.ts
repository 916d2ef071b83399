/**
 * Reads the parts every ebRIM RegistryObject shares (Slot, Name, Description, VersionInfo, Classification,
 * ExternalIdentifier) into neutral pieces, checked against the object's KindSpec. Wire-level problems are
 * reported through `Problems`, never thrown, so one pass collects them all.
 */
import type { Author, Code, LocalizedString, Slot, VersionInfo } from '../metadata/model';
import { childOf, childrenOf, type XmlElement } from '../soap/xml';
import { AuthorSlots, CodingSchemeSlot, type KindSpec } from './slot-tables';
import { NS } from './vocabulary';
import { XML_NS } from './vocabulary';

export interface Problems {
  /** A wire-level error: the object cannot be read as sent. */
  error(context: string): void;
  /** Something accepted but dropped (e.g. an unknown classification scheme): XDSExtraMetadataNotSaved. */
  dropped(context: string): void;
}

export interface Parts {
  /** IHE-defined slots of the kind, cardinality already checked. */
  readonly slots: ReadonlyMap<string, readonly string[]>;
  readonly extraSlots: readonly Slot[];
  /** Model field → codes, in document order. */
  readonly codes: ReadonlyMap<string, readonly Code[]>;
  readonly authors: readonly Author[];
  /** Model field → external identifier value. */
  readonly ids: ReadonlyMap<string, string>;
  readonly limitedMetadata: boolean;
}

const LOCALIZED_LANG = `{${XML_NS}}lang`;

/** ` (a, b)` naming the offending values; long lists are cut so codeContext stays readable. */
const listed = (values: readonly string[]): string =>
  values.length === 0 ? '' : ` (${values.slice(0, 5).join(', ')}${values.length > 5 ? ', …' : ''})`;

export const objectLabel = (kind: string, id: string, uniqueId?: string): string =>
  `${kind} ${id}${uniqueId ? ` (uniqueId ${uniqueId})` : ''}`;

export function readSlot(el: XmlElement): Slot {
  const list = childOf(el, NS.rim, 'ValueList');
  const values = list ? childrenOf(list, NS.rim, 'Value').map((v) => v.text) : [];
  const type = el.attrs.slotType;
  return type ? { name: el.attrs.name ?? '', type, values } : { name: el.attrs.name ?? '', values };
}

/** First LocalizedString of rim:Name / rim:Description; an empty element means "absent". */
export function readLocalized(el: XmlElement, local: 'Name' | 'Description'): LocalizedString | undefined {
  const holder = childOf(el, NS.rim, local);
  const ls = holder && childOf(holder, NS.rim, 'LocalizedString');
  if (!ls || ls.attrs.value === undefined) return undefined;
  const lang = ls.attrs[LOCALIZED_LANG];
  const charset = ls.attrs.charset;
  return { value: ls.attrs.value, ...(lang ? { lang } : {}), ...(charset ? { charset } : {}) };
}

export function readVersionInfo(el: XmlElement): VersionInfo | undefined {
  const v = childOf(el, NS.rim, 'VersionInfo');
  if (!v) return undefined;
  const { versionName, comment } = v.attrs;
  return { ...(versionName !== undefined ? { versionName } : {}), ...(comment !== undefined ? { comment } : {}) };
}

/** Splits an object's slots into IHE slots (cardinality checked) and extra slots kept in order. */
function readSlots(el: XmlElement, spec: KindSpec, label: string, p: Problems) {
  const slots = new Map<string, readonly string[]>();
  const extraSlots: Slot[] = [];
  const seen = new Set<string>();
  for (const slotEl of childrenOf(el, NS.rim, 'Slot')) {
    const slot = readSlot(slotEl);
    // ebRIM 3.0 §4.3: slot names are unique within one object.
    if (seen.has(slot.name)) p.error(`${label}: slot ${slot.name} appears more than once`);
    seen.add(slot.name);
    const card = spec.slots[slot.name];
    if (card === undefined) {
      extraSlots.push(slot);
      continue;
    }
    const joined = card === 'uri' ? joinUri(slot.values) : undefined;
    if (card === 'multi') slots.set(slot.name, slot.values);
    else if (joined !== undefined) slots.set(slot.name, [joined]);
    else if (slot.values.length === 1) slots.set(slot.name, slot.values);
    else p.error(`${label}: slot ${slot.name} has ${slot.values.length} values${listed(slot.values)}, expected 1`);
  }
  return { slots, extraSlots };
}

/** URI slot (§4.2.3.2.24): a single value, or every value `n|part` → parts joined in n order. */
function joinUri(values: readonly string[]): string | undefined {
  if (values.length === 1) return values[0];
  if (values.length === 0) return undefined;
  const parts: { n: number; text: string }[] = [];
  for (const v of values) {
    const m = /^(\d+)\|/.exec(v);
    if (!m) return undefined;
    parts.push({ n: Number(m[1]), text: v.slice(m[0].length) });
  }
  parts.sort((a, b) => a.n - b.n);
  return parts.every((x, i) => x.n === i + 1) ? parts.map((x) => x.text).join('') : undefined;
}

function readCode(cl: XmlElement, label: string, what: string, p: Problems): Code | undefined {
  const code = cl.attrs.nodeRepresentation;
  const schemeSlots = childrenOf(cl, NS.rim, 'Slot').map(readSlot);
  const coding = schemeSlots.filter((s) => s.name === CodingSchemeSlot);
  let ok = true;
  if (!code) {
    p.error(`${label}: ${what} classification ${cl.attrs.id ?? ''} has no nodeRepresentation (code)`);
    ok = false;
  }
  if (coding.length === 0) {
    p.error(`${label}: ${what} classification ${cl.attrs.id ?? ''} (code ${code ?? ''}) has no codingScheme slot`);
    return undefined;
  }
  const values = coding.flatMap((s) => s.values);
  if (values.length !== 1) {
    p.error(`${label}: ${what} code ${code ?? ''} slot codingScheme has ${values.length} values${listed(values)}, expected 1`);
    return undefined;
  }
  for (const s of schemeSlots) if (s.name !== CodingSchemeSlot) p.dropped(`${label}: ${what} code ${code}: slot ${s.name}`);
  const displayName = readLocalized(cl, 'Name');
  return ok && code ? { code, codingScheme: values[0], ...(displayName ? { displayName } : {}) } : undefined;
}

/** Slot names an author classification may carry. */
const KNOWN_AUTHOR_SLOTS: ReadonlySet<string> = new Set<string>(Object.values(AuthorSlots));

function readAuthor(cl: XmlElement, label: string, p: Problems): Author | undefined {
  const slots = childrenOf(cl, NS.rim, 'Slot').map(readSlot);
  const values = (name: string) => slots.filter((s) => s.name === name).flatMap((s) => s.values);
  for (const s of slots) if (!KNOWN_AUTHOR_SLOTS.has(s.name)) p.dropped(`${label}: author ${cl.attrs.id ?? ''}: slot ${s.name}`);
  const persons = values(AuthorSlots.person);
  const institutions = values(AuthorSlots.institution);
  if (persons.length > 1) {
    p.error(`${label}: author ${cl.attrs.id ?? ''} slot authorPerson has ${persons.length} values${listed(persons)}, expected 1`);
    return undefined;
  }
  if (persons.length === 0 && institutions.length === 0) {
    p.error(`${label}: author ${cl.attrs.id ?? ''} has neither authorPerson nor authorInstitution`);
    return undefined;
  }
  return {
    ...(persons.length ? { person: persons[0] } : {}),
    institutions,
    roles: values(AuthorSlots.role),
    specialties: values(AuthorSlots.specialty),
    telecom: values(AuthorSlots.telecom),
  };
}

/** Classifications → codes (by model field), authors and the limitedMetadata flag, per the kind's scheme table. */
function readClassifications(classifications: readonly XmlElement[], spec: KindSpec, label: string, p: Problems) {
  const codes = new Map<string, Code[]>();
  const authors: Author[] = [];
  let limitedMetadata = false;
  for (const cl of classifications) {
    const scheme = cl.attrs.classificationScheme;
    const node = cl.attrs.classificationNode;
    if (spec.limitedMetadata && (node === spec.limitedMetadata || scheme === spec.limitedMetadata)) {
      limitedMetadata = true;
      continue;
    }
    const target = scheme ? spec.classifications[scheme] : undefined;
    if (!target) {
      // Classification nodes that type a RegistryPackage were consumed by the caller.
      if (!node) p.dropped(`${label}: classification ${cl.attrs.id ?? ''} with scheme ${scheme ?? '(none)'}`);
      continue;
    }
    if (target.shape === 'author') {
      const a = readAuthor(cl, label, p);
      if (a) authors.push(a);
      continue;
    }
    const code = readCode(cl, label, target.field, p);
    if (!code) continue;
    const list = codes.get(target.field) ?? [];
    list.push(code);
    codes.set(target.field, list);
  }
  for (const [field, list] of codes) {
    const shape = Object.values(spec.classifications).find((c) => c.field === field)?.shape;
    if (shape === 'code' && list.length > 1) {
      p.error(`${label}: classification ${field} appears ${list.length} times (${list.map((c) => c.code).join(', ')}), expected 1`);
    }
  }
  return { codes, authors, limitedMetadata };
}

function readExternalIds(eis: readonly XmlElement[], spec: KindSpec, label: string, p: Problems) {
  const ids = new Map<string, string>();
  for (const ei of eis) {
    const scheme = ei.attrs.identificationScheme ?? '';
    const field = spec.externalIds[scheme];
    const value = ei.attrs.value;
    if (!field) {
      p.dropped(`${label}: external identifier ${ei.attrs.id ?? ''} with scheme ${scheme || '(none)'}`);
      continue;
    }
    if (!value) {
      p.error(`${label}: external identifier ${field} (${ei.attrs.id ?? 'no id'}) has no value`);
      continue;
    }
    const prior = ids.get(field);
    if (prior !== undefined) p.error(`${label}: external identifier ${field} appears twice (${prior}, ${value}), expected 1`);
    else ids.set(field, value);
  }
  return ids;
}

/** First value of the external identifier with this scheme: used to name the object in messages. */
export const externalIdValue = (eis: readonly XmlElement[], scheme: string | undefined): string | undefined =>
  scheme ? eis.find((e) => e.attrs.identificationScheme === scheme)?.attrs.value || undefined : undefined;

export function readParts(
  el: XmlElement,
  classifications: readonly XmlElement[],
  externalIds: readonly XmlElement[],
  spec: KindSpec,
  label: string,
  p: Problems,
): Parts {
  const { slots, extraSlots } = readSlots(el, spec, label, p);
  const { codes, authors, limitedMetadata } = readClassifications(classifications, spec, label, p);
  const ids = readExternalIds(externalIds, spec, label, p);
  return { slots, extraSlots, codes, authors, ids, limitedMetadata };
}
