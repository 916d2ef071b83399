/**
 * A real environment for the PIX/PDQ handlers: SQLite stores in a temp dir (the registry's PatientIndex and
 * the audit store), and the identity tables created on a second connection to the same tessera.db — the
 * layout production will have once the migration is added to db-sqlite.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { OPEN_AFFINITY_DOMAIN } from '../../src/metadata/affinity-domain';
import { parseXml } from '../../src/soap/xml';
import { openSqliteStores, type SqliteStores } from '../../src/storage/sqlite/open-sqlite';
import { SqliteIdentityStore } from '../../src/storage/sqlite/identity-sqlite';
import { openDb } from '../../src/storage/sqlite/db-sqlite';
import { createPixHandlers, type PixHandlers, type PixOptions } from '../../src/patient-identity/create-pix-handlers';
import type { Deps, Handler, HandlerContext } from '../../src/transactions';
import type { SoapRequest } from '../../src/soap/read-request';
import type { StoredBlob } from '../../src/repository/ports';

export const log = pino({ level: 'silent' });
export const ctx: HandlerContext = { peer: { subject: 'CN=pix-source' }, messageId: 'urn:uuid:test', log };

export interface IdentityEnv {
  readonly stores: SqliteStores;
  readonly identity: SqliteIdentityStore;
  readonly pix: PixHandlers;
  readonly deps: Deps;
  call(handler: Handler, xml: string, action?: string): Promise<string>;
  close(): Promise<void>;
}

/** The identity store on a migrated tessera.db (a temp file when none is given). */
export function openIdentityDb(file?: string): { db: Database.Database; identity: SqliteIdentityStore } {
  const db = openDb(file ?? join(mkdtempSync(join(tmpdir(), 'tessera-id-')), 'tessera.db'));
  return { db, identity: new SqliteIdentityStore(db) };
}

export const soapOf = (xml: string, action = ''): SoapRequest<StoredBlob> => {
  const body = parseXml(xml);
  return { envelope: body, body, action, attachments: new Map(), mtom: false };
};

export async function openIdentityEnv(o: PixOptions = {}): Promise<IdentityEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-pix-'));
  const stores = await openSqliteStores(dir);
  const { db, identity } = openIdentityDb(join(dir, 'tessera.db'));
  const pix = createPixHandlers(identity, o);
  const deps: Deps = {
    stores,
    registry: { patientIdCheck: 'on', maxQueryResults: 100, affinity: OPEN_AFFINITY_DOMAIN },
    repository: { repositoryUniqueId: '1.19.6.24.109.42.1', maxDocumentBytes: 1e6 },
    now: () => new Date(),
    newUuid: () => `urn:uuid:${randomUUID()}`,
    log,
  };
  return {
    stores,
    identity,
    pix,
    deps,
    call: async (handler, xml, action) => (await handler(soapOf(xml, action), deps, ctx)).body,
    close: async () => {
      db.close();
      await stores.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
