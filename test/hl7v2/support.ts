/**
 * A real environment for the HL7 v2 PIX/PDQ service: SQLite stores in a temp dir (registry PatientIndex,
 * audit), the identity tables on the same tessera.db, ONE cross-reference shared with the HL7v3 handlers
 * (createPixHandlers), and the v2 service on top. Fixtures are read from fixtures/hl7v2 (LF → CR).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { parseEr7, type V2Message } from '../../src/hl7v2/er7';
import { createHl7v2Service, type Hl7v2Service, type Hl7v2ServiceDeps } from '../../src/patient-identity/v2/create-hl7v2-service';
import { openIdentityEnv, type IdentityEnv } from '../patient-identity/support';

export const log = pino({ level: 'silent' });
export const A = '1.2.840.99.1';
export const B = '1.2.840.99.2';
export const peer = { subject: 'CN=test-client,O=Tessera Tests' };

export const fixture = (name: string): string =>
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'hl7v2', name), 'utf8').replace(/\r?\n/g, '\r');

/** Builds a message from lines (joined with CR). */
export const msg = (...lines: string[]): string => `${lines.join('\r')}\r`;

export interface V2Env {
  readonly env: IdentityEnv;
  readonly service: Hl7v2Service;
  send(text: string): Promise<V2Message>;
  close(): Promise<void>;
}

let counter = 0;

export async function openV2Env(extra: Partial<Hl7v2ServiceDeps> = {}): Promise<V2Env> {
  const env = await openIdentityEnv({ newId: () => `E${++counter}` });
  const service = createHl7v2Service({
    xref: env.pix.crossReference,
    patients: env.stores.patients,
    audit: env.stores.audit,
    log,
    ...extra,
  });
  return {
    env,
    service,
    send: async (text) => {
      const reply = await service.handle({ text, peer });
      if (reply === undefined) throw new Error('no reply');
      return parseEr7(reply);
    },
    close: () => env.close(),
  };
}

/** MSH + the given segments for a quick message (v2.5 unless told). */
export function header(type: string, controlId: string, version = '2.5'): string {
  return `MSH|^~\\&|SRC_APP|SRC_FAC|TESSERA|TESSERA|20261124120000||${type}|${controlId}|P|${version}`;
}
