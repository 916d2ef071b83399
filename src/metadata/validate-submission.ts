/**
 * Validates one ITI-41/ITI-42 submission against the rule tables (rules/) and the message-level rules
 * (submission-rules.ts), then against the affinity domain. Returns every problem found, errors and
 * warnings, each with the most specific XDS code (TF-3 Table 4.2.4.1-2) and a codeContext naming the
 * object, the field and the bad value. Pure: registry state (existing objects, known patients) is
 * checked later by the handlers, starting from `externalReferences`.
 */
import { defaultMetadataCode, type Actor, type RegistryErrorEntry } from '../errors';
import type { AffinityDomain } from './affinity-domain';
import { checkDomainCodes } from './check-domain-codes';
import type { RegistryObject, Submission } from './model';
import { objectLabel } from './object-label';
import { associationRules } from './rules/association';
import { documentEntryRules } from './rules/document-entry';
import { folderRules } from './rules/folder';
import type { Rule, RuleContext, Transaction } from './rules/rule';
import { submissionSetRules } from './rules/submission-set';
import {
  checkDuplicateIds,
  checkDuplicateUniqueIds,
  checkMembership,
  checkSinglePatient,
  checkSubmissionSetCount,
  checkUnresolvedReferences,
} from './submission-rules';

export { externalReferences } from './submission-rules';

export interface ValidateOptions {
  readonly transaction: Transaction;
  readonly actor: Actor;
  readonly affinity: AffinityDomain;
}

function applyRules<T extends RegistryObject>(
  objects: readonly T[],
  rules: readonly Rule<T>[],
  ctx: RuleContext,
  actor: Actor,
): RegistryErrorEntry[] {
  const out: RegistryErrorEntry[] = [];
  for (const o of objects) {
    const limited = o.kind !== 'Association' && o.limitedMetadata;
    for (const rule of rules) {
      if (rule.when !== 'both' && rule.when !== ctx.transaction) continue;
      if (limited && rule.relaxedWhenLimited) continue;
      const reason = rule.check(o, ctx);
      if (reason === undefined) continue;
      out.push({
        errorCode: rule.code ?? defaultMetadataCode(actor),
        codeContext: `${objectLabel(o)}: ${rule.field} ${reason}`,
        severity: 'Error',
        location: o.id,
      });
    }
  }
  return out;
}

function ruleContext(s: Submission, transaction: Transaction): RuleContext {
  const byId = new Map<string, RegistryObject>();
  for (const o of [...s.submissionSets, ...s.documentEntries, ...s.folders, ...s.associations]) {
    if (!byId.has(o.id)) byId.set(o.id, o);
  }
  return { transaction, byId };
}

export function validateSubmission(s: Submission, o: ValidateOptions): RegistryErrorEntry[] {
  const ctx = ruleContext(s, o.transaction);
  return [
    ...checkSubmissionSetCount(s, o.actor),
    ...checkDuplicateIds(s, o.actor),
    ...applyRules(s.submissionSets, submissionSetRules, ctx, o.actor),
    ...applyRules(s.documentEntries, documentEntryRules, ctx, o.actor),
    ...applyRules(s.folders, folderRules, ctx, o.actor),
    ...applyRules(s.associations, associationRules, ctx, o.actor),
    ...checkSinglePatient(s),
    ...checkMembership(s, o.actor),
    ...checkUnresolvedReferences(s, o.actor),
    ...checkDuplicateUniqueIds(s, o.actor),
    ...checkDomainCodes(s, o.affinity, o.actor),
  ];
}
