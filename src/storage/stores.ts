/** The set of ports one storage backend provides; main.ts picks the backend from the config. */
import type { RegistryStore } from '../registry/ports';
import type { DocumentStore } from '../repository/ports';
import type { PatientIndex } from '../patient-identity/ports';
import type { AuditStore } from '../security/ports';
import type { IdentityStore } from '../patient-identity/identity-ports';

export interface Stores {
  readonly kind: 'sqlite' | 'mongodb';
  readonly registry: RegistryStore;
  readonly documents: DocumentStore;
  readonly patients: PatientIndex;
  readonly audit: AuditStore;
  /** The PIX/PDQ cross-reference (both backends provide it; optional so that a registry-only bundle can omit it). */
  readonly identity?: IdentityStore;
  close(): Promise<void>;
}
