/** RegistryStore query contract: every criteria field alone and combined, time ranges, LIKE, limit+1. */
import { expect } from 'chai';
import type { DocumentEntry, Folder, SubmissionSet } from '../../src/metadata/model';
import type { DocumentEntryCriteria } from '../../src/registry/ports';
import type { Stores } from '../../src/storage/stores';
import type { OpenStores } from './backends';
import { PID, PID2, assoc, author, docEntry, folder, submission, subSet } from './fixtures';

const S1 = 'scheme-1';

/** Named entries with distinct values per field, so each criterion selects a known subset. */
function seedEntries(): Record<string, DocumentEntry> {
  return {
    a: docEntry({
      creationTime: '20240101',
      serviceStartTime: '202401011030',
      serviceStopTime: '20240102',
      authors: [author('^Smith^John^^^'), author('^Jones^Ann')],
      eventCodes: [{ code: 'ev1', codingScheme: S1 }, { code: 'ev2', codingScheme: S1 }],
      referenceIdList: ['ref-1^^^&1.2&ISO^urn:ihe:iti:xds:2013:accession'],
    }),
    b: docEntry({
      creationTime: '20240101235959',
      classCode: { code: 'class-b', codingScheme: S1 },
      typeCode: { code: 'type-b', codingScheme: 'scheme-2' },
      formatCode: { code: 'format-b', codingScheme: S1 },
      practiceSettingCode: { code: 'practice-b', codingScheme: S1 },
      healthcareFacilityTypeCode: { code: 'hcf-b', codingScheme: S1 },
      confidentialityCodes: [{ code: 'R', codingScheme: '2.16.840.1.113883.5.25' }],
      eventCodes: [{ code: 'ev1', codingScheme: S1 }],
      authors: [author('^Smitty^Gerald'), author('100%^Pct')],
      type: 'on-demand',
    }),
    c: docEntry({ creationTime: '20240102', patientId: PID2, authors: [author('^smith^lower')], typeCode: { code: 'type-b', codingScheme: S1 } }),
    d: docEntry({ availabilityStatus: 'Deprecated', creationTime: '2023' }),
  };
}

