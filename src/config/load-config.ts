/**
 * The only reader of the environment: validates every variable with zod into a frozen Config.
 * An invalid value stops start-up with one line naming the variable (main.ts exits with code 2).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { IdentityDomains } from '../patient-identity/domains';
import { readIdentityDomains } from './identity-domains';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface TlsFiles {
  readonly caPath: string;
  readonly certPath: string;
  readonly keyPath: string;
}

export interface Config {
  readonly port: number;
  readonly adminPort: number;
  /** Bind address of the admin listener; loopback only (health/metrics are not authenticated). */
  readonly adminHost: string;
  readonly dataDir: string;
  readonly mongodbUri?: string;
  /** Absent → a development PKI is created under `<dataDir>/pki/`. */
  readonly tls?: TlsFiles;
  readonly logLevel: LogLevel;
  readonly patientIdCheck: 'on' | 'off';
  readonly affinityCodesPath?: string;
  readonly codeValidation: 'enforce' | 'warn' | 'off';
  /** Absent → generated on first start and kept in `<dataDir>/repository-id.txt`. */
  readonly repositoryUniqueId?: string;
  readonly maxEnvelopeBytes: number;
  readonly maxDocumentBytes: number;
  readonly maxQueryResults: number;
  readonly shutdownTimeoutMs: number;
  /** SOAP requests handled at once; more get an immediate Busy (HTTP 503, Retry-After). */
  readonly maxInFlight: number;
  /** Pending (uncommitted) document blobs older than this are swept; longer than the slowest upload. */
  readonly pendingBlobMaxAgeMs: number;
  /** MLLP over mutual TLS for HL7v2 PIX/PDQ (ITI-8/9/21); 0 = any free port. */
  readonly mllpPort: number;
  readonly mllpMaxMessageBytes: number;
  readonly mllpIdleTimeoutMs: number;
  /** ITI-10 PIX Update Notification subscribers (ADT^A31 over MLLP/TLS). */
  readonly pixUpdateSubscribers: readonly PixSubscriber[];
  /** ITI-46 PIX Update Notification subscribers (HL7v3 PRPA_IN201302UV02 over SOAP/mutual TLS): https:// URLs. */
  readonly pixV3UpdateSubscribers: readonly string[];
  /** When set, ITI-41 registers through this remote Document Registry (ITI-42 over mutual TLS). */
  readonly remoteRegistry?: RemoteRegistryConfig;
  /** Patient identity domains and trusted feed sources (IDENTITY_DOMAINS file); absent → the open default (domains.ts). */
  readonly identityDomains?: IdentityDomains;
}

export interface PixSubscriber {
  readonly host: string;
  readonly port: number;
  /** MSH-5 / MSH-6 of the notifications. */
  readonly application: string;
  readonly facility: string;
  /** Domains (OIDs) whose identifiers the subscriber wants; empty = all. */
  readonly domains: readonly string[];
}

export interface RemoteRegistryConfig {
  readonly url: string;
  /** Client certificate/key presented to the registry and the CA it must chain to; absent → this node's TLS files (dev PKI: its client certificate). */
  readonly tls?: TlsFiles;
}

/** Thrown for an invalid environment; `variable` names the culprit. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`invalid configuration: ${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

const MiB = 1024 * 1024;
const OID = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/;

/** Empty strings count as absent, so `PORT=` behaves like an unset variable. */
const blankToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const port = int(0, 65535);
const path = z.string().min(1);

