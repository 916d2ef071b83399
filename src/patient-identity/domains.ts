/**
 * Patient identity domains the PIX Manager serves (ITI TF-1 §5.1: each domain is one assigning authority).
 * One of them is the enterprise (affinity) domain: identifiers there are enterprise ids of persons, and a
 * person who has none gets one minted in it. The default accepts any OID and uses the NIST affinity domain
 * that the conformance runner feeds (src/conformance/patient-feed.ts RUN_AUTHORITY).
 */
export interface IdentityDomain {
  readonly oid: string;
  readonly name: string;
}

export interface IdentityDomains {
  readonly enterprise: IdentityDomain;
  /** The other domains; ignored when acceptAny is set. */
  readonly domains: readonly IdentityDomain[];
  /** Accept identifiers of any assigning authority (open configuration). */
  readonly acceptAny: boolean;
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
