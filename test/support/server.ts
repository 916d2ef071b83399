/**
 * Starts the real server (mutual TLS, real stores in a temp DATA_DIR, ephemeral ports, silent logs) for
 * integration tests, and sends SOAP requests to it with supertest and the test client certificate.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import request from 'supertest';
import type { Response } from 'superagent';
import { loadConfig, type Config, type TlsFiles } from '../../src/config/load-config';
import { startTessera } from '../../src/app/start-server';
import type { Deps, TransactionDef } from '../../src/transactions';
import { testPki } from './pki';
import { escapeXml } from '../../src/soap/xml';

export interface TestServer {
  readonly url: string;
  readonly adminUrl: string;
  /** HL7v2 MLLP/TLS port (ephemeral). */
  readonly mllpPort?: number;
  /** PEM texts: the CA that signed the server, and the client certificate/key it trusts. */
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  readonly deps: Deps;
  readonly config: Config;
  readonly dataDir: string;
  /** Stops the server and removes its DATA_DIR. */
  stop(): Promise<void>;
}

export interface TestServerOptions {
  readonly transactions?: readonly TransactionDef[];
  /** Keep DATA_DIR after stop (for restart tests). */
  readonly keepDataDir?: boolean;
  /** A logger to capture the server's log lines (default: silent at config.logLevel). */
  readonly log?: Logger;
}

/** Writes the test CA and server certificate/key as files in `dir` (what TLS_CA/TLS_CERT/TLS_KEY point at). */
export async function writeTestTlsFiles(dir: string): Promise<TlsFiles> {
  const pki = testPki();
  const tls = { caPath: join(dir, 'ca.pem'), certPath: join(dir, 'server.pem'), keyPath: join(dir, 'server-key.pem') };
  await writeFile(tls.caPath, pki.ca.cert);
  await writeFile(tls.certPath, pki.server.cert);
  await writeFile(tls.keyPath, pki.server.key, { mode: 0o600 });
  return tls;
}

export async function startTestServer(overrides: Partial<Config> = {}, o: TestServerOptions = {}): Promise<TestServer> {
  const pki = testPki();
  const dataDir = overrides.dataDir ?? (await mkdtemp(join(tmpdir(), 'tessera-test-')));
  const pkiDir = await mkdtemp(join(tmpdir(), 'tessera-test-pki-'));
  const tls = await writeTestTlsFiles(pkiDir);
  const config: Config = Object.freeze({
    ...loadConfig({}),
    port: 0,
    adminPort: 0,
    mllpPort: 0,
    logLevel: 'silent' as const,
    tls,
    ...overrides,
    dataDir,
  });
  const running = await startTessera(config, { transactions: o.transactions, log: o.log });
  return {
    url: running.url,
    adminUrl: running.adminUrl,
    mllpPort: running.mllpPort,
    ca: pki.ca.cert,
    cert: pki.client.cert,
    key: pki.client.key,
    deps: running.deps,
    config,
    dataDir,
    stop: async () => {
      await running.stop();
      await rm(pkiDir, { recursive: true, force: true });
      if (!o.keepDataDir && !overrides.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const WSA = 'http://www.w3.org/2005/08/addressing';


/** A SOAP 1.2 envelope with WS-Addressing Action, MessageID, To and ReplyTo (anonymous). */
export function soapRequest(action: string, bodyXml: string, messageId = `urn:uuid:${randomUUID()}`): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soap:Envelope xmlns:soap="${SOAP12}" xmlns:wsa="${WSA}">` +
    `<soap:Header>` +
    `<wsa:Action soap:mustUnderstand="1">${escapeXml(action)}</wsa:Action>` +
    `<wsa:MessageID>${escapeXml(messageId)}</wsa:MessageID>` +
    `<wsa:ReplyTo><wsa:Address>${WSA}/anonymous</wsa:Address></wsa:ReplyTo>` +
    `<wsa:To soap:mustUnderstand="1">https://localhost/</wsa:To>` +
    `</soap:Header>` +
    `<soap:Body>${bodyXml}</soap:Body>` +
    `</soap:Envelope>`
  );
}

/** Collects any response body as text (superagent leaves unknown types such as soap+xml unbuffered). */
function textParser(res: Response & NodeJS.ReadableStream, done: (err: Error | null, body: unknown) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    (res as { text?: string }).text = text;
    done(null, text);
  });
  res.on('error', (err: Error) => done(err, undefined));
}

/** POSTs `envelope` (string or bytes) to `path` with the trusted client certificate; resolves with the response (res.text). */
export function postSoap(
  server: Pick<TestServer, 'url' | 'ca' | 'cert' | 'key'>,
  path: string,
  envelope: string | Buffer,
  contentType = 'application/soap+xml; charset=UTF-8',
): request.Test {
  return request(server.url)
    .post(path)
    .ca(server.ca)
    .cert(server.cert)
    .key(server.key)
    .set('Content-Type', contentType)
    .buffer(true)
    .parse(textParser as never)
    .send(envelope);
}