const EnvSchema = z.object({
  PORT: optional(port),
  ADMIN_PORT: optional(port),
  DATA_DIR: optional(path),
  MONGODB_URI: optional(z.string().regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// URI')),
  TLS_CA: optional(path),
  TLS_CERT: optional(path),
  TLS_KEY: optional(path),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  PATIENT_ID_CHECK: optional(z.enum(['on', 'off'])),
  AFFINITY_CODES: optional(path),
  CODE_VALIDATION: optional(z.enum(['enforce', 'warn', 'off'])),
  REPOSITORY_UNIQUE_ID: optional(z.string().max(64, 'must be at most 64 characters').regex(OID, 'must be an OID such as 1.2.3.4')),
  MAX_ENVELOPE_BYTES: optional(int(1024, 2 ** 31)),
  MAX_DOCUMENT_BYTES: optional(int(1, 2 ** 50)),
  MAX_QUERY_RESULTS: optional(int(1, 1_000_000)),
  SHUTDOWN_TIMEOUT_MS: optional(int(0, 600_000)),
  MAX_IN_FLIGHT: optional(int(1, 100_000)),
  MLLP_PORT: optional(port),
  MLLP_MAX_MESSAGE_BYTES: optional(int(1024, 64 * MiB)),
  MLLP_IDLE_TIMEOUT_MS: optional(int(1000, 3_600_000)),
  PIX_UPDATE_SUBSCRIBERS: optional(z.string()),
  PIX_V3_UPDATE_SUBSCRIBERS: optional(z.string()),
  PENDING_BLOB_MAX_AGE_MS: optional(int(1000, 7 * 24 * 3_600_000)),
  REGISTRY_URL: optional(z.string().regex(/^https:\/\/\S+$/, 'must be an https:// URL (the registry is reached over mutual TLS)')),
  REGISTRY_TLS_CA: optional(path),
  REGISTRY_TLS_CERT: optional(path),
  REGISTRY_TLS_KEY: optional(path),
  IDENTITY_DOMAINS: optional(path),
});

type Env = z.infer<typeof EnvSchema>;

function tlsFiles(env: Env): TlsFiles | undefined {
  const given = [env.TLS_CA, env.TLS_CERT, env.TLS_KEY].filter((v) => v !== undefined).length;
  if (given === 0) return undefined;
  if (given < 3) {
    const missing = (['TLS_CA', 'TLS_CERT', 'TLS_KEY'] as const).find((k) => env[k] === undefined)!;
    throw new ConfigError(missing, 'TLS_CA, TLS_CERT and TLS_KEY must be set together (or none of them)');
  }
  return { caPath: env.TLS_CA!, certPath: env.TLS_CERT!, keyPath: env.TLS_KEY! };
}

function remoteRegistry(env: Env): RemoteRegistryConfig | undefined {
  const files = [env.REGISTRY_TLS_CA, env.REGISTRY_TLS_CERT, env.REGISTRY_TLS_KEY];
  const given = files.filter((v) => v !== undefined).length;
  if (!env.REGISTRY_URL) {
    if (given > 0) throw new ConfigError('REGISTRY_URL', 'REGISTRY_TLS_* are set but REGISTRY_URL is not');
    return undefined;
  }
  if (given > 0 && given < 3) {
    const missing = (['REGISTRY_TLS_CA', 'REGISTRY_TLS_CERT', 'REGISTRY_TLS_KEY'] as const).find((k) => env[k] === undefined)!;
    throw new ConfigError(missing, 'REGISTRY_TLS_CA, REGISTRY_TLS_CERT and REGISTRY_TLS_KEY must be set together (or none of them)');
  }
  const tls = given === 3 ? { caPath: env.REGISTRY_TLS_CA!, certPath: env.REGISTRY_TLS_CERT!, keyPath: env.REGISTRY_TLS_KEY! } : undefined;
  return { url: env.REGISTRY_URL, tls };
}

/** `host:port[/APPLICATION/FACILITY]`, comma-separated (ITI-10 subscribers). */
function pixSubscribers(list: string | undefined): PixSubscriber[] {
  if (!list) return [];
  return list.split(',').map((item) => {
    const m = /^\s*([A-Za-z0-9.-]+):(\d{1,5})(?:\/([^/\s]+)\/([^/\s]+))?\s*$/.exec(item);
    if (!m || Number(m[2]) > 65535) throw new ConfigError('PIX_UPDATE_SUBSCRIBERS', `"${item.trim()}" is not host:port[/APPLICATION/FACILITY]`);
    return { host: m[1]!, port: Number(m[2]), application: m[3] ?? 'PIX_CONSUMER', facility: m[4] ?? 'PIX_CONSUMER', domains: [] };
  });
}

/** `https://host:port/path`, comma-separated (ITI-46 subscribers: PIX Consumers reached over mutual TLS). */
function pixV3Subscribers(list: string | undefined): string[] {
  if (!list) return [];
  return list.split(',').map((item) => {
    const url = item.trim();
    if (!/^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/\S*)?$/.test(url) || !URL.canParse(url)) {
      throw new ConfigError('PIX_V3_UPDATE_SUBSCRIBERS', `"${url}" is not an https://host:port/path URL`);
    }
    return url;
  });
}

