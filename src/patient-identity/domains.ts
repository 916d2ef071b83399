/**
 * Patient identity domains the PIX Manager serves (ITI TF-1 §5.1: each domain is one assigning authority).
 * One of them is the enterprise (affinity) domain: identifiers there are enterprise ids of persons, and a
 * person who has none gets one minted in it. The default accepts any OID and uses the NIST affinity domain
 * that the conformance runner feeds (src/conformance/patient-feed.ts RUN_AUTHORITY); a configured file
 * (IDENTITY_DOMAINS, src/config/identity-domains.ts) lists the domains and which feed sources may feed each.
 *
 * Feed sources: the PIX Manager "shall only perform cross-referencing logic on messages received from
 * Patient Identity Source Actors" (ITI TF-2b §3.44.4.1.1, TF-2a §3.8.4.1.1), and each domain has its
 * Patient Identity Source (ITI TF-1 §5.2). A source is recognised by its authenticated mutual-TLS client
 * certificate (ATNA, ITI TF-2a §3.19) and, optionally, by the sending device (HL7v3) or MSH-3/MSH-4 (HL7v2).
 * Queries are never restricted here.
 */
import type { NodeIdentity } from '../transactions';

/** Names of the feed sources trusted to feed a domain, or 'any' authenticated node. */
export type FeedSourceList = 'any' | readonly string[];

export interface IdentityDomain {
  readonly oid: string;
  readonly name: string;
  /** Who may feed identifiers of this domain; absent = 'any' (the open default). */
  readonly feedSources?: FeedSourceList;
}

/** Fields of the verified client certificate a source is recognised by; every field given must match. */
export interface TlsIdentityMatch {
  /** The subject as src/app/tls.ts writes it, e.g. `CN=hospital-a,O=Example`. */
  readonly subject?: string;
  readonly commonName?: string;
  /** SHA-256 fingerprint `AB:CD:…` (case and colons ignored). */
  readonly fingerprint256?: string;
}

/** HL7v2 sender: MSH-3 (and MSH-4 when given) as a namespace id or universal id of the HD. */
export interface Hl7v2Sender {
  readonly application: string;
  readonly facility?: string;
}

export interface FeedSource {
  readonly name: string;
  readonly tls: TlsIdentityMatch;
  /** HL7v3 sender/device/id/@root values it sends from; absent = any. */
  readonly hl7v3Devices?: readonly string[];
  /** HL7v2 MSH-3/MSH-4 it sends from; absent = any. */
  readonly hl7v2Senders?: readonly Hl7v2Sender[];
  /** Registry policy: its submissions' local patient ids are translated to enterprise ids (translate-patient-ids.ts). */
  readonly translateLocalIds?: boolean;
}

export interface IdentityDomains {
  readonly enterprise: IdentityDomain;
  /** The other domains; ignored when acceptAny is set. */
  readonly domains: readonly IdentityDomain[];
  /** Accept identifiers of any assigning authority (open configuration). */
  readonly acceptAny: boolean;
  /** Configured feed sources (TLS identities); none in the open default. */
  readonly sources?: readonly FeedSource[];
}

export const NIST_AFFINITY_DOMAIN_OID = '1.3.6.1.4.1.21367.13.20.1000';

export const DEFAULT_IDENTITY_DOMAINS: IdentityDomains = {
  enterprise: { oid: NIST_AFFINITY_DOMAIN_OID, name: 'NIST affinity domain' },
  domains: [],
  acceptAny: true,
};

const OID_RE = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/;

export function isKnownDomain(d: IdentityDomains, oid: string): boolean {
  if (oid === d.enterprise.oid) return true;
  if (d.acceptAny) return OID_RE.test(oid) && oid.length <= 64;
  return d.domains.some((x) => x.oid === oid);
}

export const isEnterprise = (d: IdentityDomains, oid: string): boolean => oid === d.enterprise.oid;

/** The configured domain of an OID (undefined for an unlisted OID accepted by acceptAny, or an unknown one). */
export const domainOf = (d: IdentityDomains, oid: string): IdentityDomain | undefined =>
  oid === d.enterprise.oid ? d.enterprise : d.domains.find((x) => x.oid === oid);

/** Who sent a feed: the TLS peer, plus the sending device (HL7v3) or MSH-3/MSH-4 HD components (HL7v2). */
export interface FeedCaller {
  readonly peer: NodeIdentity;
  readonly device?: string;
  readonly application?: readonly string[];
  readonly facility?: readonly string[];
}

const normFingerprint = (f: string): string => f.replace(/:/g, '').toUpperCase();

export function matchesTls(m: TlsIdentityMatch, peer: NodeIdentity): boolean {
  if (m.subject === undefined && m.commonName === undefined && m.fingerprint256 === undefined) return false;
  if (m.subject !== undefined && m.subject !== peer.subject) return false;
  if (m.commonName !== undefined && m.commonName !== peer.commonName) return false;
  if (m.fingerprint256 !== undefined && (!peer.fingerprint256 || normFingerprint(m.fingerprint256) !== normFingerprint(peer.fingerprint256))) return false;
  return true;
}

/** The configured sources the TLS peer is (several entries may share one certificate). */
export const sourcesOfPeer = (d: IdentityDomains, peer: NodeIdentity): FeedSource[] =>
  (d.sources ?? []).filter((s) => matchesTls(s.tls, peer));

const has = (values: readonly string[] | undefined, wanted: string): boolean => !!values?.some((v) => v !== '' && v === wanted);

/** Whether the message's sender fields fit what the source is configured to send from. */
function senderFits(s: FeedSource, c: FeedCaller): boolean {
  if (c.device !== undefined || c.application === undefined) {
    // HL7v3 (or a caller with no v2 header): only the device list applies.
    return !s.hl7v3Devices || (c.device !== undefined && s.hl7v3Devices.includes(c.device));
  }
  return !s.hl7v2Senders || s.hl7v2Senders.some((x) => has(c.application, x.application) && (x.facility === undefined || has(c.facility, x.facility)));
}

const senderText = (c: FeedCaller): string =>
  c.application !== undefined && c.device === undefined
    ? `sending application ${c.application.filter(Boolean).join('/') || '(none)'}${c.facility ? ` / facility ${c.facility.filter(Boolean).join('/') || '(none)'}` : ''}`
    : `sending device ${c.device ?? '(none)'}`;

/**
 * Why this caller may not feed identifiers of `oid`, or undefined when it may. Domains with feedSources
 * 'any' (the default, and unlisted domains under acceptAny) are open to every authenticated node.
 */
export function feedRefusal(d: IdentityDomains, oid: string, c: FeedCaller): string | undefined {
  const domain = domainOf(d, oid);
  const allowed = domain?.feedSources ?? 'any';
  if (allowed === 'any') return undefined;
  const trusted = sourcesOfPeer(d, c.peer).filter((s) => allowed.includes(s.name));
  if (trusted.some((s) => senderFits(s, c))) return undefined;
  const who = `node ${c.peer.subject || c.peer.commonName || '(no certificate subject)'}`;
  const what = `domain ${oid} (${domain!.name})`;
  if (trusted.length > 0) return `${senderText(c)} is not configured for feed source ${trusted.map((s) => s.name).join(', ')} of ${what}`;
  return `${who} is not a trusted feed source for ${what}`;
}

/** Whether the peer's submissions carry local ids to translate to enterprise ids (a per-source policy). */
export const translatesLocalIds = (d: IdentityDomains, peer: NodeIdentity): boolean =>
  sourcesOfPeer(d, peer).some((s) => s.translateLocalIds === true);
