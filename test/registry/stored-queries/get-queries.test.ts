import { expect } from 'chai';
import { APPROVED, APPROVED_DEPRECATED, list, ON_DEMAND, quote, STABLE, type SlotSpec } from './request';
import { ID, openSeeded, P1, P2, type Seeded } from './seed';
import { runner, sorted } from './support';

const Q = {
  GetAll: 'urn:uuid:10b545ea-725c-446d-9b95-8aeb444eddf3',
  GetDocuments: 'urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4',
  GetFolders: 'urn:uuid:5737b14c-8a1a-4539-b659-e03a34a5e1e4',
  GetAssociations: 'urn:uuid:a7ae438b-4bc2-4642-93e9-be891f7bb155',
  GetDocumentsAndAssociations: 'urn:uuid:bab9529a-4a10-40b3-a01f-f68a615d247a',
  GetSubmissionSets: 'urn:uuid:51224314-5390-4169-9b91-b1980040715a',
  GetSubmissionSetAndContents: 'urn:uuid:e8e3cb2c-e39c-46b9-99e4-c12f57260b83',
  GetFolderAndContents: 'urn:uuid:b909a503-523d-4517-8acf-8e5834dfc4c7',
  GetFoldersForDocument: 'urn:uuid:10cae35a-c7f9-4cf5-b61e-fc3278ffb578',
  GetRelatedDocuments: 'urn:uuid:d90e5407-b356-4d91-a89f-873917b4b0e6',
  FindDocumentsForMultiplePatients: 'urn:uuid:3d1bdb10-39a2-11de-89c2-2f44d94eaa9f',
  FindFoldersForMultiplePatients: 'urn:uuid:50d3f5ac-39a2-11de-a1ca-b366239e58df',
  FindDocumentsByReferenceIdForMultiplePatients: 'urn:uuid:1191642d-86c4-42d8-b784-f95445f9f0d5',
};
const HASMEMBER = 'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember';
const RPLC = 'urn:ihe:iti:2007:AssociationType:RPLC';
const APND = 'urn:ihe:iti:2007:AssociationType:APND';

