/** Shared state of one conformance run and of one section while it runs. */
import type { RunLog } from './run-log';
import type { PatientFeed } from './patient-feed';
import type { SchemaChecker } from './schema-check';
import type { Tls } from './http-client';
import type { Problem } from './checks';

export interface RunContext {
  readonly log: RunLog;
  readonly registryUrl: string;
  readonly repositoryUrl: string;
  readonly tls: Tls;
  readonly feed: PatientFeed;
  readonly schema?: SchemaChecker;
  readonly sourceId: string;
  readonly now: () => Date;
  readonly newUid: () => string;
  readonly newUuid: () => string;
  readonly newPatientId: () => string;
  readonly sleep: (ms: number) => Promise<void>;
  /** Replies waiting for the batched schema validation (see schema-check.ts). */
  readonly schemaQueue: SchemaQueued[];
}

export interface SchemaQueued {
  readonly testId: string;
  readonly section: string;
  readonly step: string;
  readonly xml: string;
  readonly root: string;
}

export interface SectionState {
  readonly testId: string;
  readonly section: string;
  readonly dir: string;
  /** Current patient ($patientid$); NewPatientId replaces it for the rest of the section. */
  patientId: string;
  /** The known alternate patient ($altpatientid$, test 15817b). */
  readonly altPatientId: string;
}

export interface StepResult {
  readonly section: string;
  readonly step: string;
  readonly transaction: string;
  readonly passed: boolean;
  readonly expectedStatus: readonly string[];
  readonly problems: readonly Problem[];
  readonly durationMs: number;
}
