/** FindSubmissionSets (ITI TF-2a §3.18.4.1.2.3.7.2): SubmissionSets of one patient. */
import { multi, opts, patientScope, single, timeRange, withinLimit } from './shared';
import type { StoredQueryDef } from './types';

const SS = '$XDSSubmissionSet';

export const FindSubmissionSets: StoredQueryDef = {
  name: 'FindSubmissionSets',
  id: 'urn:uuid:f26abbcb-ac74-4422-8a30-edb644bbc1a9',
  params: [
    single(`${SS}PatientId`, 'string', true),
    multi(`${SS}Status`, 'status', true),
    multi(`${SS}SourceId`),
    ...timeRange(`${SS}SubmissionTime`),
    // Single-valued in the TF table (one LIKE pattern).
    single(`${SS}AuthorPerson`),
    multi(`${SS}ContentType`, 'code'),
  ],
  async execute(p, ctx) {
    const patientIds = await patientScope(ctx, [p.string(`${SS}PatientId`)!]);
    const statuses = p.statuses(`${SS}Status`)!;
    if (statuses.length === 0) return { objects: [], patientScope: patientIds };
    const author = p.string(`${SS}AuthorPerson`);
    const rows = await ctx.store.findSubmissionSets(
      {
        patientIds,
        statuses,
        sourceIds: p.strings(`${SS}SourceId`),
        submissionTime: p.time(`${SS}SubmissionTimeFrom`, `${SS}SubmissionTimeTo`),
        authorPersons: author === undefined ? undefined : [author],
        contentTypeCode: p.code(`${SS}ContentType`),
      },
      opts(ctx),
    );
    return { objects: withinLimit(rows, ctx), patientScope: patientIds };
  },
};
