import { forEachBackend } from './backends';
import { registryQueryContract } from './registry-query.contract';
import { registryStoreContract } from './registry-store.contract';

forEachBackend('RegistryStore', registryStoreContract);
forEachBackend('RegistryStore queries', registryQueryContract);
