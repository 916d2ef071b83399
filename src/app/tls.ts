/**
 * The secure-node TLS profile (ATNA ITI-19, security.md §1.1): mutual authentication on every connection,
 * TLS 1.2 floor with the four BCP195 suites of ITI TF-2 §3.19.6.2.3 plus the TLS 1.3 suites, and timeouts
 * against slow clients (security.md X12).
 */
import { readFile } from 'node:fs/promises';
import type { Server, ServerOptions } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { NodeIdentity } from '../transactions';
import type { TlsFiles } from '../config/load-config';
import type { TlsMaterial } from './dev-pki';

/** OpenSSL names of TLS_ECDHE_RSA/DHE_RSA_WITH_AES_128/256_GCM_SHA256/384, then the TLS 1.3 suites. */
export const TLS_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_AES_128_GCM_SHA256',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-AES128-GCM-SHA256',
].join(':');

export async function readTlsFiles(files: TlsFiles): Promise<TlsMaterial> {
  const [ca, cert, key] = await Promise.all([
    readFile(files.caPath, 'utf8'),
    readFile(files.certPath, 'utf8'),
    readFile(files.keyPath, 'utf8'),
  ]);
  return { ca, cert, key };
}

export function httpsOptions(tls: TlsMaterial): ServerOptions {
  return {
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    ciphers: TLS_CIPHERS,
    honorCipherOrder: true,
    dhparam: 'auto', // enables the DHE suites (measured in security.md §1.1)
    handshakeTimeout: 10_000,
    maxHeaderSize: 32 * 1024,
  };
}

/**
 * Slowloris and connection floods (X12): headers must arrive within 20 s, a whole request (up to 1 GiB of
 * documents) within 10 min; idle keep-alive connections close after 5 s; at most 1024 connections.
 */
export function applyServerLimits(server: Server): void {
  server.maxConnections = 1024;
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 20_000;
  server.requestTimeout = 600_000;
}

type PeerSubject = Record<string, string | string[] | undefined>;

/** Renders an OpenSSL subject object as "CN=…,O=…" in a stable order. */
function subjectString(s: PeerSubject | undefined): string {
  if (!s) return '';
  return Object.entries(s)
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k}=${x}`) : v === undefined ? [] : [`${k}=${v}`]))
    .join(',');
}

/** The calling node, from the certificate OpenSSL has already verified against our CA. */
export function peerIdentity(socket: TLSSocket): NodeIdentity {
  const cert = socket.getPeerCertificate?.();
  const subject = cert && cert.subject ? (cert.subject as unknown as PeerSubject) : undefined;
  const cn = subject?.CN;
  return {
    subject: subjectString(subject),
    commonName: Array.isArray(cn) ? cn[0] : cn,
    fingerprint256: cert?.fingerprint256 || undefined,
    address: socket.remoteAddress,
  };
}

/**
 * peerIdentity once per connection rather than per request: getPeerCertificate converts the whole
 * certificate to a JS object each time (~0.08 ms, 2–3% of an ITI-42; BENCHMARKS.md B1). A renegotiation
 * (TLS 1.2) may present another certificate; every completed handshake emits 'secure', which drops the entry.
 */
export function peerIdentityCache(): (socket: TLSSocket) => NodeIdentity {
  const known = new WeakMap<TLSSocket, NodeIdentity>();
  return (socket) => {
    let id = known.get(socket);
    if (!id) {
      id = peerIdentity(socket);
      known.set(socket, id);
      socket.once('secure', () => known.delete(socket));
    }
    return id;
  };
}
