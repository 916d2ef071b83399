/** FindFolders (ITI TF-2a §3.18.4.1.2.3.7.3): Folders of one patient. */
import { andOr, multi, opts, patientScope, single, timeRange, withinLimit } from './shared';
import type { StoredQueryDef } from './types';

const F = '$XDSFolder';

export const FindFolders: StoredQueryDef = {
  name: 'FindFolders',
  id: 'urn:uuid:958f3006-baad-4929-a4de-ff1114824431',
  params: [
    single(`${F}PatientId`, 'string', true),
    multi(`${F}Status`, 'status', true),
    ...timeRange(`${F}LastUpdateTime`),
    andOr(`${F}CodeList`),
  ],
  async execute(p, ctx) {
    const patientIds = await patientScope(ctx, [p.string(`${F}PatientId`)!]);
    const statuses = p.statuses(`${F}Status`)!;
    if (statuses.length === 0) return { objects: [], patientScope: patientIds };
    const rows = await ctx.store.findFolders(
      {
        patientIds,
        statuses,
        lastUpdateTime: p.time(`${F}LastUpdateTimeFrom`, `${F}LastUpdateTimeTo`),
        codeList: p.codeSets(`${F}CodeList`),
      },
      opts(ctx),
    );
    return { objects: withinLimit(rows, ctx), patientScope: patientIds };
  },
};
