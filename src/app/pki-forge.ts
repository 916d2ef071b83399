/**
 * Certificate GENERATION with node-forge (RSA-2048, SHA-256) for the development PKI and the test PKI.
 * node-forge is used only to create keys and certificates; every verification is done by Node/OpenSSL
 * (libraries.md §8: node-forge has a steady CVE stream in its verification code).
 */
import { randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

export interface IssueOptions {
  readonly commonName: string;
  readonly kind: 'server' | 'client';
  /** DNS names and IP addresses for the subjectAltName (server certificates). */
  readonly altNames?: readonly string[];
  readonly days?: number;
  readonly organization?: string;
}

const IP_PATTERN = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]*)$/i;

/** A positive serial number of 16 random bytes (RFC 5280 §4.1.2.2: ≤ 20 octets, positive). */
const serial = (): string => `01${randomBytes(15).toString('hex')}`;

function validity(cert: forge.pki.Certificate, days: number): void {
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000); // tolerate small clock skew
  cert.validity.notAfter = new Date(now + days * 24 * 60 * 60 * 1000);
}

const subject = (cn: string, o?: string): forge.pki.CertificateField[] => [
  { name: 'commonName', value: cn },
  ...(o ? [{ name: 'organizationName', value: o }] : []),
];

/** node-forge delegates to Node's generateKeyPairSync when available, so this is fast. */
const newKeys = (): forge.pki.rsa.KeyPair => forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });

/** A self-signed CA certificate (basicConstraints cA, keyCertSign). */
export function createCa(commonName: string, days = 3650): PemPair {
  const keys = newKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  validity(cert, days);
  const attrs = subject(commonName, 'Tessera');
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

const altName = (name: string): { type: number; value?: string; ip?: string } =>
  IP_PATTERN.test(name) ? { type: 7, ip: name } : { type: 2, value: name };

/** A leaf certificate signed by `ca`, with the EKU for its kind (serverAuth or clientAuth). */
export function issueCert(ca: PemPair, o: IssueOptions): PemPair {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const caKey = forge.pki.privateKeyFromPem(ca.key);
  const keys = newKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  validity(cert, o.days ?? 825);
  cert.setSubject(subject(o.commonName, o.organization));
  cert.setIssuer(caCert.subject.attributes);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    o.kind === 'server' ? { name: 'extKeyUsage', serverAuth: true } : { name: 'extKeyUsage', clientAuth: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ];
  if (o.altNames && o.altNames.length > 0) {
    extensions.push({ name: 'subjectAltName', altNames: o.altNames.map(altName) });
  }
  cert.setExtensions(extensions);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** Names a local server certificate must carry so that curl/Node accept https://localhost and loopback IPs. */
export const LOCAL_SERVER_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];
