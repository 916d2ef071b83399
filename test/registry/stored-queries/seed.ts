/**
 * A small registry built directly through RegistryStore.commit on a real SQLite store (temp dir), used by
 * the stored-query and ITI-18 handler tests.
 *
 * Patient P1 (pid1) — submission 1: SS1 with DE1, DE2, Folder F1 (F1 HasMember DE1, added in SS1);
 *                     submission 2: SS2 with DE3 (RPLC DE1 → DE1 Deprecated) and DE4 (on-demand).
 * Patient P2 (pid2) — submission 3: SS3 with DE5 and Folder F2.
 * Patient OLD (old) — merged into P1; submission 4: SS4 with DE6.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  Association,
  AssociationType,
  Code,
  DocumentEntry,
  Folder,
  RegistryObject,
  SubmissionSet,
} from '../../../src/metadata/model';
import { openStores } from '../../../src/storage/open-stores';
import type { Stores } from '../../../src/storage/stores';

export const P1 = 'pid1^^^&1.2.3&ISO';
export const P2 = 'pid2^^^&1.2.3&ISO';
export const OLD = 'old^^^&1.2.3&ISO';

export const code = (c: string, s = 'scheme'): Code => ({ code: c, codingScheme: s });
const uuid = (n: string) => `urn:uuid:00000000-0000-4000-8000-${n.padStart(12, '0')}`;

/** Named ids of the seeded objects. */
export const ID = {
  SS1: uuid('a1'), SS2: uuid('a2'), SS3: uuid('a3'), SS4: uuid('a4'),
  DE1: uuid('d1'), DE2: uuid('d2'), DE3: uuid('d3'), DE4: uuid('d4'), DE5: uuid('d5'), DE6: uuid('d6'),
  F1: uuid('f1'), F2: uuid('f2'),
  // associations
  SS1_DE1: uuid('e11'), SS1_DE2: uuid('e12'), SS1_F1: uuid('e13'), F1_DE1: uuid('e14'), SS1_F1DE1: uuid('e15'),
  SS2_DE3: uuid('e21'), SS2_DE4: uuid('e22'), RPLC: uuid('e23'),
  SS3_DE5: uuid('e31'), SS3_F2: uuid('e32'),
  SS4_DE6: uuid('e41'),
} as const;

export function doc(id: string, patientId: string, over: Partial<DocumentEntry> = {}): DocumentEntry {
  return {
    kind: 'DocumentEntry',
    id,
    type: 'stable',
    availabilityStatus: 'Approved',
    uniqueId: `1.2.3.4.${id.slice(-1)}`, // DE1 → 1.2.3.4.1
    patientId,
    mimeType: 'text/plain',
    classCode: code('C1'),
    typeCode: code('T1'),
    formatCode: code('F1'),
    healthcareFacilityTypeCode: code('HF1'),
    practiceSettingCode: code('PS1'),
    confidentialityCodes: [code('N', 'conf')],
    eventCodes: [],
    authors: [{ person: '^Smitty^Gerald', institutions: [], roles: [], specialties: [], telecom: [] }],
    creationTime: '20041225235050',
    hash: 'e543712c0e10501972de13a5bfcbe826c49feb75',
    size: '36',
    languageCode: 'en-us',
    sourcePatientId: patientId,
    sourcePatientInfo: [],
    repositoryUniqueId: '1.19.6.24.109.42.1',
    referenceIdList: [],
    extraSlots: [],
    limitedMetadata: false,
    ...over,
  };
}

function set(id: string, patientId: string, uniqueId: string, over: Partial<SubmissionSet> = {}): SubmissionSet {
  return {
    kind: 'SubmissionSet',
    id,
    availabilityStatus: 'Approved',
    uniqueId,
    sourceId: '1.3.6.1.4.1.21367.2009.1.2.1',
    patientId,
    submissionTime: '20041225235050',
    contentTypeCode: code('CT1'),
    authors: [{ person: '^Dopplemeyer^Sherry', institutions: [], roles: [], specialties: [], telecom: [] }],
    intendedRecipients: [],
    extraSlots: [],
    limitedMetadata: false,
    ...over,
  };
}

function folder(id: string, patientId: string, uniqueId: string, over: Partial<Folder> = {}): Folder {
  return {
    kind: 'Folder',
    id,
    availabilityStatus: 'Approved',
    uniqueId,
    patientId,
    codeList: [code('FC1', 'fscheme')],
    lastUpdateTime: '20041225235050',
    extraSlots: [],
    limitedMetadata: false,
    ...over,
  };
}

