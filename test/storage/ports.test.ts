import { auditStoreContract } from './audit-store.contract';
import { forEachBackend } from './backends';
import { documentStoreContract } from './document-store.contract';
import { identityStoreContract } from './identity-store.contract';
import { patientIndexContract } from './patient-index.contract';

forEachBackend('DocumentStore', documentStoreContract);
forEachBackend('PatientIndex', patientIndexContract);
forEachBackend('AuditStore', auditStoreContract);
forEachBackend('IdentityStore', identityStoreContract);
