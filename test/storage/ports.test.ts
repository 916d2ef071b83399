import { auditStoreContract } from './audit-store.contract';
import { forEachBackend } from './backends';
import { documentStoreContract } from './document-store.contract';
import { patientIndexContract } from './patient-index.contract';

forEachBackend('DocumentStore', documentStoreContract);
forEachBackend('PatientIndex', patientIndexContract);
forEachBackend('AuditStore', auditStoreContract);