const assoc = (id: string, type: AssociationType, sourceId: string, targetId: string): Association => ({
  kind: 'Association',
  id,
  type,
  sourceId,
  targetId,
  availabilityStatus: 'Approved',
  submissionSetStatus: type === 'HasMember' ? 'Original' : undefined,
  extraSlots: [],
});

const commit = (stores: Stores, objects: RegistryObject[], statusUpdates: { id: string; status: 'Deprecated' }[] = []) =>
  stores.registry.commit({ objects, statusUpdates, folderUpdates: [], preconditions: [], fingerprint: objects[0]!.id });

async function seedRegistry(stores: Stores): Promise<void> {
  await commit(stores, [
    set(ID.SS1, P1, '1.1.1', { submissionTime: '20200101120000', sourceId: '1.9.1' }),
    doc(ID.DE1, P1, {
      classCode: code('C1'),
      eventCodes: [code('E1', 'ev'), code('E2', 'ev')],
      confidentialityCodes: [code('N', 'conf'), code('R', 'conf')],
      authors: [{ person: '^Ford^Harrison', institutions: [], roles: [], specialties: [], telecom: [] }],
      creationTime: '20041224',
      serviceStartTime: '200412230800',
      serviceStopTime: '200412230900',
      referenceIdList: ['ref1^^^&1.2.5&ISO^urn:ihe:iti:xds:2013:uniqueId'],
    }),
    doc(ID.DE2, P1, {
      classCode: code('C2'),
      typeCode: code('T2'),
      formatCode: code('F2'),
      practiceSettingCode: code('PS2'),
      healthcareFacilityTypeCode: code('HF2'),
      eventCodes: [code('E1', 'ev')],
      confidentialityCodes: [code('R', 'conf')],
      creationTime: '20050102',
      serviceStartTime: '200501020800',
      serviceStopTime: '200501021000',
    }),
    folder(ID.F1, P1, '1.1.2', { lastUpdateTime: '20200101120000' }),
    assoc(ID.SS1_DE1, 'HasMember', ID.SS1, ID.DE1),
    assoc(ID.SS1_DE2, 'HasMember', ID.SS1, ID.DE2),
    assoc(ID.SS1_F1, 'HasMember', ID.SS1, ID.F1),
    assoc(ID.F1_DE1, 'HasMember', ID.F1, ID.DE1),
    assoc(ID.SS1_F1DE1, 'HasMember', ID.SS1, ID.F1_DE1),
  ]);
  await commit(
    stores,
    [
      set(ID.SS2, P1, '2.1.1', { submissionTime: '20210101120000', sourceId: '1.9.2', contentTypeCode: code('CT2') }),
      doc(ID.DE3, P1, { creationTime: '20060101' }),
      doc(ID.DE4, P1, { type: 'on-demand', creationTime: '20060101', hash: undefined, size: undefined }),
      assoc(ID.SS2_DE3, 'HasMember', ID.SS2, ID.DE3),
      assoc(ID.SS2_DE4, 'HasMember', ID.SS2, ID.DE4),
      assoc(ID.RPLC, 'RPLC', ID.DE3, ID.DE1),
    ],
    [{ id: ID.DE1, status: 'Deprecated' }],
  );
  await commit(stores, [
    set(ID.SS3, P2, '3.1.1', { sourceId: '1.9.3' }),
    doc(ID.DE5, P2, { classCode: code('C1') }),
    folder(ID.F2, P2, '3.1.2', { codeList: [code('FC1', 'fscheme'), code('FC2', 'fscheme')] }),
    assoc(ID.SS3_DE5, 'HasMember', ID.SS3, ID.DE5),
    assoc(ID.SS3_F2, 'HasMember', ID.SS3, ID.F2),
  ]);
  await commit(stores, [
    set(ID.SS4, OLD, '4.1.1'),
    doc(ID.DE6, OLD, { classCode: code('C3') }),
    assoc(ID.SS4_DE6, 'HasMember', ID.SS4, ID.DE6),
  ]);
}

async function seedPatients(stores: Stores): Promise<void> {
  for (const id of ['pid1', 'pid2', 'old']) await stores.patients.add({ id, authority: '1.2.3' });
  await stores.patients.merge({ id: 'old', authority: '1.2.3' }, { id: 'pid1', authority: '1.2.3' });
}

export interface Seeded {
  readonly stores: Stores;
  close(): Promise<void>;
}

/** A fresh SQLite store in a temp dir with the data set above. */
export async function openSeeded(): Promise<Seeded> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-sq-'));
  const stores = await openStores({ dataDir });
  await seedRegistry(stores);
  await seedPatients(stores);
  return {
    stores,
    async close() {
      await stores.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
