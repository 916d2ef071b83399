/**
 * Generic checking of stored-query parameters against a query's table, then typed access for executors.
 *
 * ITI TF-2a §3.18.4.1.2.3: required parameters missing → XDSStoredQueryMissingParam; a single-valued
 * parameter with several values (or repeated) → XDSStoredQueryParamNumber; parameters the query does not
 * define are ignored (ebRS 3.0 §6.3.2.1); status values not understood are ignored (§3.18.4.1.2.3.6).
 */
import { XdsCode, XdsError } from '../../errors';
import { associationTypeByUrn } from '../../ebxml/association-types';
import { ObjectType, StatusPrefix } from '../../ebxml/vocabulary';
import type { AssociationType, AvailabilityStatus, DocumentEntryType } from '../../metadata/model';
import { checkDtm } from '../../metadata/hl7-types';
import type { CodeFilter, TimeRange } from '../ports';
import type { ParamDef, StoredQueryDef } from './types';

type Raw = ReadonlyMap<string, readonly (readonly string[])[]>;
type CodeValue = { readonly code: string; readonly codingScheme: string };

const STATUSES: ReadonlyMap<string, AvailabilityStatus> = new Map(
  (['Approved', 'Deprecated', 'Submitted'] as const).map((s) => [StatusPrefix + s, s]),
);
const ENTRY_TYPES: ReadonlyMap<string, DocumentEntryType> = new Map([
  [ObjectType.stableDocumentEntry, 'stable'],
  [ObjectType.onDemandDocumentEntry, 'on-demand'],
]);

const badValue = (name: string, value: string, why: string): XdsError =>
  XdsError.of(XdsCode.RegistryError, `parameter ${name}: invalid value "${value}" (${why})`);

/** `code^^scheme` (§3.18.4.1.2.3.7.1: coded parameters carry code and coding scheme). */
export function parseCodeParam(name: string, value: string): CodeValue {
  const at = value.indexOf('^^');
  const code = at < 0 ? '' : value.slice(0, at);
  const codingScheme = at < 0 ? '' : value.slice(at + 2);
  if (!code || !codingScheme || codingScheme.includes('^')) {
    throw badValue(name, value, 'expected code^^codingScheme');
  }
  return { code, codingScheme };
}

/** $MetadataLevel: 1 (XDS metadata only) or 2 (with Metadata Update content); any other value is malformed. */
const METADATA_LEVELS: ReadonlySet<string> = new Set(['1', '2']);

function checkValue(def: ParamDef, value: string): void {
  if (def.kind === 'code') parseCodeParam(def.name, value);
  else if (def.kind === 'metadataLevel') {
    if (!METADATA_LEVELS.has(value)) throw badValue(def.name, value, 'expected 1 or 2');
  }
  else if (def.kind === 'time') {
    const problem = checkDtm(value);
    if (problem) throw badValue(def.name, value, problem);
  }
}

/** Validates `raw` against the query's table; throws the first XdsError. */
export function checkParams(def: StoredQueryDef, raw: Raw): QueryParams {
  const present = new Map<string, readonly (readonly string[])[]>();
  for (const p of def.params) {
    const slots = (raw.get(p.name) ?? []).filter((s) => s.length > 0);
    if (slots.length === 0) {
      if (p.required) throw XdsError.of(XdsCode.StoredQueryMissingParam, `${def.name}: required parameter ${p.name} is missing`);
      continue;
    }
    if (!p.multi && (slots.length > 1 || slots[0]!.length > 1)) {
      const n = slots.reduce((a, s) => a + s.length, 0);
      throw XdsError.of(XdsCode.StoredQueryParamNumber, `${def.name}: parameter ${p.name} is single-valued but has ${n} values`);
    }
    for (const s of slots) for (const v of s) checkValue(p, v);
    present.set(p.name, slots);
  }
  for (const group of def.oneOf ?? []) {
    if (!group.some((n) => present.has(n))) {
      throw XdsError.of(XdsCode.StoredQueryMissingParam, `${def.name}: one of ${group.join(', ')} is required`);
    }
  }
  for (const group of def.exclusive ?? []) {
    const given = group.filter((n) => present.has(n));
    if (given.length > 1) {
      throw XdsError.of(XdsCode.StoredQueryParamNumber, `${def.name}: only one of ${given.join(', ')} may be given`);
    }
  }
  return new QueryParams(def.name, present);
}

const mapKnown = <T>(values: readonly string[], table: ReadonlyMap<string, T>): T[] => [
  ...new Set(values.flatMap((v) => (table.has(v) ? [table.get(v)!] : []))),
];

/** Typed, already-validated access to the parameters that were present. */
export class QueryParams {
  constructor(
    readonly queryName: string,
    private readonly present: ReadonlyMap<string, readonly (readonly string[])[]>,
  ) {}

  has(name: string): boolean {
    return this.present.has(name);
  }

  /** Every value of every Slot of the parameter (OR semantics), or undefined when absent. */
  strings(name: string): string[] | undefined {
    const slots = this.present.get(name);
    return slots ? [...new Set(slots.flat())] : undefined;
  }

  string(name: string): string | undefined {
    return this.present.get(name)?.[0]?.[0];
  }

  /** OR across all values: ClassCode, TypeCode, FormatCode, … */
  code(name: string): CodeFilter | undefined {
    const values = this.strings(name);
    return values && { anyOf: values.map((v) => parseCodeParam(name, v)) };
  }

  /** One CodeFilter per Slot: ANDed by the store (EventCodeList, ConfidentialityCode, FolderCodeList). */
  codeSets(name: string): CodeFilter[] | undefined {
    const slots = this.present.get(name);
    return slots?.map((s) => ({ anyOf: s.map((v) => parseCodeParam(name, v)) }));
  }

  time(fromName: string, toName: string): TimeRange | undefined {
    const from = this.string(fromName);
    const to = this.string(toName);
    return from === undefined && to === undefined ? undefined : { from, to };
  }

  statuses(name: string): AvailabilityStatus[] | undefined {
    const values = this.strings(name);
    return values && mapKnown(values, STATUSES);
  }

  /** $XDSDocumentEntryType; absent → stable only (§3.18.4.1.2.3.6.2, CP-ITI-579). */
  entryTypes(name = '$XDSDocumentEntryType'): DocumentEntryType[] {
    const values = this.strings(name);
    return values ? mapKnown(values, ENTRY_TYPES) : ['stable'];
  }

  associationTypes(name: string): AssociationType[] | undefined {
    const values = this.strings(name);
    return values && mapKnown(values, associationTypeByUrn);
  }
}
