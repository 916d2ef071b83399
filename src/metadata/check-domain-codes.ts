/**
 * Coded values and MIME types against the affinity domain (ITI TF-3 §4.2.3.1.2: code lists are set by
 * the XDS Affinity Domain). Strictness decides the outcome of a value outside the lists:
 * 'enforce' → Error, 'warn' → Warning, 'off' → nothing. A scheme without a configured list accepts all.
 */
import { defaultMetadataCode, type Actor, type RegistryErrorEntry, type Severity } from '../errors';
import { AssociationDocumentationScheme, DocumentEntryScheme, FolderScheme, SubmissionSetScheme } from '../ebxml/vocabulary';
import type { AffinityDomain } from './affinity-domain';
import type { Code, RegistryObject, Submission } from './model';
import { objectLabel } from './object-label';
import { quote } from './rules/rule';

interface CodedField {
  readonly field: string;
  readonly scheme: string;
  readonly codes: readonly Code[];
}

const one = (c: Code | undefined): readonly Code[] => (c === undefined ? [] : [c]);

function codedFields(o: RegistryObject): readonly CodedField[] {
  switch (o.kind) {
    case 'DocumentEntry':
      return [
        { field: 'classCode', scheme: DocumentEntryScheme.classCode, codes: one(o.classCode) },
        { field: 'typeCode', scheme: DocumentEntryScheme.typeCode, codes: one(o.typeCode) },
        { field: 'formatCode', scheme: DocumentEntryScheme.formatCode, codes: one(o.formatCode) },
        { field: 'healthcareFacilityTypeCode', scheme: DocumentEntryScheme.healthcareFacilityTypeCode, codes: one(o.healthcareFacilityTypeCode) },
        { field: 'practiceSettingCode', scheme: DocumentEntryScheme.practiceSettingCode, codes: one(o.practiceSettingCode) },
        { field: 'confidentialityCode', scheme: DocumentEntryScheme.confidentialityCode, codes: o.confidentialityCodes },
        { field: 'eventCodeList', scheme: DocumentEntryScheme.eventCodeList, codes: o.eventCodes },
      ];
    case 'SubmissionSet':
      return [{ field: 'contentTypeCode', scheme: SubmissionSetScheme.contentTypeCode, codes: one(o.contentTypeCode) }];
    case 'Folder':
      return [{ field: 'codeList', scheme: FolderScheme.codeList, codes: o.codeList }];
    case 'Association':
      return [{ field: 'documentation', scheme: AssociationDocumentationScheme, codes: one(o.documentation) }];
  }
}

const severityOf = (d: AffinityDomain): Severity | undefined =>
  d.strictness === 'enforce' ? 'Error' : d.strictness === 'warn' ? 'Warning' : undefined;

/** Media type without parameters, lower-cased (RFC 2045: type and subtype are case-insensitive). */
const bareMime = (m: string): string => m.split(';')[0]!.trim().toLowerCase();

export function checkDomainCodes(s: Submission, domain: AffinityDomain, actor: Actor): RegistryErrorEntry[] {
  const severity = severityOf(domain);
  if (severity === undefined) return [];
  const out: RegistryErrorEntry[] = [];
  const report = (o: RegistryObject, text: string): void => {
    out.push({ errorCode: defaultMetadataCode(actor), codeContext: `${objectLabel(o)}: ${text}`, severity, location: o.id });
  };
  const objects: readonly RegistryObject[] = [...s.submissionSets, ...s.documentEntries, ...s.folders, ...s.associations];
  for (const o of objects) {
    for (const f of codedFields(o)) {
      const allowed = domain.codes.get(f.scheme);
      if (allowed === undefined || allowed.length === 0) continue;
      for (const c of f.codes) {
        if (c.code === '' || c.codingScheme === '') continue; // format rules report these
        if (!allowed.some((a) => a.code === c.code && a.codingScheme === c.codingScheme)) {
          report(o, `${f.field} ${quote(c.code)} (codingScheme ${quote(c.codingScheme)}) is not in the affinity domain`);
        }
      }
    }
  }
  if (domain.mimeTypes.length > 0) {
    const allowed = allowedMimes(domain.mimeTypes);
    for (const d of s.documentEntries) {
      if (d.mimeType !== undefined && d.mimeType !== '' && !allowed.has(bareMime(d.mimeType))) {
        report(d, `mimeType ${quote(d.mimeType)} is not in the affinity domain`);
      }
    }
  }
  return out;
}

/** The bare MIME types of a domain's list, built once per list (it is configuration, read on every submission). */
const mimeSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function allowedMimes(list: readonly string[]): ReadonlySet<string> {
  let set = mimeSets.get(list);
  if (!set) mimeSets.set(list, (set = new Set(list.map(bareMime))));
  return set;
}
