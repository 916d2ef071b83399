/**
 * Shapes of a stored-query definition (ITI TF-2a §3.18.4.1.2.3.7, ITI-51 §3.51.4.1.2.3).
 * Each query is DATA (its UUID and parameter table) plus an executor that turns validated parameters into
 * RegistryStore criteria. Validation of the table is generic (params.ts), so executors never re-check.
 */
import type { RegistryObject } from '../../metadata/model';
import type { PatientIndex } from '../../patient-identity/ports';
import type { RegistryStore } from '../ports';
import type { QueryParams } from './params';

/**
 * How a parameter's values are read:
 * - string: opaque text (ids, uniqueIds, CX, sourceIds, LIKE patterns)
 * - code: `code^^scheme` (both parts required)
 * - time: DTM digits (4..14, even length), From inclusive / To exclusive
 * - status: `urn:oasis:names:tc:ebxml-regrep:StatusType:X` → X; values not understood are ignored (ITI18-8)
 * - entryType: DocumentEntry objectType UUIDs → stable / on-demand
 * - associationType: association type URNs → short types
 * - metadataLevel: `1` or `2` ($MetadataLevel, ITI TF-2a §3.18.4.1.2.3.5.1)
 */
export type ParamKind = 'string' | 'code' | 'time' | 'status' | 'entryType' | 'associationType' | 'metadataLevel';

export interface ParamDef {
  readonly name: string;
  readonly kind: ParamKind;
  /** Single-valued parameters take exactly one value in one Slot (else XDSStoredQueryParamNumber). */
  readonly multi: boolean;
  readonly required?: boolean;
  /** Repeated Slots are ANDed, values within one Slot ORed (§3.18.4.1.2.3.7.1: EventCodeList etc.). */
  readonly andOr?: boolean;
}

export interface QueryContext {
  readonly store: RegistryStore;
  readonly patients: PatientIndex;
  /** deps.registry.maxQueryResults: more objects than this → XDSTooManyResults. */
  readonly limit: number;
  /** LeafClass answer: ask the store for its stored ebRIM forms (QueryOptions.storedEbrim). */
  readonly storedEbrim?: boolean;
}

export interface QueryOutcome {
  /** Objects in response order: documents/sets/folders first, associations last. */
  readonly objects: readonly RegistryObject[];
  /** The patient identifiers the query was scoped to (the queried id and its merged aliases). */
  readonly patientScope?: readonly string[];
}

export interface StoredQueryDef {
  readonly name: string;
  readonly id: string; // urn:uuid:…
  readonly params: readonly ParamDef[];
  /** Groups of parameter names of which at least one must be present. */
  readonly oneOf?: readonly (readonly string[])[];
  /** Groups of which at most one may be present (both → XDSStoredQueryParamNumber). */
  readonly exclusive?: readonly (readonly string[])[];
  /** Multi-patient queries (ITI-51) may return LeafClass objects of several patients. */
  readonly multiPatient?: boolean;
  readonly execute: (p: QueryParams, ctx: QueryContext) => Promise<QueryOutcome>;
}
