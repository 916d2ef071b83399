/**
 * Association rules (ITI TF-3 §4.2.2, §4.2.3.1.x): both ends present, a known type, the
 * SubmissionSetStatus slot on SubmissionSet-HasMember-DocumentEntry (TF-3 §4.2.2.1.2), and ends of
 * the right kind when they are objects of the same message. Ends outside the message (urn:uuid: ids
 * of registered objects) are left to the Registry, which resolves them later.
 */
import { AssociationTypes, type Association } from '../model';
import { quote, type Rule, type RuleContext } from './rule';

type R = Rule<Association>;

/** Document relationship types (TF-3 §4.2.2.2): the source is the new DocumentEntry of this submission. */
const DOCUMENT_RELATIONSHIPS: ReadonlySet<string> = new Set(['APND', 'RPLC', 'XFRM', 'XFRM_RPLC', 'signs', 'IsSnapshotOf']);

const kindOf = (id: string, ctx: RuleContext): string | undefined => ctx.byId.get(id)?.kind;

function checkSubmissionSetStatus(a: Association, ctx: RuleContext): string | undefined {
  if (a.type !== 'HasMember' || kindOf(a.sourceId, ctx) !== 'SubmissionSet') return undefined;
  const target = kindOf(a.targetId, ctx);
  // A target outside the message can only be a registered DocumentEntry being referenced.
  if (target !== 'DocumentEntry' && target !== undefined) return undefined;
  if (a.submissionSetStatus === undefined) return 'is missing on SubmissionSet-HasMember-DocumentEntry';
  if (a.submissionSetStatus !== 'Original' && a.submissionSetStatus !== 'Reference') {
    return `${quote(a.submissionSetStatus)} is not Original or Reference`;
  }
  if (target === 'DocumentEntry' && a.submissionSetStatus !== 'Original') {
    return `${quote(a.submissionSetStatus)} must be Original for a DocumentEntry of this submission`;
  }
  return undefined;
}

function checkSourceKind(a: Association, ctx: RuleContext): string | undefined {
  const source = kindOf(a.sourceId, ctx);
  if (DOCUMENT_RELATIONSHIPS.has(a.type)) {
    return source === 'DocumentEntry' ? undefined : `${quote(a.sourceId)} must be a DocumentEntry of this submission for ${a.type}`;
  }
  if (a.type === 'HasMember' && source !== undefined && source !== 'SubmissionSet' && source !== 'Folder') {
    return `${quote(a.sourceId)} is a ${source}; HasMember needs a SubmissionSet or Folder source`;
  }
  return undefined;
}

function checkTargetKind(a: Association, ctx: RuleContext): string | undefined {
  const target = kindOf(a.targetId, ctx);
  if (target === undefined) return undefined;
  if (DOCUMENT_RELATIONSHIPS.has(a.type) && target !== 'DocumentEntry') {
    return `${quote(a.targetId)} is a ${target}; ${a.type} needs a DocumentEntry target`;
  }
  if (a.type === 'HasMember' && kindOf(a.sourceId, ctx) === 'Folder' && target !== 'DocumentEntry') {
    return `${quote(a.targetId)} is a ${target}; Folder HasMember needs a DocumentEntry target`;
  }
  if (a.sourceId === a.targetId) return `${quote(a.targetId)} is the association's own source`;
  return undefined;
}

const blank = (v: string | undefined): boolean => v === undefined || v.trim() === '';

export const associationRules: readonly R[] = [
  { field: 'sourceObject', when: 'both', check: (a) => (blank(a.sourceId) ? 'is missing' : undefined) },
  { field: 'targetObject', when: 'both', check: (a) => (blank(a.targetId) ? 'is missing' : undefined) },
  {
    field: 'associationType',
    when: 'both',
    check: (a) => ((AssociationTypes as readonly string[]).includes(a.type) ? undefined : `${quote(a.type)} is not a known association type`),
  },
  { field: 'SubmissionSetStatus', when: 'both', check: checkSubmissionSetStatus },
  { field: 'sourceObject', when: 'both', check: checkSourceKind },
  { field: 'targetObject', when: 'both', check: checkTargetKind },
];
