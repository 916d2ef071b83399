/**
 * Development PKI: when no TLS_* files are configured, the first start creates a CA, a server certificate
 * (localhost, 127.0.0.1, ::1) and a client certificate under `<dataDir>/pki/`; later starts reuse them.
 * Keys are written with mode 0600. Generated with node-forge; verified only by Node/OpenSSL.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCa, issueCert, LOCAL_SERVER_NAMES } from './pki-forge';

export interface TlsMaterial {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export interface DevPki extends TlsMaterial {
  readonly dir: string;
  /** The development client certificate: what this node presents when it calls a peer (e.g. a remote registry). */
  readonly client: TlsMaterial;
  /** True when this call generated the files (the curl hint is printed only then). */
  readonly created: boolean;
}

export const DEV_PKI_FILES = ['ca.pem', 'ca-key.pem', 'server.pem', 'server-key.pem', 'client.pem', 'client-key.pem'] as const;

async function writePem(path: string, text: string, secret: boolean): Promise<void> {
  // 'wx' refuses to overwrite: two processes racing on one data dir cannot mix key pairs silently.
  await writeFile(path, text, { mode: secret ? 0o600 : 0o644, flag: 'wx' });
}

async function generate(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ca = createCa('Tessera Development CA');
  const server = issueCert(ca, { commonName: 'localhost', kind: 'server', altNames: LOCAL_SERVER_NAMES });
  const client = issueCert(ca, { commonName: 'tessera-dev-client', kind: 'client', organization: 'Tessera' });
  await writePem(join(dir, 'ca.pem'), ca.cert, false);
  await writePem(join(dir, 'ca-key.pem'), ca.key, true);
  await writePem(join(dir, 'server.pem'), server.cert, false);
  await writePem(join(dir, 'server-key.pem'), server.key, true);
  await writePem(join(dir, 'client.pem'), client.cert, false);
  await writePem(join(dir, 'client-key.pem'), client.key, true);
}

/** Loads the development PKI from `<dataDir>/pki/`, creating it when it is not there yet. */
export async function ensureDevPki(dataDir: string): Promise<DevPki> {
  const dir = join(dataDir, 'pki');
  const present = DEV_PKI_FILES.filter((f) => existsSync(join(dir, f)));
  if (present.length > 0 && present.length < DEV_PKI_FILES.length) {
    throw new Error(`incomplete development PKI in ${dir}: remove the folder to regenerate it`);
  }
  const created = present.length === 0;
  if (created) await generate(dir);
  const read = (f: string) => readFile(join(dir, f), 'utf8');
  const ca = await read('ca.pem');
  const client = { ca, cert: await read('client.pem'), key: await read('client-key.pem') };
  return { dir, created, ca, cert: await read('server.pem'), key: await read('server-key.pem'), client };
}

/** The one-time hint printed when the development PKI is created. */
export function devPkiHint(dir: string, port: number): string {
  const p = (f: string) => join(dir, f);
  return [
    `Tessera created a development PKI in ${dir} (do not use it in production; set TLS_CA, TLS_CERT, TLS_KEY).`,
    'Call the server with the client certificate, for example:',
    `  curl --cacert ${p('ca.pem')} --cert ${p('client.pem')} --key ${p('client-key.pem')} 'https://localhost:${port}/xds/registry?wsdl'`,
    '',
  ].join('\n');
}
