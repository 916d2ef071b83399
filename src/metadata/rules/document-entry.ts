/**
 * DocumentEntry rules (ITI TF-3 §4.2.3.2, optionality from Table 4.3.1-3, column "XDS DS" for ITI-41
 * and "XDS DR" for ITI-42). For ITI-41 the Repository computes hash and size and adds its own
 * repositoryUniqueId (TF-3 §4.2.3.2.11/.18/.21), so those are only checked for format there; for
 * ITI-42 they are required. Presence rules marked relaxedWhenLimited are R2 for a Metadata-Limited
 * Document Source (limitedMetadata objects).
 */
import {
  checkCx,
  checkCxi,
  checkDocumentUniqueId,
  checkDtm,
  checkHash,
  checkLanguageCode,
  checkMimeType,
  checkOid,
  checkSize,
  checkXcn,
} from '../hl7-types';
import type { DocumentEntry } from '../model';
import { checkAuthors } from './author';
import { atLeastOne, codeFormat, eachCodeFormat, eachFormat, format, present, type Rule } from './rule';

type R = Rule<DocumentEntry>;

export const documentEntryRules: readonly R[] = [
  { field: 'uniqueId', when: 'both', check: present((d) => d.uniqueId) },
  { field: 'uniqueId', when: 'both', check: format((d) => d.uniqueId, checkDocumentUniqueId) },
  { field: 'patientId', when: 'both', relaxedWhenLimited: true, check: present((d) => d.patientId) },
  { field: 'patientId', when: 'both', check: format((d) => d.patientId, checkCx) },
  { field: 'mimeType', when: 'both', check: present((d) => d.mimeType) },
  { field: 'mimeType', when: 'both', check: format((d) => d.mimeType, checkMimeType) },
  { field: 'classCode', when: 'both', relaxedWhenLimited: true, check: present((d) => d.classCode) },
  { field: 'classCode', when: 'both', check: codeFormat((d) => d.classCode) },
  { field: 'typeCode', when: 'both', relaxedWhenLimited: true, check: present((d) => d.typeCode) },
  { field: 'typeCode', when: 'both', check: codeFormat((d) => d.typeCode) },
  { field: 'formatCode', when: 'both', relaxedWhenLimited: true, check: present((d) => d.formatCode) },
  { field: 'formatCode', when: 'both', check: codeFormat((d) => d.formatCode) },
  { field: 'practiceSettingCode', when: 'both', relaxedWhenLimited: true, check: present((d) => d.practiceSettingCode) },
  { field: 'practiceSettingCode', when: 'both', check: codeFormat((d) => d.practiceSettingCode) },
  {
    field: 'healthcareFacilityTypeCode',
    when: 'both',
    relaxedWhenLimited: true,
    check: present((d) => d.healthcareFacilityTypeCode),
  },
  { field: 'healthcareFacilityTypeCode', when: 'both', check: codeFormat((d) => d.healthcareFacilityTypeCode) },
  { field: 'confidentialityCode', when: 'both', relaxedWhenLimited: true, check: atLeastOne((d) => d.confidentialityCodes) },
  { field: 'confidentialityCode', when: 'both', check: eachCodeFormat((d) => d.confidentialityCodes) },
  { field: 'eventCodeList', when: 'both', check: eachCodeFormat((d) => d.eventCodes) },
  { field: 'creationTime', when: 'both', relaxedWhenLimited: true, check: present((d) => d.creationTime) },
  { field: 'creationTime', when: 'both', check: format((d) => d.creationTime, checkDtm) },
  { field: 'serviceStartTime', when: 'both', check: format((d) => d.serviceStartTime, checkDtm) },
  { field: 'serviceStopTime', when: 'both', check: format((d) => d.serviceStopTime, checkDtm) },
  { field: 'hash', when: 'ITI-42', check: present((d) => d.hash) },
  { field: 'hash', when: 'both', check: format((d) => d.hash, checkHash) },
  { field: 'size', when: 'ITI-42', check: present((d) => d.size) },
  { field: 'size', when: 'both', check: format((d) => d.size, checkSize) },
  { field: 'repositoryUniqueId', when: 'ITI-42', check: present((d) => d.repositoryUniqueId) },
  { field: 'repositoryUniqueId', when: 'both', check: format((d) => d.repositoryUniqueId, checkOid) },
  { field: 'languageCode', when: 'both', relaxedWhenLimited: true, check: present((d) => d.languageCode) },
  { field: 'languageCode', when: 'both', check: format((d) => d.languageCode, checkLanguageCode) },
  { field: 'sourcePatientId', when: 'both', relaxedWhenLimited: true, check: present((d) => d.sourcePatientId) },
  { field: 'sourcePatientId', when: 'both', check: format((d) => d.sourcePatientId, checkCx) },
  { field: 'legalAuthenticator', when: 'both', check: format((d) => d.legalAuthenticator, checkXcn) },
  { field: 'author', when: 'both', check: checkAuthors },
  { field: 'referenceIdList', when: 'both', check: eachFormat((d) => d.referenceIdList, checkCxi) },
  {
    // TF-3 §4.2.3.2.27: title is a single localized string of at most 128 characters.
    field: 'title',
    when: 'both',
    check: (d) => (d.title !== undefined && d.title.value.length > 128 ? 'is longer than 128 characters' : undefined),
  },
  {
    // TF-3 §4.2.3.2.30: an On-Demand entry is never registered with hash or size.
    field: 'hash',
    when: 'both',
    check: (d) => (d.type === 'on-demand' && d.hash !== undefined ? 'must not be present on an On-Demand DocumentEntry' : undefined),
  },
];
