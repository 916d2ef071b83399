/** The set of ports one storage backend provides; main.ts picks the backend from the config. */
import type { RegistryStore } from '../registry/ports';
import type { DocumentStore } from '../repository/ports';
import type { PatientIndex } from '../patient-identity/ports';
import type { AuditStore } from '../security/ports';

export interface Stores {
  readonly kind: 'sqlite' | 'mongodb';
  readonly registry: RegistryStore;
  readonly documents: DocumentStore;
  readonly patients: PatientIndex;
  readonly audit: AuditStore;
  close(): Promise<void>;
}
