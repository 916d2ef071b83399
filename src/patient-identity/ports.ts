/**
 * What the registry and the PIX/PDQ actors need from the patient identity index. This is the minimal
 * slice the registry uses; the cross-reference (issue 6) grows it.
 */

/** An identifier in HL7 CX form `id^^^&oid&ISO`, compared as (id, assigning authority OID). */
export interface PatientKey {
  readonly id: string;
  readonly authority: string; // assigning authority universal id (OID)
}

export type PatientStatus =
  | { readonly state: 'unknown' }
  | { readonly state: 'active' }
  | { readonly state: 'merged'; readonly survivor: PatientKey };

export interface PatientIndex {
  /** Registers an identifier (idempotent). Returns true when it was new. */
  add(key: PatientKey): Promise<boolean>;
  status(key: PatientKey): Promise<PatientStatus>;
  /** Records that `from` was merged into `into`; `from` is then rejected by the registry. */
  merge(from: PatientKey, into: PatientKey): Promise<void>;
  /** Undoes the merge of `from` (a no-op when it was not merged); its documents are its own again. */
  unmerge(from: PatientKey): Promise<void>;
  /** Every identifier whose documents belong to `key` (itself plus those merged into it, transitively). */
  aliases(key: PatientKey): Promise<PatientKey[]>;
}
