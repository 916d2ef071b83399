import { expect } from 'chai';
import { APPROVED, APPROVED_DEPRECATED, list, ON_DEMAND, quote, STABLE, type SlotSpec } from './request';
import { ID, openSeeded, P1, P2, type Seeded } from './seed';
import { runner, sorted } from './support';

const FIND_DOCUMENTS = 'urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d';
const BY_REFERENCE_ID = 'urn:uuid:12941a89-e02e-4be5-967c-ce4bfc8fe492';
const FIND_SETS = 'urn:uuid:f26abbcb-ac74-4422-8a30-edb644bbc1a9';
const FIND_FOLDERS = 'urn:uuid:958f3006-baad-4929-a4de-ff1114824431';

describe('stored queries: FindDocuments / FindSubmissionSets / FindFolders', () => {
  let seeded: Seeded;
  before(async () => {
    seeded = await openSeeded();
  });
  after(() => seeded.close());
  const q = runner(() => seeded);

  describe('FindDocuments', () => {
    const base = (status = APPROVED): SlotSpec[] => [
      ['$XDSDocumentEntryPatientId', quote(P1)],
      ['$XDSDocumentEntryStatus', status],
    ];
    const find = async (extra: SlotSpec[], status?: string) => sorted(await q.ids(FIND_DOCUMENTS, [...base(status), ...extra]));

    it('requires the patient id and the status (codeContext names the parameter)', async () => {
      const e = await q.error(FIND_DOCUMENTS, [['$XDSDocumentEntryStatus', APPROVED]]);
      expect(e.errors[0]!.errorCode).to.equal('XDSStoredQueryMissingParam');
      expect(e.errors[0]!.codeContext).to.contain('$XDSDocumentEntryPatientId');
      expect(await q.code(FIND_DOCUMENTS, [['$XDSDocumentEntryPatientId', quote(P1)]])).to.equal('XDSStoredQueryMissingParam');
    });
    it('rejects several patient ids, in one Slot or in repeated Slots', async () => {
      const two: SlotSpec = ['$XDSDocumentEntryPatientId', list(P1, P2)];
      expect(await q.code(FIND_DOCUMENTS, [two, ['$XDSDocumentEntryStatus', APPROVED]])).to.equal('XDSStoredQueryParamNumber');
      const repeated: SlotSpec[] = [['$XDSDocumentEntryPatientId', quote(P1)], ...base()];
      expect(await q.code(FIND_DOCUMENTS, repeated)).to.equal('XDSStoredQueryParamNumber');
    });
    it('returns the patient’s approved stable entries, merged-in patients included', async () => {
      expect(await find([])).to.deep.equal(['DE2', 'DE3', 'DE6']);
    });
    it('filters on status lists (full URNs); unknown status values are ignored', async () => {
      expect(await find([], APPROVED_DEPRECATED)).to.deep.equal(['DE1', 'DE2', 'DE3', 'DE6']);
      expect(await find([], "('urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated','Nonsense')")).to.deep.equal(['DE1']);
      expect(await find([], "('Approved')")).to.deep.equal([]);
    });
    it('$XDSDocumentEntryType selects on-demand, stable or both', async () => {
      expect(await find([['$XDSDocumentEntryType', list(ON_DEMAND)]])).to.deep.equal(['DE4']);
      expect(await find([['$XDSDocumentEntryType', list(STABLE, ON_DEMAND)]])).to.deep.equal(['DE2', 'DE3', 'DE4', 'DE6']);
    });
    it('matches codes on code AND scheme, OR within the list', async () => {
      expect(await find([['$XDSDocumentEntryClassCode', list('C2^^scheme')]])).to.deep.equal(['DE2']);
      expect(await find([['$XDSDocumentEntryClassCode', list('C2^^other')]])).to.deep.equal([]);
      expect(await find([['$XDSDocumentEntryClassCode', list('C1^^scheme', 'C2^^scheme')]])).to.deep.equal(['DE2', 'DE3']);
      expect(await find([['$XDSDocumentEntryClassCode', "('C1^^scheme')", "('C3^^scheme')"]])).to.deep.equal(['DE3', 'DE6']);
    });
    it('rejects a code without scheme (NIST 11897 classcode_scheme_mismatch, old_scheme)', async () => {
      const e = await q.error(FIND_DOCUMENTS, [...base(), ['$XDSDocumentEntryClassCode', list('C1^^scheme', 'a^^')]]);
      expect(e.errors[0]!.errorCode).to.equal('XDSRegistryError');
      expect(e.errors[0]!.codeContext).to.contain('$XDSDocumentEntryClassCode').and.contain('a^^');
      expect(await q.code(FIND_DOCUMENTS, [...base(), ['$XDSDocumentEntryPracticeSettingCode', list('Dialysis')]])).to.equal(
        'XDSRegistryError',
      );
    });
    for (const [param, value] of [
      ['TypeCode', 'T2'],
      ['PracticeSettingCode', 'PS2'],
      ['HealthcareFacilityTypeCode', 'HF2'],
      ['FormatCode', 'F2'],
    ] as const) {
      it(`filters on ${param} alone`, async () => {
        expect(await find([[`$XDSDocumentEntry${param}`, list(`${value}^^scheme`)]])).to.deep.equal(['DE2']);
      });
    }
    it('creation time: From inclusive, To exclusive, any DTM precision (NIST left/right edge)', async () => {
      const range = (from: string, to: string): SlotSpec[] => [
        ['$XDSDocumentEntryCreationTimeFrom', from],
        ['$XDSDocumentEntryCreationTimeTo', to],
      ];
      expect(await find(range('20041224', '20050101'), APPROVED_DEPRECATED)).to.deep.equal(['DE1', 'DE6']);
      expect(await find(range('20041124', '20041224'), APPROVED_DEPRECATED)).to.deep.equal([]);
      expect(await find([['$XDSDocumentEntryCreationTimeFrom', '2005']])).to.deep.equal(['DE2', 'DE3']);
      expect(await find([['$XDSDocumentEntryCreationTimeTo', '200501']])).to.deep.equal(['DE6']);
    });
    it('service start and stop times', async () => {
      expect(await find([['$XDSDocumentEntryServiceStartTimeFrom', '200501']])).to.deep.equal(['DE2']);
      expect(await find([['$XDSDocumentEntryServiceStopTimeTo', '200501']], APPROVED_DEPRECATED)).to.deep.equal(['DE1']);
    });
    it('rejects a malformed time and a time with two values', async () => {
      expect(await q.code(FIND_DOCUMENTS, [...base(), ['$XDSDocumentEntryCreationTimeFrom', "'2004x'"]])).to.equal('XDSRegistryError');
      expect(await q.code(FIND_DOCUMENTS, [...base(), ['$XDSDocumentEntryCreationTimeFrom', '2004', '2005']])).to.equal(
        'XDSStoredQueryParamNumber',
      );
    });
    it('EventCodeList: OR within a Slot, AND across Slots', async () => {
      const ev = (...slots: string[]): SlotSpec[] => [['$XDSDocumentEntryEventCodeList', ...slots]];
      expect(await find(ev(list('E2^^ev', 'E1^^ev')), APPROVED_DEPRECATED)).to.deep.equal(['DE1', 'DE2']);
      expect(
        await find([['$XDSDocumentEntryEventCodeList', list('E1^^ev')], ['$XDSDocumentEntryEventCodeList', list('E2^^ev')]], APPROVED_DEPRECATED),
      ).to.deep.equal(['DE1']);
    });
    it('ConfidentialityCode: OR within a Slot, AND across Slots', async () => {
      expect(await find([['$XDSDocumentEntryConfidentialityCode', list('R^^conf')]], APPROVED_DEPRECATED)).to.deep.equal(['DE1', 'DE2']);
      const and: SlotSpec[] = [
        ['$XDSDocumentEntryConfidentialityCode', list('N^^conf')],
        ['$XDSDocumentEntryConfidentialityCode', list('R^^conf')],
      ];
      expect(await find(and, APPROVED_DEPRECATED)).to.deep.equal(['DE1']);
    });
    it('AuthorPerson LIKE patterns', async () => {
      expect(await find([['$XDSDocumentEntryAuthorPerson', list('%Ford%')]], APPROVED_DEPRECATED)).to.deep.equal(['DE1']);
      expect(await find([['$XDSDocumentEntryAuthorPerson', list('^Smitt_^%', '%Nobody%')]])).to.deep.equal(['DE2', 'DE3', 'DE6']);
    });
    it('combines filters (AND)', async () => {
      const slots: SlotSpec[] = [
        ['$XDSDocumentEntryClassCode', list('C1^^scheme')],
        ['$XDSDocumentEntryCreationTimeFrom', '2006'],
        ['$XDSDocumentEntryFormatCode', list('F1^^scheme')],
      ];
      expect(await find(slots, APPROVED_DEPRECATED)).to.deep.equal(['DE3']);
    });
    it('empty result for an unknown patient', async () => {
      expect(await q.ids(FIND_DOCUMENTS, [['$XDSDocumentEntryPatientId', quote('nobody^^^&1.2.3&ISO')], ['$XDSDocumentEntryStatus', APPROVED]])).to.deep.equal([]);
    });
    it('ignores parameters the query does not define', async () => {
      expect(await find([['$XDSDocumentEntryPracticeSettingCodeScheme', list('whatever')]])).to.deep.equal(['DE2', 'DE3', 'DE6']);
    });
    it('LeafClass over the patient and its merged alias is one patient', async () => {
      expect(sorted(await q.ids(FIND_DOCUMENTS, base(), 'LeafClass'))).to.deep.equal(['DE2', 'DE3', 'DE6']);
    });
  });

  describe('FindDocumentsByReferenceId', () => {
    it('requires the reference id list', async () => {
      const e = await q.error(BY_REFERENCE_ID, [['$XDSDocumentEntryPatientId', quote(P1)], ['$XDSDocumentEntryStatus', APPROVED]]);
      expect(e.errors[0]!.errorCode).to.equal('XDSStoredQueryMissingParam');
      expect(e.errors[0]!.codeContext).to.contain('$XDSDocumentEntryReferenceIdList');
    });
    it('finds by reference id', async () => {
      const slots: SlotSpec[] = [
        ['$XDSDocumentEntryPatientId', quote(P1)],
        ['$XDSDocumentEntryStatus', APPROVED_DEPRECATED],
        ['$XDSDocumentEntryReferenceIdList', list('ref1^^^&1.2.5&ISO^urn:ihe:iti:xds:2013:uniqueId')],
      ];
      expect(await q.ids(BY_REFERENCE_ID, slots)).to.deep.equal(['DE1']);
      expect(await q.ids(BY_REFERENCE_ID, [...slots.slice(0, 2), ['$XDSDocumentEntryReferenceIdList', list('other')]])).to.deep.equal([]);
    });
  });

  describe('FindSubmissionSets', () => {
    const base: SlotSpec[] = [
      ['$XDSSubmissionSetPatientId', quote(P1)],
      ['$XDSSubmissionSetStatus', APPROVED],
    ];
    const find = async (extra: SlotSpec[]) => sorted(await q.ids(FIND_SETS, [...base, ...extra]));
    it('requires patient id and status', async () => {
      expect(await q.code(FIND_SETS, base.slice(0, 1))).to.equal('XDSStoredQueryMissingParam');
      expect(await q.code(FIND_SETS, base.slice(1))).to.equal('XDSStoredQueryMissingParam');
    });
    it('returns the patient’s sets (merged alias included)', async () => {
      expect(await find([])).to.deep.equal(['SS1', 'SS2', 'SS4']);
    });
    it('filters on SourceId, SubmissionTime, AuthorPerson, ContentType', async () => {
      expect(await find([['$XDSSubmissionSetSourceId', list('1.9.2', '1.9.3')]])).to.deep.equal(['SS2']);
      expect(await find([['$XDSSubmissionSetSubmissionTimeFrom', '2021']])).to.deep.equal(['SS2']);
      expect(await find([['$XDSSubmissionSetSubmissionTimeTo', '2021']])).to.deep.equal(['SS1', 'SS4']);
      expect(await find([['$XDSSubmissionSetAuthorPerson', quote('%Dopple%')]])).to.deep.equal(['SS1', 'SS2', 'SS4']);
      expect(await find([['$XDSSubmissionSetAuthorPerson', quote('%Smith%')]])).to.deep.equal([]);
      expect(await find([['$XDSSubmissionSetContentType', list('CT2^^scheme')]])).to.deep.equal(['SS2']);
      expect(
        await find([
          ['$XDSSubmissionSetContentType', list('CT1^^scheme')],
          ['$XDSSubmissionSetSubmissionTimeFrom', '2020'],
        ]),
      ).to.deep.equal(['SS1']);
    });
    it('AuthorPerson is single-valued', async () => {
      expect(await q.code(FIND_SETS, [...base, ['$XDSSubmissionSetAuthorPerson', list('%a%', '%b%')]])).to.equal('XDSStoredQueryParamNumber');
    });
  });

  describe('FindFolders', () => {
    const base = (pid = P1): SlotSpec[] => [
      ['$XDSFolderPatientId', quote(pid)],
      ['$XDSFolderStatus', APPROVED],
    ];
    it('requires patient id and status', async () => {
      expect(await q.code(FIND_FOLDERS, base().slice(1))).to.equal('XDSStoredQueryMissingParam');
    });
    it('finds, filters on last update time and on FolderCodeList (AND across Slots)', async () => {
      expect(await q.ids(FIND_FOLDERS, base())).to.deep.equal(['F1']);
      expect(await q.ids(FIND_FOLDERS, [...base(), ['$XDSFolderLastUpdateTimeFrom', '2020']])).to.deep.equal(['F1']);
      expect(await q.ids(FIND_FOLDERS, [...base(), ['$XDSFolderLastUpdateTimeTo', '2020']])).to.deep.equal([]);
      expect(await q.ids(FIND_FOLDERS, [...base(), ['$XDSFolderCodeList', list('FC2^^fscheme')]])).to.deep.equal([]);
      const both: SlotSpec[] = [
        ['$XDSFolderCodeList', list('FC1^^fscheme')],
        ['$XDSFolderCodeList', list('FC2^^fscheme')],
      ];
      expect(await q.ids(FIND_FOLDERS, [...base(P2), ...both])).to.deep.equal(['F2']);
      expect(await q.ids(FIND_FOLDERS, [...base(P1), ...both])).to.deep.equal([]);
    });
  });

  it('seed ids are distinct', () => {
    expect(new Set(Object.values(ID)).size).to.equal(Object.values(ID).length);
  });
});