describe('stored queries: GetAll, Get*, ITI-51, result rules', () => {
  let seeded: Seeded;
  before(async () => {
    seeded = await openSeeded();
  });
  after(() => seeded.close());
  const q = runner(() => seeded);
  const ids = async (id: string, slots: SlotSpec[], rt?: string) => sorted(await q.ids(id, slots, rt));

  describe('GetAll', () => {
    const base = (de = APPROVED): SlotSpec[] => [
      ['$patientId', quote(P1)],
      ['$XDSDocumentEntryStatus', de],
      ['$XDSSubmissionSetStatus', APPROVED],
      ['$XDSFolderStatus', APPROVED],
    ];
    it('requires the patient id and the three status lists', async () => {
      for (let i = 0; i < 4; i++) {
        const e = await q.error(Q.GetAll, base().filter((_, j) => j !== i));
        expect(e.errors[0]!.errorCode).to.equal('XDSStoredQueryMissingParam');
        expect(e.errors[0]!.codeContext).to.contain(base()[i]![0]);
      }
    });
    it('rejects two patient ids', async () => {
      expect(await q.code(Q.GetAll, [['$patientId', list(P1, P2)], ...base().slice(1)])).to.equal('XDSStoredQueryParamNumber');
    });
    it('returns sets, entries, folders and the associations between them', async () => {
      expect(await ids(Q.GetAll, base())).to.deep.equal(
        sorted(['SS1', 'SS2', 'SS4', 'DE2', 'DE3', 'DE6', 'F1', 'SS1_DE2', 'SS1_F1', 'SS2_DE3', 'SS4_DE6']),
      );
    });
    it('with Deprecated entries also the folder membership, its SS HasMember and the RPLC', async () => {
      expect(await ids(Q.GetAll, base(APPROVED_DEPRECATED))).to.deep.equal(
        sorted([
          ...['SS1', 'SS2', 'SS4', 'DE1', 'DE2', 'DE3', 'DE6', 'F1'],
          ...['SS1_DE1', 'SS1_DE2', 'SS1_F1', 'F1_DE1', 'SS1_F1DE1', 'SS2_DE3', 'RPLC', 'SS4_DE6'],
        ]),
      );
    });
    it('filters entries on FormatCode, ConfidentialityCode and DocumentEntryType', async () => {
      const docs = async (extra: SlotSpec[]) =>
        (await ids(Q.GetAll, [...base(APPROVED_DEPRECATED), ...extra])).filter((n) => /^DE\d$/.test(n));
      expect(await docs([['$XDSDocumentEntryFormatCode', list('F2^^scheme')]])).to.deep.equal(['DE2']);
      expect(await docs([['$XDSDocumentEntryConfidentialityCode', list('R^^conf')]])).to.deep.equal(['DE1', 'DE2']);
      expect(await docs([['$XDSDocumentEntryType', list(ON_DEMAND)]])).to.deep.equal(['DE4']);
    });
    it('is empty for an unknown patient', async () => {
      expect(await ids(Q.GetAll, [['$patientId', quote('x^^^&1.2.3&ISO')], ...base().slice(1)])).to.deep.equal([]);
    });
  });

  describe('GetDocuments / GetFolders', () => {
    it('needs one of EntryUUID / UniqueId, not both', async () => {
      expect(await q.code(Q.GetDocuments, [])).to.equal('XDSStoredQueryMissingParam');
      const both: SlotSpec[] = [
        ['$XDSDocumentEntryEntryUUID', list(ID.DE1)],
        ['$XDSDocumentEntryUniqueId', list('1.2.3.4.2')],
      ];
      expect(await q.code(Q.GetDocuments, both)).to.equal('XDSStoredQueryParamNumber');
      expect(await q.code(Q.GetFolders, [])).to.equal('XDSStoredQueryMissingParam');
    });
    it('by uuid (any status, any type), by uniqueId lists, values spread over Value elements', async () => {
      expect(await ids(Q.GetDocuments, [['$XDSDocumentEntryEntryUUID', list(ID.DE1, ID.DE4)]])).to.deep.equal(['DE1', 'DE4']);
      expect(await ids(Q.GetDocuments, [['$XDSDocumentEntryUniqueId', list('1.2.3.4.2'), list('1.2.3.4.5')]])).to.deep.equal(['DE2', 'DE5']);
      expect(await ids(Q.GetDocuments, [['$XDSDocumentEntryEntryUUID', quote(ID.DE2)]], 'LeafClass')).to.deep.equal(['DE2']);
      expect(await ids(Q.GetDocuments, [['$XDSDocumentEntryEntryUUID', list('urn:uuid:nothing')]])).to.deep.equal([]);
    });
    it('accepts $homeCommunityId', async () => {
      const slots: SlotSpec[] = [['$XDSDocumentEntryEntryUUID', list(ID.DE2)], ['$homeCommunityId', quote('urn:oid:1.1.1')]];
      expect(await ids(Q.GetDocuments, slots)).to.deep.equal(['DE2']);
    });
    it('GetFolders by uuid and uniqueId', async () => {
      expect(await ids(Q.GetFolders, [['$XDSFolderEntryUUID', list(ID.F1)]])).to.deep.equal(['F1']);
      expect(await ids(Q.GetFolders, [['$XDSFolderUniqueId', list('1.1.2', '3.1.2')]])).to.deep.equal(['F1', 'F2']);
    });
  });

  describe('GetAssociations / GetDocumentsAndAssociations / GetSubmissionSets', () => {
    it('require $uuid or the document ids', async () => {
      expect(await q.code(Q.GetAssociations, [])).to.equal('XDSStoredQueryMissingParam');
      expect(await q.code(Q.GetSubmissionSets, [])).to.equal('XDSStoredQueryMissingParam');
      expect(await q.code(Q.GetDocumentsAndAssociations, [])).to.equal('XDSStoredQueryMissingParam');
    });
    it('GetAssociations: every association touching the ids', async () => {
      expect(await ids(Q.GetAssociations, [['$uuid', list(ID.DE1)]])).to.deep.equal(['F1_DE1', 'RPLC', 'SS1_DE1']);
      expect(await ids(Q.GetAssociations, [['$uuid', list(ID.DE2, ID.DE5)]])).to.deep.equal(['SS1_DE2', 'SS3_DE5']);
    });
    it('GetDocumentsAndAssociations', async () => {
      expect(await ids(Q.GetDocumentsAndAssociations, [['$XDSDocumentEntryUniqueId', list('1.2.3.4.1')]])).to.deep.equal(
        ['DE1', 'F1_DE1', 'RPLC', 'SS1_DE1'],
      );
      expect(await ids(Q.GetDocumentsAndAssociations, [['$XDSDocumentEntryEntryUUID', list('urn:uuid:none')]])).to.deep.equal([]);
    });
    it('GetSubmissionSets: the sets holding the entries/folders with those HasMember associations', async () => {
      expect(await ids(Q.GetSubmissionSets, [['$uuid', list(ID.DE1, ID.DE5)]])).to.deep.equal(['SS1', 'SS1_DE1', 'SS3', 'SS3_DE5']);
      expect(await ids(Q.GetSubmissionSets, [['$uuid', list(ID.F1)]])).to.deep.equal(['SS1', 'SS1_F1']);
      expect(await ids(Q.GetSubmissionSets, [['$uuid', list('urn:uuid:none')]])).to.deep.equal([]);
    });
  });

  describe('GetSubmissionSetAndContents', () => {
    it('needs one single-valued id', async () => {
      expect(await q.code(Q.GetSubmissionSetAndContents, [])).to.equal('XDSStoredQueryMissingParam');
      expect(await q.code(Q.GetSubmissionSetAndContents, [['$XDSSubmissionSetEntryUUID', list(ID.SS1, ID.SS2)]])).to.equal(
        'XDSStoredQueryParamNumber',
      );
    });
    it('returns the set, its entries and folder, and the associations it carries', async () => {
      expect(await ids(Q.GetSubmissionSetAndContents, [['$XDSSubmissionSetEntryUUID', quote(ID.SS1)]])).to.deep.equal(
        sorted(['SS1', 'DE1', 'DE2', 'F1', 'SS1_DE1', 'SS1_DE2', 'SS1_F1', 'F1_DE1', 'SS1_F1DE1']),
      );
    });
    it('content filters drop entries and the associations to them', async () => {
      const slots: SlotSpec[] = [
        ['$XDSSubmissionSetEntryUUID', quote(ID.SS1)],
        ['$XDSDocumentEntryFormatCode', list('F2^^scheme')],
      ];
      expect(await ids(Q.GetSubmissionSetAndContents, slots)).to.deep.equal(sorted(['SS1', 'DE2', 'F1', 'SS1_DE2', 'SS1_F1']));
      const conf: SlotSpec[] = [slots[0]!, ['$XDSDocumentEntryConfidentialityCode', list('N^^conf')]];
      expect(await ids(Q.GetSubmissionSetAndContents, conf)).to.deep.equal(
        sorted(['SS1', 'DE1', 'F1', 'SS1_DE1', 'SS1_F1', 'F1_DE1', 'SS1_F1DE1']),
      );
    });
    it('by uniqueId; on-demand entries only when asked for', async () => {
      expect(await ids(Q.GetSubmissionSetAndContents, [['$XDSSubmissionSetUniqueId', quote('2.1.1')]])).to.deep.equal(
        sorted(['SS2', 'DE3', 'SS2_DE3']),
      );
      const both: SlotSpec[] = [
        ['$XDSSubmissionSetUniqueId', quote('2.1.1')],
        ['$XDSDocumentEntryType', list(STABLE, ON_DEMAND)],
      ];
      expect(await ids(Q.GetSubmissionSetAndContents, both)).to.deep.equal(sorted(['SS2', 'DE3', 'DE4', 'SS2_DE3', 'SS2_DE4']));
    });
    it('is empty for an unknown set', async () => {
      expect(await ids(Q.GetSubmissionSetAndContents, [['$XDSSubmissionSetUniqueId', quote('9.9')]])).to.deep.equal([]);
    });
  });

  describe('GetFolderAndContents / GetFoldersForDocument', () => {
    it('need one single-valued id', async () => {
      expect(await q.code(Q.GetFolderAndContents, [])).to.equal('XDSStoredQueryMissingParam');
      expect(await q.code(Q.GetFolderAndContents, [['$XDSFolderUniqueId', list('1.1.2', '3.1.2')]])).to.equal('XDSStoredQueryParamNumber');
      expect(await q.code(Q.GetFoldersForDocument, [])).to.equal('XDSStoredQueryMissingParam');
      expect(await q.code(Q.GetFoldersForDocument, [['$XDSDocumentEntryEntryUUID', list(ID.DE1, ID.DE2)]])).to.equal(
        'XDSStoredQueryParamNumber',
      );
    });
    it('GetFolderAndContents: folder, members and the membership associations; filters apply', async () => {
      expect(await ids(Q.GetFolderAndContents, [['$XDSFolderEntryUUID', quote(ID.F1)]])).to.deep.equal(['DE1', 'F1', 'F1_DE1']);
      expect(await ids(Q.GetFolderAndContents, [['$XDSFolderUniqueId', quote('1.1.2')], ['$XDSDocumentEntryConfidentialityCode', list('V^^conf')]])).to.deep.equal(['F1']);
      expect(await ids(Q.GetFolderAndContents, [['$XDSFolderUniqueId', quote('3.1.2')]])).to.deep.equal(['F2']);
    });
    it('GetFoldersForDocument: folders only', async () => {
      expect(await ids(Q.GetFoldersForDocument, [['$XDSDocumentEntryUniqueId', quote('1.2.3.4.1')]])).to.deep.equal(['F1']);
      expect(await ids(Q.GetFoldersForDocument, [['$XDSDocumentEntryEntryUUID', quote(ID.DE2)]])).to.deep.equal([]);
    });
  });

  describe('GetRelatedDocuments', () => {
    it('requires $AssociationTypes and one document id', async () => {
      const e = await q.error(Q.GetRelatedDocuments, [['$XDSDocumentEntryEntryUUID', quote(ID.DE1)]]);
      expect(e.errors[0]!.errorCode).to.equal('XDSStoredQueryMissingParam');
      expect(e.errors[0]!.codeContext).to.contain('$AssociationTypes');
      expect(await q.code(Q.GetRelatedDocuments, [['$AssociationTypes', list(RPLC)]])).to.equal('XDSStoredQueryMissingParam');
    });
    it('follows the requested association types in both directions', async () => {
      expect(await ids(Q.GetRelatedDocuments, [['$XDSDocumentEntryEntryUUID', quote(ID.DE1)], ['$AssociationTypes', list(RPLC)]])).to.deep.equal(
        ['DE1', 'DE3', 'RPLC'],
      );
      expect(
        await ids(Q.GetRelatedDocuments, [['$XDSDocumentEntryUniqueId', quote('1.2.3.4.3')], ['$AssociationTypes', list(HASMEMBER, RPLC)]]),
      ).to.deep.equal(['DE1', 'DE3', 'RPLC']);
    });
    it('nothing when no related document (other types, a folder near it, no such document)', async () => {
      expect(await ids(Q.GetRelatedDocuments, [['$XDSDocumentEntryEntryUUID', quote(ID.DE1)], ['$AssociationTypes', list(APND)]])).to.deep.equal([]);
      expect(await ids(Q.GetRelatedDocuments, [['$XDSDocumentEntryEntryUUID', quote(ID.DE1)], ['$AssociationTypes', list(HASMEMBER)]])).to.deep.equal([]);
      expect(await ids(Q.GetRelatedDocuments, [['$XDSDocumentEntryEntryUUID', quote('urn:uuid:none')], ['$AssociationTypes', list(RPLC)]])).to.deep.equal([]);
    });
  });

  describe('result rules', () => {
    const find: SlotSpec[] = [
      ['$XDSDocumentEntryPatientId', quote(P1)],
      ['$XDSDocumentEntryStatus', APPROVED],
    ];
    it('XDSUnknownStoredQuery for an unknown id (and for ITI-51 queries on ITI-18)', async () => {
      const e = await q.error('urn:uuid:00000000-0000-0000-0000-000000000000', []);
      expect(e.errors[0]!.errorCode).to.equal('XDSUnknownStoredQuery');
      expect(e.errors[0]!.codeContext).to.contain('urn:uuid:00000000-0000-0000-0000-000000000000');
      expect(await q.code(Q.FindDocumentsForMultiplePatients, find)).to.equal('XDSUnknownStoredQuery');
    });
    it('XDSTooManyResults when more than maxQueryResults objects match', async () => {
      const small = runner(() => seeded, { limit: 2 });
      expect(await small.code('urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d', find)).to.equal('XDSTooManyResults');
      expect(await small.code(Q.GetAssociations, [['$uuid', list(ID.DE1)]])).to.equal('XDSTooManyResults');
      const exact = runner(() => seeded, { limit: 3 });
      expect(await exact.ids('urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d', find)).to.have.length(3);
      // The total counts, not just one store call: SS1 + 4 members + 4 associations = 9 > 8.
      const eight = runner(() => seeded, { limit: 8 });
      expect(await eight.code(Q.GetSubmissionSetAndContents, [['$XDSSubmissionSetEntryUUID', quote(ID.SS1)]])).to.equal('XDSTooManyResults');
    });
    it('XDSResultNotSinglePatient for LeafClass over two patients; ObjectRef is fine (NIST 12368)', async () => {
      const two: SlotSpec[] = [['$XDSDocumentEntryEntryUUID', list(ID.DE2, ID.DE5)]];
      expect(await q.code(Q.GetDocuments, two, 'LeafClass')).to.equal('XDSResultNotSinglePatient');
      expect(await ids(Q.GetDocuments, two, 'ObjectRef')).to.deep.equal(['DE2', 'DE5']);
      const sets: SlotSpec[] = [['$uuid', list(ID.DE1, ID.DE5)]];
      expect(await q.code(Q.GetSubmissionSets, sets, 'LeafClass')).to.equal('XDSResultNotSinglePatient');
    });
  });

  describe('ITI-51 multi-patient queries', () => {
    const m = runner(() => seeded, { multi: true });
    it('need the status and one of patient id / class code / event code / facility type', async () => {
      expect(await m.code(Q.FindDocumentsForMultiplePatients, [['$XDSDocumentEntryPatientId', list(P1)]])).to.equal('XDSStoredQueryMissingParam');
      const e = await m.error(Q.FindDocumentsForMultiplePatients, [['$XDSDocumentEntryStatus', APPROVED]]);
      expect(e.errors[0]!.errorCode).to.equal('XDSStoredQueryMissingParam');
      expect(e.errors[0]!.codeContext).to.contain('$XDSDocumentEntryClassCode');
      expect(await m.code(Q.FindFoldersForMultiplePatients, [['$XDSFolderStatus', APPROVED]])).to.equal('XDSStoredQueryMissingParam');
    });
    it('FindDocumentsForMultiplePatients over a patient list (LeafClass allowed) or by class code alone', async () => {
      const pids: SlotSpec[] = [['$XDSDocumentEntryPatientId', list(P1, P2)], ['$XDSDocumentEntryStatus', APPROVED]];
      expect(sorted(await m.ids(Q.FindDocumentsForMultiplePatients, pids, 'LeafClass'))).to.deep.equal(['DE2', 'DE3', 'DE5', 'DE6']);
      const byClass: SlotSpec[] = [['$XDSDocumentEntryClassCode', list('C1^^scheme')], ['$XDSDocumentEntryStatus', APPROVED]];
      expect(sorted(await m.ids(Q.FindDocumentsForMultiplePatients, byClass))).to.deep.equal(['DE3', 'DE5']);
    });
    it('FindFoldersForMultiplePatients by code list', async () => {
      const slots: SlotSpec[] = [['$XDSFolderCodeList', list('FC1^^fscheme')], ['$XDSFolderStatus', APPROVED]];
      expect(sorted(await m.ids(Q.FindFoldersForMultiplePatients, slots, 'LeafClass'))).to.deep.equal(['F1', 'F2']);
    });
    it('FindDocumentsByReferenceIdForMultiplePatients', async () => {
      const slots: SlotSpec[] = [
        ['$XDSDocumentEntryReferenceIdList', list('ref1^^^&1.2.5&ISO^urn:ihe:iti:xds:2013:uniqueId')],
        ['$XDSDocumentEntryStatus', APPROVED_DEPRECATED],
      ];
      expect(await m.ids(Q.FindDocumentsByReferenceIdForMultiplePatients, slots)).to.deep.equal(['DE1']);
    });
  });
});
