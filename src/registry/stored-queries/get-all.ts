/**
 * GetAll (ITI TF-2a §3.18.4.1.2.3.7.4): every SubmissionSet, DocumentEntry and Folder of a patient with the
 * given statuses, and the Associations between them — including the SubmissionSet HasMember Associations
 * that point at returned Associations (folder membership submitted later, §4.1.4).
 */
import type { Association, RegistryObject } from '../../metadata/model';
import {
  CONTENT_FILTER_PARAMS,
  contentFilters,
  idsOf,
  linksWithin,
  multi,
  opts,
  patientScope,
  single,
  withinLimit,
} from './shared';
import type { QueryContext, StoredQueryDef } from './types';

/**
 * Associations linking the given objects to each other, plus the HasMember Associations from a returned
 * SubmissionSet to one of those Associations.
 */
export async function associationsAmong(objects: readonly RegistryObject[], ctx: QueryContext): Promise<Association[]> {
  if (objects.length === 0) return [];
  const ids = idsOf(objects);
  const around = withinLimit(await ctx.store.findAssociations({ endpointIds: [...ids] }, opts(ctx)), ctx);
  const links = around.filter((a) => linksWithin(a, ids));
  if (links.length === 0) return links;
  const setIds = new Set(objects.filter((o) => o.kind === 'SubmissionSet').map((o) => o.id));
  const onLinks = await ctx.store.findAssociations(
    { targetIds: links.map((a) => a.id), types: ['HasMember'] },
    opts(ctx),
  );
  return [...links, ...withinLimit(onLinks, ctx).filter((a) => setIds.has(a.sourceId))];
}

export const GetAll: StoredQueryDef = {
  name: 'GetAll',
  id: 'urn:uuid:10b545ea-725c-446d-9b95-8aeb444eddf3',
  params: [
    single('$patientId', 'string', true),
    multi('$XDSDocumentEntryStatus', 'status', true),
    multi('$XDSSubmissionSetStatus', 'status', true),
    multi('$XDSFolderStatus', 'status', true),
    ...CONTENT_FILTER_PARAMS,
  ],
  async execute(p, ctx) {
    const patientIds = await patientScope(ctx, [p.string('$patientId')!]);
    const deStatuses = p.statuses('$XDSDocumentEntryStatus')!;
    const ssStatuses = p.statuses('$XDSSubmissionSetStatus')!;
    const folderStatuses = p.statuses('$XDSFolderStatus')!;
    const [sets, docs, folders] = await Promise.all([
      ssStatuses.length ? ctx.store.findSubmissionSets({ patientIds, statuses: ssStatuses }, opts(ctx)) : [],
      deStatuses.length
        ? ctx.store.findDocumentEntries({ ...contentFilters(p), patientIds, statuses: deStatuses }, opts(ctx))
        : [],
      folderStatuses.length ? ctx.store.findFolders({ patientIds, statuses: folderStatuses }, opts(ctx)) : [],
    ]);
    const objects: RegistryObject[] = [...withinLimit(sets, ctx), ...withinLimit(docs, ctx), ...withinLimit(folders, ctx)];
    withinLimit(objects, ctx);
    return { objects: [...objects, ...(await associationsAmong(objects, ctx))], patientScope: patientIds };
  },
};
