/**
 * Author classification checks shared by DocumentEntry and SubmissionSet (ITI TF-3 §4.2.3.1.4):
 * each author names a person (XCN), an institution (XON) or, failing both, a telecom address (XTN),
 * which the TF accepts as the only author attribute (e.g. a device's mailbox).
 */
import { checkXcn, checkXon, checkXtn } from '../hl7-types';
import type { Author } from '../model';
import { quote } from './rule';

function checkAuthor(a: Author, index: number): string | undefined {
  const at = `[${index + 1}]`;
  const hasPerson = a.person !== undefined && a.person.trim() !== '';
  if (!hasPerson && a.institutions.length === 0 && a.telecom.length === 0) {
    return `${at} has none of authorPerson, authorInstitution, authorTelecommunication`;
  }
  if (hasPerson) {
    const r = checkXcn(a.person!);
    if (r !== undefined) return `${at} authorPerson ${quote(a.person!)} ${r}`;
  }
  for (const inst of a.institutions) {
    const r = checkXon(inst);
    if (r !== undefined) return `${at} authorInstitution ${quote(inst)} ${r}`;
  }
  for (const tel of a.telecom) {
    const r = checkXtn(tel);
    if (r !== undefined) return `${at} authorTelecommunication ${quote(tel)} ${r}`;
  }
  return undefined;
}

export const checkAuthors = (o: { readonly authors: readonly Author[] }): string | undefined => {
  for (const [i, a] of o.authors.entries()) {
    const r = checkAuthor(a, i);
    if (r !== undefined) return r;
  }
  return undefined;
};
