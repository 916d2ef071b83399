/**
 * Queries that walk Associations from one object (ITI TF-2a §3.18.4.1.2.3.7.10–.13):
 * GetSubmissionSetAndContents, GetFolderAndContents, GetFoldersForDocument, GetRelatedDocuments.
 */
import type { Association, DocumentEntry, RegistryObject } from '../../metadata/model';
import type { QueryParams } from './params';
import { CONTENT_FILTER_PARAMS, contentFilters, HOME, idsOf, linksWithin, multi, opts, single, withinLimit } from './shared';
import type { QueryContext, StoredQueryDef } from './types';

const DE_UUID = '$XDSDocumentEntryEntryUUID';
const DE_UID = '$XDSDocumentEntryUniqueId';
const SS_UUID = '$XDSSubmissionSetEntryUUID';
const SS_UID = '$XDSSubmissionSetUniqueId';
const F_UUID = '$XDSFolderEntryUUID';
const F_UID = '$XDSFolderUniqueId';

/** "one of A / B, single-valued" — the way these queries name their starting object. */
const startingAt = (uuid: string, uid: string) => ({
  oneOf: [[uuid, uid]],
  exclusive: [[uuid, uid]],
});
const idCriteria = (p: QueryParams, uuid: string, uid: string) => ({
  ids: p.has(uuid) ? [p.string(uuid)!] : undefined,
  uniqueIds: p.has(uid) ? [p.string(uid)!] : undefined,
});

async function hasMemberFrom(sourceId: string, ctx: QueryContext): Promise<Association[]> {
  return withinLimit(await ctx.store.findAssociations({ sourceIds: [sourceId], types: ['HasMember'] }, opts(ctx)), ctx);
}

async function documentsAmong(ids: readonly string[], p: QueryParams, ctx: QueryContext): Promise<DocumentEntry[]> {
  if (ids.length === 0) return [];
  return withinLimit(await ctx.store.findDocumentEntries({ ...contentFilters(p), ids }, opts(ctx)), ctx);
}

/**
 * The SubmissionSet, its member DocumentEntries (after the content filters) and Folders, the Associations it
 * carries between them (e.g. Folder HasMember DocumentEntry), and its HasMember Associations to all of those.
 */
export const GetSubmissionSetAndContents: StoredQueryDef = {
  name: 'GetSubmissionSetAndContents',
  id: 'urn:uuid:e8e3cb2c-e39c-46b9-99e4-c12f57260b83',
  params: [single(SS_UUID), single(SS_UID), ...CONTENT_FILTER_PARAMS, HOME],
  ...startingAt(SS_UUID, SS_UID),
  async execute(p, ctx) {
    const [set] = await ctx.store.findSubmissionSets(idCriteria(p, SS_UUID, SS_UID), opts(ctx));
    if (!set) return { objects: [] };
    const members = await hasMemberFrom(set.id, ctx);
    const targets = members.map((a) => a.targetId);
    const [docs, folders, targetObjects] = await Promise.all([
      documentsAmong(targets, p, ctx),
      targets.length ? ctx.store.findFolders({ ids: targets }, opts(ctx)) : [],
      targets.length ? ctx.store.getByIds(targets) : [],
    ]);
    const entries: RegistryObject[] = [...docs, ...withinLimit(folders, ctx)];
    const entryIds = idsOf(entries);
    const carried = targetObjects.filter((o): o is Association => o.kind === 'Association' && linksWithin(o, entryIds));
    const returned = new Set([...entryIds, ...carried.map((a) => a.id)]);
    const links = members.filter((a) => returned.has(a.targetId));
    return { objects: [set, ...entries, ...links, ...carried] };
  },
};

/** The Folder, its member DocumentEntries (after the content filters) and those HasMember Associations. */
export const GetFolderAndContents: StoredQueryDef = {
  name: 'GetFolderAndContents',
  id: 'urn:uuid:b909a503-523d-4517-8acf-8e5834dfc4c7',
  params: [single(F_UUID), single(F_UID), ...CONTENT_FILTER_PARAMS, HOME],
  ...startingAt(F_UUID, F_UID),
  async execute(p, ctx) {
    const [folder] = await ctx.store.findFolders(idCriteria(p, F_UUID, F_UID), opts(ctx));
    if (!folder) return { objects: [] };
    const members = await hasMemberFrom(folder.id, ctx);
    const docs = await documentsAmong(members.map((a) => a.targetId), p, ctx);
    const docIds = idsOf(docs);
    return { objects: [folder, ...docs, ...members.filter((a) => docIds.has(a.targetId))] };
  },
};

async function startingDocument(p: QueryParams, ctx: QueryContext): Promise<DocumentEntry | undefined> {
  const [doc] = await ctx.store.findDocumentEntries(idCriteria(p, DE_UUID, DE_UID), opts(ctx));
  return doc;
}

/** The Folders holding the DocumentEntry (Folder HasMember DocumentEntry); Folders only (§.7.12). */
export const GetFoldersForDocument: StoredQueryDef = {
  name: 'GetFoldersForDocument',
  id: 'urn:uuid:10cae35a-c7f9-4cf5-b61e-fc3278ffb578',
  params: [single(DE_UUID), single(DE_UID), HOME],
  ...startingAt(DE_UUID, DE_UID),
  async execute(p, ctx) {
    const doc = await startingDocument(p, ctx);
    if (!doc) return { objects: [] };
    const links = await ctx.store.findAssociations({ targetIds: [doc.id], types: ['HasMember'] }, opts(ctx));
    const sources = [...new Set(withinLimit(links, ctx).map((a) => a.sourceId))];
    if (sources.length === 0) return { objects: [] };
    return { objects: withinLimit(await ctx.store.findFolders({ ids: sources }, opts(ctx)), ctx) };
  },
};

/**
 * DocumentEntries linked to the given one by the requested association types, in either direction, with
 * those Associations and the original DocumentEntry; nothing when there is no related document (§.7.13).
 */
export const GetRelatedDocuments: StoredQueryDef = {
  name: 'GetRelatedDocuments',
  id: 'urn:uuid:d90e5407-b356-4d91-a89f-873917b4b0e6',
  params: [
    single(DE_UUID),
    single(DE_UID),
    multi('$AssociationTypes', 'associationType', true),
    multi('$XDSDocumentEntryType', 'entryType'),
    HOME,
  ],
  ...startingAt(DE_UUID, DE_UID),
  async execute(p, ctx) {
    const doc = await startingDocument(p, ctx);
    const types = p.associationTypes('$AssociationTypes')!;
    if (!doc || types.length === 0) return { objects: [] };
    const links = withinLimit(await ctx.store.findAssociations({ endpointIds: [doc.id], types }, opts(ctx)), ctx);
    const other = (a: Association) => (a.sourceId === doc.id ? a.targetId : a.sourceId);
    const otherIds = [...new Set(links.map(other))].filter((id) => id !== doc.id);
    if (otherIds.length === 0) return { objects: [] };
    const related = withinLimit(
      await ctx.store.findDocumentEntries({ ids: otherIds, types: p.entryTypes() }, opts(ctx)),
      ctx,
    );
    const relatedIds = idsOf(related);
    const kept = links.filter((a) => relatedIds.has(other(a)));
    return kept.length === 0 ? { objects: [] } : { objects: [doc, ...related, ...kept] };
  },
};
