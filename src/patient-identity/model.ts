/**
 * The patient model shared by the HL7v3 (and later HL7v2) mappers and the cross-reference. Pure types.
 * HL7 values stay strings: birth time is an HL7 TS (`YYYY[MM[DD[HHMM[SS]]]]`), gender an
 * AdministrativeGender code (M, F, UN) as sent (HL7v3 NE2008 voc.xsd; PDQ ITI TF-2b §3.47.4.1.2).
 */
import type { PatientKey } from './ports';

export type { PatientKey };

export interface PatientName {
  readonly family: readonly string[];
  readonly given: readonly string[];
  readonly prefix?: readonly string[];
  readonly suffix?: readonly string[];
  /** HL7v3 EntityNameUse, e.g. L (legal), SRCH (search: inexact matching wanted, ITI TF-2b §3.47.4.1.2). */
  readonly use?: string;
}

export interface Address {
  readonly streetAddressLine: readonly string[];
  readonly city?: string;
  readonly state?: string;
  readonly postalCode?: string;
  readonly country?: string;
  readonly use?: string;
}

export interface Telecom {
  readonly value: string; // URL form: tel:, mailto:, ...
  readonly use?: string;
}

export interface Patient {
  /** The record's own identifiers (patient.id): the first is the one in the sender's domain. */
  readonly ids: readonly PatientKey[];
  /** asOtherIDs: identifiers the source knows in other domains. */
  readonly otherIds: readonly PatientKey[];
  readonly names: readonly PatientName[];
  readonly birthTime?: string;
  readonly gender?: string;
  readonly addresses: readonly Address[];
  readonly telecoms: readonly Telecom[];
  readonly mothersMaidenName?: PatientName;
  /** patient.statusCode (active, ...); informative only. */
  readonly status?: string;
}

export const keyEquals = (a: PatientKey, b: PatientKey): boolean => a.id === b.id && a.authority === b.authority;

/** `id^^^&oid&ISO` (the CX form the registry uses, ITI TF-3 §4.2.3.1.7). */
export const keyToCx = (k: PatientKey): string => `${k.id}^^^&${k.authority}&ISO`;

export const emptyPatient: Patient = { ids: [], otherIds: [], names: [], addresses: [], telecoms: [] };
