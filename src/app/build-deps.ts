/** Builds the handlers' `Deps` from the validated Config and the open Stores (the composition root's job). */
import { uuidV7 } from './uuid-v7';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config } from '../config/load-config';
import { OPEN_AFFINITY_DOMAIN, type AffinityDomain } from '../metadata/affinity-domain';
import { loadAffinityDomain } from '../metadata/load-affinity-domain';
import type { Stores } from '../storage/stores';
import type { Deps } from '../transactions';

async function affinityDomain(config: Config): Promise<AffinityDomain> {
  if (!config.affinityCodesPath) return OPEN_AFFINITY_DOMAIN;
  const text = await readFile(config.affinityCodesPath, 'utf8');
  return loadAffinityDomain(text, config.codeValidation);
}

export async function buildDeps(config: Config, stores: Stores, log: Logger, repositoryUniqueId: string): Promise<Deps> {
  return {
    stores,
    registry: {
      patientIdCheck: config.patientIdCheck,
      maxQueryResults: config.maxQueryResults,
      affinity: await affinityDomain(config),
    },
    repository: { repositoryUniqueId, maxDocumentBytes: config.maxDocumentBytes },
    now: () => new Date(),
    newUuid: () => `urn:uuid:${uuidV7()}`, // time-ordered: new rows append to the key indexes (uuid-v7.ts)
    log,
  };
}
