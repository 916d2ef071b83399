/**
 * Optional per-source registry policy (issue 6; IDENTITY_DOMAINS `translateLocalIds`): a submission from a
 * source that only knows its local MRN is registered under the person's enterprise id, so consumers query
 * one id (ITI TF-1 §10.2.2: the XDS affinity domain's patient id is the enterprise one). The original stays
 * in DocumentEntry.sourcePatientId (ITI TF-3 §4.2.3.2.19: the id the source knows the patient by) when the
 * source left it absent or equal; a different sourcePatientId was chosen by the source and is kept.
 *
 * Run after the metadata rules (a malformed or mismatched patientId is theirs to report) and before the
 * registry's patient check, which then sees the enterprise id. Reads the cross-reference only.
 */
import { XdsError, type RegistryErrorEntry } from '../errors';
import { XdsCode } from '../errors/codes';
import type { DocumentEntry, Folder, Submission, SubmissionSet } from '../metadata/model';
import { parseCx } from '../metadata/hl7-types';
import { isEnterprise, translatesLocalIds, type IdentityDomains } from '../patient-identity/domains';
import type { IdentityRecord } from '../patient-identity/identity-ports';
import { keyToCx, type PatientKey } from '../patient-identity/model';
import type { NodeIdentity } from '../transactions';

/** What translation reads from the cross-reference (a `CrossReference` satisfies it). */
export interface EnterpriseIdSource {
  readonly domains: IdentityDomains;
  readonly store: { getRecord(key: PatientKey): Promise<IdentityRecord | undefined> };
  personOf(key: PatientKey): Promise<string | undefined>;
  identifiers(personId: string): Promise<PatientKey[]>;
}

export type SubmissionTranslator = (s: Submission) => Promise<Submission>;

type Resolved = { readonly cx: string } | { readonly why: string };

/** The enterprise id (CX) of a local id, or why there is none. */
async function enterpriseIdOf(xref: EnterpriseIdSource, key: PatientKey, cx: string): Promise<Resolved> {
  const record = await xref.store.getRecord(key);
  if (!record) return { why: `patientId ${cx} is not known to the patient identity cross-reference` };
  // A merged-away local id is refused like the registry refuses it untranslated (issue 6: merged-away ids rejected).
  if (record.mergedInto) return { why: `patientId ${cx} was merged into ${keyToCx(record.mergedInto)}` };
  const person = await xref.personOf(key);
  const own = person ? parseCx(person) : undefined;
  if (own && isEnterprise(xref.domains, own.authority)) return { cx: keyToCx(own) };
  // The person id was minted under an earlier enterprise OID: look for an id in the current enterprise domain.
  const ent = person ? (await xref.identifiers(person)).find((k) => isEnterprise(xref.domains, k.authority)) : undefined;
  return ent ? { cx: keyToCx(ent) } : { why: `patientId ${cx} has no enterprise id in ${xref.domains.enterprise.oid}` };
}

type PatientObject = SubmissionSet | DocumentEntry | Folder;

/**
 * The submission with every SubmissionSet/DocumentEntry/Folder patientId that is a local id replaced by its
 * enterprise id. Ids already in the enterprise domain, absent or malformed ones are left as they are.
 * Throws XdsError (XDSUnknownPatientId, one entry per object naming it and the id) when a local id has none.
 */
export async function translatePatientIds(s: Submission, xref: EnterpriseIdSource): Promise<Submission> {
  const cache = new Map<string, Promise<Resolved | undefined>>();
  const resolve = (cx: string): Promise<Resolved | undefined> => {
    let r = cache.get(cx);
    if (!r) {
      const key = parseCx(cx);
      r = key && !isEnterprise(xref.domains, key.authority) ? enterpriseIdOf(xref, key, cx) : Promise.resolve(undefined);
      cache.set(cx, r);
    }
    return r;
  };
  const errors: RegistryErrorEntry[] = [];
  const translate = async <T extends PatientObject>(o: T): Promise<T> => {
    if (o.patientId === undefined) return o;
    const r = await resolve(o.patientId);
    if (!r) return o;
    if ('why' in r) {
      errors.push({ errorCode: XdsCode.UnknownPatientId, codeContext: `${o.kind} ${o.id}: ${r.why}`, severity: 'Error' });
      return o;
    }
    if (o.kind !== 'DocumentEntry') return { ...o, patientId: r.cx };
    // sourcePatientId is the id at the source: keep the source's own value unless it just repeated patientId.
    const keepSource = o.sourcePatientId !== undefined && o.sourcePatientId !== o.patientId;
    return { ...o, patientId: r.cx, sourcePatientId: keepSource ? o.sourcePatientId : o.patientId };
  };
  const [submissionSets, documentEntries, folders] = await Promise.all([
    Promise.all(s.submissionSets.map(translate)),
    Promise.all(s.documentEntries.map(translate)),
    Promise.all(s.folders.map(translate)),
  ]);
  if (errors.length > 0) throw new XdsError(errors);
  return { ...s, submissionSets, documentEntries, folders };
}

/** The translator for a calling node: undefined unless a configured source it is has translateLocalIds. */
export const patientIdTranslatorFor = (xref: EnterpriseIdSource, peer: NodeIdentity): SubmissionTranslator | undefined =>
  translatesLocalIds(xref.domains, peer) ? (s) => translatePatientIds(s, xref) : undefined;
