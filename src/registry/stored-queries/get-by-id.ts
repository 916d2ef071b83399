/**
 * The lookup queries (ITI TF-2a §3.18.4.1.2.3.7.5–.9): GetDocuments, GetFolders, GetAssociations,
 * GetDocumentsAndAssociations, GetSubmissionSets. No status filter: they return whatever the ids name.
 *
 * GetDocuments also takes the Metadata Update parameters $XDSDocumentEntryLogicalID and $MetadataLevel
 * (§3.18.4.1.2.3.7.5, §3.18.4.1.2.3.5.1). Tessera does not implement Metadata Update (ITI-57): every entry is
 * version 1 of itself, its logicalId is its entryUUID, so a LogicalID lookup is an entryUUID lookup and
 * returns exactly one version per logical id. Levels 1 and 2 therefore answer the same objects: there are
 * no later versions and no UpdateAvailabilityStatus/SubmitAssociation associations to add or hide.
 */
import type { DocumentEntry } from '../../metadata/model';
import type { QueryParams } from './params';
import { HOME, multi, opts, single, uniqueById, withinLimit } from './shared';
import type { QueryContext, StoredQueryDef } from './types';

const DE_UUID = '$XDSDocumentEntryEntryUUID';
const DE_UID = '$XDSDocumentEntryUniqueId';
const DE_LID = '$XDSDocumentEntryLogicalID';
const F_UUID = '$XDSFolderEntryUUID';
const F_UID = '$XDSFolderUniqueId';

const byDocumentIds = {
  params: [multi(DE_UUID), multi(DE_UID), HOME],
  oneOf: [[DE_UUID, DE_UID]],
  exclusive: [[DE_UUID, DE_UID]],
} as const;

async function documentsNamed(p: QueryParams, ctx: QueryContext): Promise<DocumentEntry[]> {
  // Without Metadata Update the logicalId of every entry is its entryUUID (see the file comment).
  const ids = p.strings(DE_UUID) ?? p.strings(DE_LID);
  const rows = await ctx.store.findDocumentEntries({ ids, uniqueIds: p.strings(DE_UID) }, opts(ctx));
  return withinLimit(rows, ctx);
}

export const GetDocuments: StoredQueryDef = {
  name: 'GetDocuments',
  id: 'urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4',
  params: [multi(DE_UUID), multi(DE_UID), multi(DE_LID), HOME, single('$MetadataLevel', 'metadataLevel')],
  oneOf: [[DE_UUID, DE_UID, DE_LID]],
  exclusive: [[DE_UUID, DE_UID, DE_LID]],
  execute: async (p, ctx) => ({ objects: await documentsNamed(p, ctx) }),
};

export const GetFolders: StoredQueryDef = {
  name: 'GetFolders',
  id: 'urn:uuid:5737b14c-8a1a-4539-b659-e03a34a5e1e4',
  params: [multi(F_UUID), multi(F_UID), HOME],
  oneOf: [[F_UUID, F_UID]],
  exclusive: [[F_UUID, F_UID]],
  async execute(p, ctx) {
    const rows = await ctx.store.findFolders({ ids: p.strings(F_UUID), uniqueIds: p.strings(F_UID) }, opts(ctx));
    return { objects: withinLimit(rows, ctx) };
  },
};

export const GetAssociations: StoredQueryDef = {
  name: 'GetAssociations',
  id: 'urn:uuid:a7ae438b-4bc2-4642-93e9-be891f7bb155',
  params: [multi('$uuid', 'string', true), HOME],
  async execute(p, ctx) {
    const rows = await ctx.store.findAssociations({ endpointIds: p.strings('$uuid') }, opts(ctx));
    return { objects: withinLimit(rows, ctx) };
  },
};

export const GetDocumentsAndAssociations: StoredQueryDef = {
  name: 'GetDocumentsAndAssociations',
  id: 'urn:uuid:bab9529a-4a10-40b3-a01f-f68a615d247a',
  ...byDocumentIds,
  async execute(p, ctx) {
    const docs = await documentsNamed(p, ctx);
    if (docs.length === 0) return { objects: [] };
    const assocs = await ctx.store.findAssociations({ endpointIds: docs.map((d) => d.id) }, opts(ctx));
    return { objects: [...docs, ...uniqueById(withinLimit(assocs, ctx))] };
  },
};

/** The SubmissionSets that HasMember the given DocumentEntries/Folders, with those Associations (§.7.9). */
export const GetSubmissionSets: StoredQueryDef = {
  name: 'GetSubmissionSets',
  id: 'urn:uuid:51224314-5390-4169-9b91-b1980040715a',
  params: [multi('$uuid', 'string', true), HOME],
  async execute(p, ctx) {
    const members = await ctx.store.findAssociations({ targetIds: p.strings('$uuid'), types: ['HasMember'] }, opts(ctx));
    const sourceIds = [...new Set(withinLimit(members, ctx).map((a) => a.sourceId))];
    if (sourceIds.length === 0) return { objects: [] };
    const sets = withinLimit(await ctx.store.findSubmissionSets({ ids: sourceIds }, opts(ctx)), ctx);
    const setIds = new Set(sets.map((s) => s.id));
    return { objects: [...sets, ...members.filter((a) => setIds.has(a.sourceId))] };
  },
};
