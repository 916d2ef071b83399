/**
 * SubmissionSet rules (ITI TF-3 §4.2.3.3, optionality from Table 4.3.1-3). contentTypeCode and
 * patientId are R2 for a Metadata-Limited Document Source.
 */
import { checkCx, checkDtm, checkOid, checkXcn, checkXon } from '../hl7-types';
import type { SubmissionSet } from '../model';
import { checkAuthors } from './author';
import { codeFormat, eachFormat, format, present, quote, type Rule } from './rule';

type R = Rule<SubmissionSet>;

/** intendedRecipient is `XON|XCN` (either side may be empty; TF-3 §4.2.3.3.5). */
function checkIntendedRecipient(v: string): string | undefined {
  const [org, person] = v.split('|');
  if ((org ?? '').trim() === '' && (person ?? '').trim() === '') return 'names neither an organization nor a person';
  if (org && org.trim() !== '') {
    const r = checkXon(org);
    if (r !== undefined) return r;
  }
  return person && person.trim() !== '' ? checkXcn(person) : undefined;
}

export const submissionSetRules: readonly R[] = [
  { field: 'uniqueId', when: 'both', check: present((s) => s.uniqueId) },
  { field: 'uniqueId', when: 'both', check: format((s) => s.uniqueId, checkOid) },
  { field: 'sourceId', when: 'both', check: present((s) => s.sourceId) },
  { field: 'sourceId', when: 'both', check: format((s) => s.sourceId, checkOid) },
  { field: 'patientId', when: 'both', relaxedWhenLimited: true, check: present((s) => s.patientId) },
  { field: 'patientId', when: 'both', check: format((s) => s.patientId, checkCx) },
  { field: 'submissionTime', when: 'both', check: present((s) => s.submissionTime) },
  { field: 'submissionTime', when: 'both', check: format((s) => s.submissionTime, checkDtm) },
  { field: 'contentTypeCode', when: 'both', relaxedWhenLimited: true, check: present((s) => s.contentTypeCode) },
  { field: 'contentTypeCode', when: 'both', check: codeFormat((s) => s.contentTypeCode) },
  { field: 'author', when: 'both', check: checkAuthors },
  { field: 'intendedRecipient', when: 'both', check: eachFormat((s) => s.intendedRecipients, checkIntendedRecipient) },
  {
    field: 'title',
    when: 'both',
    check: (s) => (s.title !== undefined && s.title.value.length > 128 ? `${quote(s.title.value.slice(0, 20))}… is longer than 128 characters` : undefined),
  },
];