export function registryQueryContract(open: OpenStores): void {
  let s: Stores;
  let e: Record<string, DocumentEntry>;
  const names = (found: readonly { id: string }[]): string[] =>
    found.map((f) => Object.keys(e).find((k) => e[k].id === f.id) ?? f.id).sort();
  const find = async (c: DocumentEntryCriteria): Promise<string[]> => names(await s.registry.findDocumentEntries(c, { limit: 100 }));

  beforeEach(async () => {
    s = await open();
    e = seedEntries();
    await s.registry.commit(submission(Object.values(e)));
  });
  afterEach(async () => {
    await s.close();
  });

  it('selects by each list criterion alone', async () => {
    expect(await find({ patientIds: [PID] })).to.deep.equal(['a', 'b', 'd']);
    expect(await find({ patientIds: [PID, PID2] })).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(await find({ statuses: ['Deprecated'] })).to.deep.equal(['d']);
    expect(await find({ statuses: ['Approved', 'Deprecated'] })).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(await find({ ids: [e.a.id, e.c.id] })).to.deep.equal(['a', 'c']);
    expect(await find({ uniqueIds: [e.b.uniqueId!] })).to.deep.equal(['b']);
    expect(await find({ types: ['on-demand'] })).to.deep.equal(['b']);
    expect(await find({ types: ['stable'] })).to.deep.equal(['a', 'c', 'd']);
    expect(await find({ referenceIds: ['ref-1^^^&1.2&ISO^urn:ihe:iti:xds:2013:accession'] })).to.deep.equal(['a']);
    expect(await find({ patientIds: [] })).to.deep.equal([]);
  });

  it('selects by each single code field, with and without codingScheme', async () => {
    expect(await find({ classCode: { anyOf: [{ code: 'class-b' }] } })).to.deep.equal(['b']);
    expect(await find({ classCode: { anyOf: [{ code: 'class-b', codingScheme: 'other' }] } })).to.deep.equal([]);
    expect(await find({ classCode: { anyOf: [{ code: 'class-a' }, { code: 'class-b' }] } })).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(await find({ typeCode: { anyOf: [{ code: 'type-b' }] } })).to.deep.equal(['b', 'c']);
    expect(await find({ typeCode: { anyOf: [{ code: 'type-b', codingScheme: 'scheme-2' }] } })).to.deep.equal(['b']);
    expect(await find({ formatCode: { anyOf: [{ code: 'format-b', codingScheme: S1 }] } })).to.deep.equal(['b']);
    expect(await find({ practiceSettingCode: { anyOf: [{ code: 'practice-b' }] } })).to.deep.equal(['b']);
    expect(await find({ healthcareFacilityTypeCode: { anyOf: [{ code: 'hcf-b' }] } })).to.deep.equal(['b']);
    // A code of one field never matches another field.
    expect(await find({ classCode: { anyOf: [{ code: 'type-b' }] } })).to.deep.equal([]);
  });

  it('ANDs lists of CodeFilters (eventCodes, confidentialityCodes)', async () => {
    expect(await find({ eventCodes: [{ anyOf: [{ code: 'ev1' }] }] })).to.deep.equal(['a', 'b']);
    expect(await find({ eventCodes: [{ anyOf: [{ code: 'ev1' }] }, { anyOf: [{ code: 'ev2' }] }] })).to.deep.equal(['a']);
    expect(await find({ eventCodes: [{ anyOf: [{ code: 'ev2' }, { code: 'nope' }] }, { anyOf: [{ code: 'ev1', codingScheme: S1 }] }] })).to.deep.equal(['a']);
    expect(await find({ confidentialityCodes: [{ anyOf: [{ code: 'R' }] }] })).to.deep.equal(['b']);
    expect(await find({ confidentialityCodes: [{ anyOf: [{ code: 'N' }] }, { anyOf: [{ code: 'R' }] }] })).to.deep.equal([]);
  });

  it('treats time ranges as from-inclusive, to-exclusive on padded keys', async () => {
    expect(await find({ creationTime: { from: '20240101' } })).to.deep.equal(['a', 'b', 'c']);
    expect(await find({ creationTime: { from: '20240101000001' } })).to.deep.equal(['b', 'c']);
    expect(await find({ creationTime: { to: '20240102' } })).to.deep.equal(['a', 'b', 'd']);
    expect(await find({ creationTime: { to: '20240101235959' } })).to.deep.equal(['a', 'd']);
    expect(await find({ creationTime: { from: '2024', to: '2025' } })).to.deep.equal(['a', 'b', 'c']);
    expect(await find({ creationTime: { from: '202401012359', to: '20240102' } })).to.deep.equal(['b']);
    expect(await find({ creationTime: { from: '2023', to: '2023' } })).to.deep.equal([]);
    expect(await find({ serviceStartTime: { from: '20240101103000', to: '20240101103001' } })).to.deep.equal(['a']);
    expect(await find({ serviceStartTime: { from: '202401011031' } })).to.deep.equal([]);
    expect(await find({ serviceStopTime: { to: '20240102000001' } })).to.deep.equal(['a']);
    expect(await find({ serviceStopTime: { to: '20240102' } })).to.deep.equal([]);
  });

  it('matches authorPersons as LIKE patterns, OR across patterns', async () => {
    expect(await find({ authorPersons: ['%Smith%'] })).to.deep.equal(['a']);
    expect(await find({ authorPersons: ['%Smit%'] })).to.deep.equal(['a', 'b']);
    expect(await find({ authorPersons: ['^Smit_^%'] })).to.deep.equal(['a']);
    expect(await find({ authorPersons: ['^Smith'] })).to.deep.equal([]); // anchored: no implicit %
    expect(await find({ authorPersons: ['^Jones^Ann', '%Gerald'] })).to.deep.equal(['a', 'b']);
    expect(await find({ authorPersons: ['%smith%'] })).to.deep.equal(['c']); // case-sensitive
    expect(await find({ authorPersons: ['100\\%%'] })).to.deep.equal(['b']); // escaped literal %
    expect(await find({ authorPersons: ['1_0\\%%'] })).to.deep.equal(['b']);
    expect(await find({ authorPersons: ['1\\_0%'] })).to.deep.equal([]);
    expect(await find({ authorPersons: ['.*'] })).to.deep.equal([]); // regex characters are literal
  });

  it('combines criteria with AND', async () => {
    expect(await find({ patientIds: [PID], statuses: ['Approved'], eventCodes: [{ anyOf: [{ code: 'ev1' }] }], creationTime: { from: '20240101000001' } })).to.deep.equal(['b']);
    expect(await find({ patientIds: [PID], statuses: ['Approved'], authorPersons: ['%Smit%'], types: ['stable'] })).to.deep.equal(['a']);
    expect(await find({ patientIds: [PID2], classCode: { anyOf: [{ code: 'class-b' }] } })).to.deep.equal([]);
  });

  it('returns at most limit+1 rows', async () => {
    const all = await s.registry.findDocumentEntries({ patientIds: [PID, PID2] }, { limit: 2 });
    expect(all).to.have.length(3);
    expect(await s.registry.findDocumentEntries({ patientIds: [PID, PID2] }, { limit: 0 })).to.have.length(1);
    expect(await s.registry.findDocumentEntries({ patientIds: [PID, PID2] }, { limit: 10 })).to.have.length(4);
  });

  it('queries SubmissionSets by each criterion', async () => {
    const ss = subSet({ sourceId: '7.7.7', submissionTime: '20250301', authors: [author('^Who^Dr')], contentTypeCode: { code: 'ct-x', codingScheme: S1 }, patientId: PID2 });
    await s.registry.commit(submission([docEntry({ patientId: PID2 })], {}, ss));
    const q = async (c: Parameters<Stores['registry']['findSubmissionSets']>[0]): Promise<string[]> =>
      (await s.registry.findSubmissionSets(c, { limit: 10 })).map((x: SubmissionSet) => x.id);
    expect(await q({ patientIds: [PID2] })).to.deep.equal([ss.id]);
    expect(await q({ sourceIds: ['7.7.7'] })).to.deep.equal([ss.id]);
    expect(await q({ uniqueIds: [ss.uniqueId!], statuses: ['Approved'] })).to.deep.equal([ss.id]);
    expect(await q({ submissionTime: { from: '20250301', to: '20250302' } })).to.deep.equal([ss.id]);
    expect(await q({ submissionTime: { to: '20250301' }, ids: [ss.id] })).to.deep.equal([]);
    expect(await q({ authorPersons: ['%Who%'] })).to.deep.equal([ss.id]);
    expect(await q({ contentTypeCode: { anyOf: [{ code: 'ct-x', codingScheme: S1 }] } })).to.deep.equal([ss.id]);
    expect(await q({ contentTypeCode: { anyOf: [{ code: 'ct-x', codingScheme: 'no' }] } })).to.deep.equal([]);
  });

  it('queries Folders by each criterion', async () => {
    const f = folder({ patientId: PID2, lastUpdateTime: '20250601', codeList: [{ code: 'fa', codingScheme: S1 }, { code: 'fb', codingScheme: S1 }] });
    await s.registry.commit(submission([f]));
    const q = async (c: Parameters<Stores['registry']['findFolders']>[0]): Promise<string[]> =>
      (await s.registry.findFolders(c, { limit: 10 })).map((x: Folder) => x.id);
    expect(await q({ patientIds: [PID2], statuses: ['Approved'] })).to.deep.equal([f.id]);
    expect(await q({ uniqueIds: [f.uniqueId!] })).to.deep.equal([f.id]);
    expect(await q({ ids: [f.id] })).to.deep.equal([f.id]);
    expect(await q({ lastUpdateTime: { from: '20250601', to: '20250602' } })).to.deep.equal([f.id]);
    expect(await q({ lastUpdateTime: { from: '20250601000001' } })).to.deep.equal([]);
    expect(await q({ codeList: [{ anyOf: [{ code: 'fa' }] }, { anyOf: [{ code: 'fb' }] }] })).to.deep.equal([f.id]);
    expect(await q({ codeList: [{ anyOf: [{ code: 'fa' }] }, { anyOf: [{ code: 'fc' }] }] })).to.deep.equal([]);
  });

  it('queries Associations by endpoints, source, target, type and status', async () => {
    const x = docEntry();
    const y = docEntry();
    const r = assoc('RPLC', y.id, x.id);
    const base = submission([x, y]);
    await s.registry.commit({ ...base, objects: [...base.objects, r] });
    const q = async (c: Parameters<Stores['registry']['findAssociations']>[0]): Promise<string[]> =>
      (await s.registry.findAssociations(c, { limit: 10 })).map((a) => a.id).sort();
    expect(await q({ types: ['RPLC'] })).to.deep.equal([r.id]);
    expect(await q({ endpointIds: [x.id], types: ['RPLC'] })).to.deep.equal([r.id]);
    expect(await q({ endpointIds: [y.id] })).to.have.length(2); // HasMember + RPLC
    expect(await q({ sourceIds: [y.id] })).to.deep.equal([r.id]);
    expect(await q({ targetIds: [y.id], types: ['HasMember'] })).to.have.length(1);
    expect(await q({ targetIds: [x.id], statuses: ['Deprecated'] })).to.deep.equal([]);
    const got = await s.registry.findAssociations({ sourceIds: [y.id] }, { limit: 10 });
    expect(got[0]).to.deep.equal(r);
  });
}
