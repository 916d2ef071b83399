/** Audit records (ATNA, DICOM PS3.15 A.5) kept locally; a syslog sink may forward them. */
export interface AuditRecord {
  readonly eventId: string; // DCM code, e.g. 110107 Import
  readonly eventTypeCode?: string; // IHE transaction, e.g. ITI-42
  readonly action: 'C' | 'R' | 'U' | 'D' | 'E';
  readonly outcome: 0 | 4 | 8 | 12;
  readonly time: string; // ISO 8601 UTC
  readonly sourceNode?: string; // peer certificate subject or address
  readonly messageId?: string;
  /** Participant objects: identifiers only (patient CX, uniqueIds), never demographics or bodies. */
  readonly objects: readonly { readonly type: string; readonly id: string }[];
  readonly xml?: string; // the serialised DICOM audit message
}

export interface AuditStore {
  append(record: AuditRecord): Promise<void>;
  recent(limit: number): Promise<AuditRecord[]>;
}
