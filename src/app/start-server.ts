/**
 * Programmatic entry used by main.ts, the tests and the conformance runner: opens the stores, builds the
 * deps, and starts the mutual-TLS SOAP listener and the loopback admin listener (port 0 = ephemeral).
 */
import { mkdir } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { Config } from '../config/load-config';
import { openStores } from '../storage/open-stores';
import type { Stores } from '../storage/stores';
import type { Deps, TransactionDef } from '../transactions';
import { createAdminServer, type HealthState } from './admin-server';
import { buildDeps } from './build-deps';
import { createApp } from './create-app';
import { devPkiHint, ensureDevPki, type TlsMaterial } from './dev-pki';
import { closeGracefully } from './graceful-close';
import { createMetrics } from './metrics';
import { ensureRepositoryId } from './repository-id';
import { applyServerLimits, httpsOptions, readTlsFiles } from './tls';
import { watchTlsFailures } from './tls-alerts';
import { implementedTransactions } from './transaction-table';
import { startBlobSweeper } from './blob-sweeper';
import type { RemoteRegistryOptions } from '../repository/registry-client-remote';
import { createPixHandlers, type PixHandlers } from '../patient-identity/create-pix-handlers';
import { startHl7v2, type RunningHl7v2 } from './start-hl7v2';
import { Iti46Notifier } from '../patient-identity/notify-iti46';
import { patientIdTranslatorFor } from '../registry/translate-patient-ids';
import { ReviewQueue } from '../patient-identity/review-queue';

export interface StartOptions {
  readonly transactions?: readonly TransactionDef[];
  /** Defaults to a pino logger at config.logLevel on stdout. */
  readonly log?: Logger;
  /** Where the one-time development PKI hint goes; defaults to stderr. */
  readonly notice?: (text: string) => void;
}

export interface RunningTessera {
  readonly url: string;
  readonly adminUrl: string;
  /** The MLLP/TLS port of HL7v2 PIX/PDQ; undefined when the store bundle has no cross-reference. */
  readonly mllpPort?: number;
  readonly deps: Deps;
  stop(): Promise<void>;
}

const PROJECT_ROOT = join(__dirname, '..', '..');

/** TLS files from the config, else the development PKI (and whether it was just created, for the hint). */
interface NodeTls {
  readonly tls: TlsMaterial;
  /** What this node presents as a TLS client (dev PKI: its client certificate; else the configured files). */
  readonly client: TlsMaterial;
  readonly createdPkiDir?: string;
}

async function tlsMaterial(config: Config): Promise<NodeTls> {
  if (config.tls) {
    const tls = await readTlsFiles(config.tls);
    return { tls, client: tls };
  }
  const pki = await ensureDevPki(config.dataDir);
  return { tls: pki, client: pki.client, createdPkiDir: pki.created ? pki.dir : undefined };
}

/** The remote registry's TLS: its own files when configured, else this node's client identity. */
async function remoteRegistryOptions(config: Config, node: NodeTls): Promise<RemoteRegistryOptions | undefined> {
  const remote = config.remoteRegistry;
  if (!remote) return undefined;
  const tls = remote.tls ? await readTlsFiles(remote.tls) : node.client;
  return { url: remote.url, ca: tls.ca, cert: tls.cert, key: tls.key };
}

