/**
 * How an error names the object it is about: kind, id and (when known) uniqueId, so that a
 * codeContext reads `DocumentEntry Document01 (uniqueId 1.2.3): creationTime "2024133" is not a valid DTM`.
 */
import type { RegistryObject } from './model';

export function objectLabel(o: RegistryObject): string {
  const uid = o.kind === 'Association' ? undefined : o.uniqueId;
  return uid === undefined ? `${o.kind} ${o.id}` : `${o.kind} ${o.id} (uniqueId ${uid})`;
}
