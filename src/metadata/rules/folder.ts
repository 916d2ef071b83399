/**
 * Folder rules (ITI TF-3 §4.2.3.4, optionality from Table 4.3.1-3). lastUpdateTime is set by the
 * Registry, so it is only checked for format when a source sends one.
 */
import { checkCx, checkDtm, checkOid } from '../hl7-types';
import type { Folder } from '../model';
import { atLeastOne, eachCodeFormat, format, present, type Rule } from './rule';

type R = Rule<Folder>;

export const folderRules: readonly R[] = [
  { field: 'uniqueId', when: 'both', check: present((f) => f.uniqueId) },
  { field: 'uniqueId', when: 'both', check: format((f) => f.uniqueId, checkOid) },
  { field: 'patientId', when: 'both', relaxedWhenLimited: true, check: present((f) => f.patientId) },
  { field: 'patientId', when: 'both', check: format((f) => f.patientId, checkCx) },
  { field: 'codeList', when: 'both', relaxedWhenLimited: true, check: atLeastOne((f) => f.codeList) },
  { field: 'codeList', when: 'both', check: eachCodeFormat((f) => f.codeList) },
  { field: 'lastUpdateTime', when: 'both', check: format((f) => f.lastUpdateTime, checkDtm) },
];