function firstIssue(error: z.ZodError): ConfigError {
  const issue = error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  const message = issue.code === 'invalid_value' ? `must be one of ${issue.values.join(', ')}` : issue.message;
  return new ConfigError(variable, message);
}

/** Reads a configuration file named by a variable (IDENTITY_DOMAINS): a file that cannot be used is a config error. */
export type ReadConfigFile = (path: string) => string;
const readUtf8: ReadConfigFile = (p) => readFileSync(p, 'utf8');

/**
 * Reads and validates the environment. Throws ConfigError on the first invalid variable. Files whose content
 * is configuration (IDENTITY_DOMAINS) are read and validated here too, so a bad one stops start-up with exit 2.
 */
export function loadConfig(env: NodeJS.ProcessEnv, readFile: ReadConfigFile = readUtf8): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw firstIssue(parsed.error);
  const e = parsed.data;
  if (e.CODE_VALIDATION && e.CODE_VALIDATION !== 'off' && !e.AFFINITY_CODES) {
    throw new ConfigError('CODE_VALIDATION', `${e.CODE_VALIDATION} needs AFFINITY_CODES (a codes.xml file) to be set`);
  }
  const config: Config = {
    port: e.PORT ?? 8443,
    adminPort: e.ADMIN_PORT ?? 9090,
    adminHost: '127.0.0.1',
    dataDir: e.DATA_DIR ?? './data',
    mongodbUri: e.MONGODB_URI,
    tls: tlsFiles(e),
    logLevel: e.LOG_LEVEL ?? 'info',
    patientIdCheck: e.PATIENT_ID_CHECK ?? 'on',
    affinityCodesPath: e.AFFINITY_CODES,
    // Enforcing codes only makes sense when a code list is configured (brief: default enforce iff AFFINITY_CODES).
    codeValidation: e.CODE_VALIDATION ?? (e.AFFINITY_CODES ? 'enforce' : 'off'),
    repositoryUniqueId: e.REPOSITORY_UNIQUE_ID,
    maxEnvelopeBytes: e.MAX_ENVELOPE_BYTES ?? 20 * MiB,
    maxDocumentBytes: e.MAX_DOCUMENT_BYTES ?? 1024 * MiB,
    maxQueryResults: e.MAX_QUERY_RESULTS ?? 5000,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS ?? 10_000,
    pendingBlobMaxAgeMs: e.PENDING_BLOB_MAX_AGE_MS ?? 3_600_000,
    maxInFlight: e.MAX_IN_FLIGHT ?? 256,
    mllpPort: e.MLLP_PORT ?? 2575,
    mllpMaxMessageBytes: e.MLLP_MAX_MESSAGE_BYTES ?? MiB,
    mllpIdleTimeoutMs: e.MLLP_IDLE_TIMEOUT_MS ?? 60_000,
    pixUpdateSubscribers: pixSubscribers(e.PIX_UPDATE_SUBSCRIBERS),
    pixV3UpdateSubscribers: pixV3Subscribers(e.PIX_V3_UPDATE_SUBSCRIBERS),
    remoteRegistry: remoteRegistry(e),
    ...(e.IDENTITY_DOMAINS ? { identityDomains: readIdentityDomains(e.IDENTITY_DOMAINS, readFile) } : {}),
  };
  return Object.freeze(config);
}

/** The process environment, read here so that no other module touches process.env. */
export const loadProcessConfig = (): Config => loadConfig(process.env);