function listen(server: Server | HttpsServer, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startTessera(config: Config, o: StartOptions = {}): Promise<RunningTessera> {
  const log = o.log ?? pino({ level: config.logLevel, base: { name: 'tessera' } });
  await mkdir(config.dataDir, { recursive: true });
  const node = await tlsMaterial(config);
  const { tls, createdPkiDir } = node;
  const remoteRegistry = await remoteRegistryOptions(config, node);
  const repositoryUniqueId = await ensureRepositoryId(config.dataDir, config.repositoryUniqueId);
  const stores = await openStores({ dataDir: config.dataDir, mongodbUri: config.mongodbUri, log });
  let running: RunningTessera;
  try {
    // One PIX handler set (one CrossReference) serves HL7v3 over SOAP and HL7v2 over MLLP.
    const pix = stores.identity ? createPixHandlers(stores.identity, { domains: config.identityDomains }) : undefined;
    const iti46 = pix ? iti46Notifier(config, pix, node.client, log) : undefined;
    const table = o.transactions ?? implementedTransactions({ remoteRegistry, pix });
    running = await startListeners({ config, log, tls, stores, repositoryUniqueId, table, pix, iti46 });
  } catch (err) {
    await stores.close().catch(() => undefined);
    throw err;
  }
  if (createdPkiDir) {
    const notice = o.notice ?? ((text: string) => process.stderr.write(text));
    notice(devPkiHint(createdPkiDir, Number(new URL(running.url).port)));
  }
  return running;
}

/** ITI-46 to the configured PIX Consumers, presenting this node's client identity (mutual TLS). */
function iti46Notifier(config: Config, pix: PixHandlers, client: TlsMaterial, log: Logger): Iti46Notifier | undefined {
  if (config.pixV3UpdateSubscribers.length === 0) return undefined;
  const subscribers = config.pixV3UpdateSubscribers.map((url) => ({ url }));
  const notifier = new Iti46Notifier({ xref: pix.crossReference, subscribers, tls: client, log, deviceOid: pix.deviceOid, custodianOid: pix.custodianOid });
  pix.crossReference.onPersonChanged(notifier.personChanged);
  return notifier;
}

interface ListenerContext {
  readonly config: Config;
  readonly log: Logger;
  readonly tls: TlsMaterial;
  readonly stores: Stores;
  readonly repositoryUniqueId: string;
  readonly table: readonly TransactionDef[];
  readonly pix?: PixHandlers;
  readonly iti46?: Iti46Notifier;
}

async function startListeners({ config, log, tls, stores, repositoryUniqueId, table, pix, iti46 }: ListenerContext): Promise<RunningTessera> {
  const built = await buildDeps(config, stores, log, repositoryUniqueId);
  // The registry reaches the cross-reference only through this per-peer translator (translateLocalIds sources).
  const deps: Deps = pix ? { ...built, patientIdTranslator: (peer) => patientIdTranslatorFor(pix.crossReference, peer) } : built;
  const metrics = createMetrics();
  const app = createApp({
    table,
    deps,
    metrics,
    log,
    maxEnvelopeBytes: config.maxEnvelopeBytes,
    maxDocumentBytes: config.maxDocumentBytes,
    maxInFlight: config.maxInFlight,
    wsdlDir: join(PROJECT_ROOT, 'wsdl'),
    schemaDir: join(PROJECT_ROOT, 'schemas'),
  });
  const https = createHttpsServer(httpsOptions(tls), app.callback());
  applyServerLimits(https);
  watchTlsFailures(https, stores.audit, log);
  const state: HealthState = { ready: false, store: stores.kind, startedAt: Date.now() };
  // The review queue decides on the same CrossReference as the feeds (one queue), and mirrors into the registry.
  const reviews = pix ? new ReviewQueue({ xref: pix.crossReference, patients: stores.patients, audit: stores.audit, log }) : undefined;
  const admin = createAdminServer(state, metrics, reviews, log);
  const port = await listen(https, config.port);
  let adminPort: number;
  let hl7v2: RunningHl7v2 | undefined;
  try {
    adminPort = await listen(admin, config.adminPort, config.adminHost);
    hl7v2 = pix ? await startHl7v2(config, tls, stores, pix, log) : undefined;
  } catch (err) {
    await closeGracefully(https, 0);
    await closeGracefully(admin, 0);
    throw err;
  }
  const sweeper = startBlobSweeper(stores.documents, {
    olderThanMs: config.pendingBlobMaxAgeMs,
    everyMs: Math.max(1000, Math.min(60_000, config.pendingBlobMaxAgeMs)),
    log,
  });
  state.ready = true;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      state.ready = false;
      await closeGracefully(https, config.shutdownTimeoutMs);
      await closeGracefully(admin, 0);
      await hl7v2?.close();
      // Notifications already queued by the last feeds are attempted before the stores close.
      await iti46?.idle();
      await sweeper.stop();
      await stores.close();
    })());
  return { url: `https://localhost:${port}`, adminUrl: `http://${config.adminHost}:${adminPort}`, mllpPort: hl7v2?.port, deps, stop };
}
