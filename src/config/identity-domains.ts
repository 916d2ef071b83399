/**
 * The IDENTITY_DOMAINS file (JSON): the enterprise domain, the other patient identity domains, and the feed
 * sources (mutual-TLS identities) trusted to feed each one, with the per-source registry policy of
 * translating local ids to enterprise ids. Validated with zod; the first problem becomes one ConfigError
 * naming the variable, the file and the JSON path (src/main.ts prints it and exits 2).
 * Example: fixtures/identity-domains.json; reference: src/config/README.md.
 */
import { z } from 'zod';
import type { FeedSource, IdentityDomain, IdentityDomains } from '../patient-identity/domains';
// Circular with load-config.ts on purpose: ConfigError is only used at call time, never at import.
import { ConfigError } from './load-config';

const VARIABLE = 'IDENTITY_DOMAINS';
const OID = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/;
const oid = z.string().max(64, 'must be at most 64 characters').regex(OID, 'must be an OID such as 1.2.3.4');
const text = z.string().trim().min(1, 'must not be empty');

const Domain = z.strictObject({
  oid,
  name: text,
  // Required: which sources may feed a domain is a decision to write down, not a default to discover.
  feedSources: z.union([z.literal('any'), z.array(text)]),
});

const Source = z.strictObject({
  name: text,
  tls: z
    .strictObject({
      subject: text.optional(),
      commonName: text.optional(),
      fingerprint256: z.string().regex(/^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/, 'must be a SHA-256 fingerprint (64 hex digits, colons allowed)').optional(),
    })
    .refine((t) => t.subject !== undefined || t.commonName !== undefined || t.fingerprint256 !== undefined, 'needs subject, commonName or fingerprint256'),
  hl7v3Devices: z.array(oid).min(1).optional(),
  hl7v2Senders: z.array(z.strictObject({ application: text, facility: text.optional() })).min(1).optional(),
  translateLocalIds: z.boolean().optional(),
});

const File = z
  .strictObject({
    enterprise: Domain,
    domains: z.array(Domain),
    sources: z.array(Source).default([]),
  })
  .superRefine((f, ctx) => {
    const all = [f.enterprise, ...f.domains];
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const seenOid = new Set<string>();
    const seenName = new Set<string>();
    all.forEach((d, i) => {
      const path = i === 0 ? ['enterprise'] : ['domains', i - 1];
      if (seenOid.has(d.oid)) issue([...path, 'oid'], `${d.oid} is listed twice`);
      if (seenName.has(d.name)) issue([...path, 'name'], `${d.name} is used twice (HL7v2 CX-4 namespaces resolve by name)`);
      seenOid.add(d.oid);
      seenName.add(d.name);
    });
    const sources = new Set<string>();
    f.sources.forEach((s, i) => {
      if (sources.has(s.name)) issue(['sources', i, 'name'], `${s.name} is used twice`);
      sources.add(s.name);
    });
    all.forEach((d, i) => {
      if (d.feedSources === 'any') return;
      d.feedSources.forEach((n, j) => {
        if (!sources.has(n)) issue([...(i === 0 ? ['enterprise'] : ['domains', i - 1]), 'feedSources', j], `${n} is not a source listed in sources`);
      });
    });
  });

type FileShape = z.infer<typeof File>;

const toDomain = (d: FileShape['enterprise']): IdentityDomain => ({ oid: d.oid, name: d.name, feedSources: d.feedSources });

const toSource = (s: FileShape['sources'][number]): FeedSource => ({
  name: s.name,
  tls: s.tls,
  ...(s.hl7v3Devices ? { hl7v3Devices: s.hl7v3Devices } : {}),
  ...(s.hl7v2Senders ? { hl7v2Senders: s.hl7v2Senders } : {}),
  translateLocalIds: s.translateLocalIds ?? false,
});

const pathText = (path: readonly PropertyKey[]): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(top level)';

/** Parses and validates the file's text. A configured file lists a closed set of domains (no acceptAny). */
export function parseIdentityDomains(json: string, file: string): IdentityDomains {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new ConfigError(VARIABLE, `${file} is not valid JSON (${(err as Error).message})`);
  }
  const parsed = File.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(VARIABLE, `${file}: ${pathText(issue.path)}: ${issue.message}`);
  }
  const f = parsed.data;
  return Object.freeze({
    enterprise: toDomain(f.enterprise),
    domains: f.domains.map(toDomain),
    acceptAny: false,
    sources: f.sources.map(toSource),
  });
}

/** Reads and parses the file; an unreadable file is a configuration error too. */
export function readIdentityDomains(file: string, readText: (path: string) => string): IdentityDomains {
  let json: string;
  try {
    json = readText(file);
  } catch (err) {
    throw new ConfigError(VARIABLE, `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseIdentityDomains(json, file);
}
