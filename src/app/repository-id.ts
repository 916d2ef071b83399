/**
 * The repositoryUniqueId (ITI TF-3 §4.2.3.2.18): configured, or generated once as a UUID-derived OID
 * (ITU-T X.667 / ISO 9834-8: `2.25.<the UUID as one unsigned integer>`) and kept in the data directory
 * so that it never changes across restarts.
 */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const OID = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/;

export const uuidToOid = (uuid: string): string => `2.25.${BigInt(`0x${uuid.replace(/-/g, '')}`).toString(10)}`;

export async function ensureRepositoryId(dataDir: string, configured?: string): Promise<string> {
  if (configured) return configured;
  const file = join(dataDir, 'repository-id.txt');
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (!OID.test(stored)) throw new Error(`${file} does not hold an OID; fix or remove it`);
    return stored;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const oid = uuidToOid(randomUUID());
  await writeFile(file, `${oid}\n`, { flag: 'wx' });
  return oid;
}
