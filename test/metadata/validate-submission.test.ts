import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { goldenSubmission } from '../../fixtures/metadata/golden-submission';
import { XdsCode, type Actor, type RegistryErrorEntry } from '../../src/errors';
import { OPEN_AFFINITY_DOMAIN, type AffinityDomain, type Strictness } from '../../src/metadata/affinity-domain';
import { loadAffinityDomain } from '../../src/metadata/load-affinity-domain';
import type { Association, DocumentEntry, Folder, Submission, SubmissionSet } from '../../src/metadata/model';
import { externalReferences, validateSubmission } from '../../src/metadata/validate-submission';

const CODES_XML = readFileSync(resolve(__dirname, '../../../shared/conformance/nist-environment/codes.xml'), 'utf8');
const nist = (strictness: Strictness = 'enforce'): AffinityDomain => loadAffinityDomain(CODES_XML, strictness);

interface Opts {
  readonly transaction?: 'ITI-41' | 'ITI-42';
  readonly actor?: Actor;
  readonly affinity?: AffinityDomain;
}
const validate = (s: Submission, o: Opts = {}): RegistryErrorEntry[] =>
  validateSubmission(s, { transaction: o.transaction ?? 'ITI-42', actor: o.actor ?? 'registry', affinity: o.affinity ?? nist() });

// One-field mutators on a fresh golden submission.
const de = (patch: Partial<DocumentEntry>) => (s: Submission): Submission => ({ ...s, documentEntries: [{ ...s.documentEntries[0]!, ...patch }] });
const ss = (patch: Partial<SubmissionSet>) => (s: Submission): Submission => ({ ...s, submissionSets: [{ ...s.submissionSets[0]!, ...patch }] });
const fol = (patch: Partial<Folder>) => (s: Submission): Submission => ({ ...s, folders: [{ ...s.folders[0]!, ...patch }] });
const assoc = (id: string, patch: Partial<Association>) => (s: Submission): Submission => ({
  ...s,
  associations: s.associations.map((a) => (a.id === id ? ({ ...a, ...patch } as Association) : a)),
});
const withoutAssoc = (...ids: string[]) => (s: Submission): Submission => ({ ...s, associations: s.associations.filter((a) => !ids.includes(a.id)) });
const addAssoc = (a: Partial<Association> & { id: string; sourceId: string; targetId: string }) => (s: Submission): Submission => ({
  ...s,
  associations: [...s.associations, { kind: 'Association', type: 'HasMember', extraSlots: [], ...a } as Association],
});

const DE = 'DocumentEntry Document01 (uniqueId 1.3.6.1.4.1.21367.2024.1.2.1)';
const SS = 'SubmissionSet SubmissionSet01 (uniqueId 1.3.6.1.4.1.21367.2024.1.1.1)';
const FO = 'Folder Folder01 (uniqueId 1.3.6.1.4.1.21367.2024.1.4.1)';
const M = XdsCode.RegistryMetadataError;

interface Broken {
  readonly name: string;
  readonly mutate: (s: Submission) => Submission;
  readonly code: string;
  /** Substrings the codeContext must contain: object, field and bad value. */
  readonly context: readonly string[];
  readonly severity?: 'Error' | 'Warning';
  readonly opts?: Opts;
  /** How many entries in total (other rules may legitimately fire on the same change). */
  readonly total?: number;
}

const broken: readonly Broken[] = [
  // DocumentEntry
  { name: 'DE uniqueId missing', mutate: de({ uniqueId: undefined }), code: M, context: ['DocumentEntry Document01', 'uniqueId is missing'] },
  { name: 'DE uniqueId not an OID', mutate: de({ uniqueId: 'abc' }), code: M, context: ['DocumentEntry Document01 (uniqueId abc)', 'uniqueId "abc"'] },
  { name: 'DE uniqueId extension too long', mutate: de({ uniqueId: '1.2.3^extension-too-long' }), code: M, context: ['Document01', 'uniqueId', '"1.2.3^extension-too-long"'] },
  { name: 'DE patientId missing', mutate: de({ patientId: undefined }), code: M, context: [DE, 'patientId is missing'] },
  { name: 'DE patientId not a CX', mutate: de({ patientId: 'abc^^^&1.2.3&DNS' }), code: M, context: [DE, 'patientId "abc^^^&1.2.3&DNS"', 'ISO'], total: 2 },
  { name: 'DE mimeType missing', mutate: de({ mimeType: undefined }), code: M, context: [DE, 'mimeType is missing'] },
  { name: 'DE mimeType malformed', mutate: de({ mimeType: 'textxml' }), code: M, context: [DE, 'mimeType "textxml" is not a MIME type'], total: 2 },
  { name: 'DE classCode missing', mutate: de({ classCode: undefined }), code: M, context: [DE, 'classCode is missing'] },
  { name: 'DE classCode without codingScheme', mutate: de({ classCode: { code: 'REPORTS', codingScheme: '' } }), code: M, context: [DE, 'classCode "REPORTS" has no codingScheme'] },
  { name: 'DE typeCode missing', mutate: de({ typeCode: undefined }), code: M, context: [DE, 'typeCode is missing'] },
  { name: 'DE formatCode missing', mutate: de({ formatCode: undefined }), code: M, context: [DE, 'formatCode is missing'] },
  { name: 'DE practiceSettingCode missing', mutate: de({ practiceSettingCode: undefined }), code: M, context: [DE, 'practiceSettingCode is missing'] },
  { name: 'DE healthcareFacilityTypeCode missing', mutate: de({ healthcareFacilityTypeCode: undefined }), code: M, context: [DE, 'healthcareFacilityTypeCode is missing'] },
  { name: 'DE confidentialityCode empty', mutate: de({ confidentialityCodes: [] }), code: M, context: [DE, 'confidentialityCode is missing'] },
  { name: 'DE eventCode without codingScheme', mutate: de({ eventCodes: [{ code: 'MPQ-eventcode-1', codingScheme: '' }] }), code: M, context: [DE, 'eventCodeList "MPQ-eventcode-1" has no codingScheme'] },
  { name: 'DE creationTime missing', mutate: de({ creationTime: undefined }), code: M, context: [DE, 'creationTime is missing'] },
  { name: 'DE creationTime invalid', mutate: de({ creationTime: '2024133' }), code: M, context: [`${DE}: creationTime "2024133" is not a valid DTM`] },
  { name: 'DE creationTime with zone', mutate: de({ creationTime: '20240315103000+0100' }), code: M, context: [DE, 'creationTime "20240315103000+0100"'] },
  { name: 'DE serviceStartTime out of range', mutate: de({ serviceStartTime: '20241301' }), code: M, context: [DE, 'serviceStartTime "20241301"', 'month'] },
  { name: 'DE serviceStopTime invalid day', mutate: de({ serviceStopTime: '20230229' }), code: M, context: [DE, 'serviceStopTime "20230229"', 'day'] },
  { name: 'DE hash malformed', mutate: de({ hash: 'xyz' }), code: M, context: [DE, 'hash "xyz"'] },
  { name: 'DE hash missing (ITI-42)', mutate: de({ hash: undefined }), code: M, context: [DE, 'hash is missing'] },
  { name: 'DE size malformed', mutate: de({ size: '-3' }), code: M, context: [DE, 'size "-3"'] },
  { name: 'DE size missing (ITI-42)', mutate: de({ size: undefined }), code: M, context: [DE, 'size is missing'] },
  { name: 'DE repositoryUniqueId not an OID', mutate: de({ repositoryUniqueId: 'repo1' }), code: M, context: [DE, 'repositoryUniqueId "repo1"'] },
  { name: 'DE repositoryUniqueId missing (ITI-42)', mutate: de({ repositoryUniqueId: undefined }), code: M, context: [DE, 'repositoryUniqueId is missing'] },
  { name: 'DE languageCode missing', mutate: de({ languageCode: undefined }), code: M, context: [DE, 'languageCode is missing'] },
  { name: 'DE languageCode malformed', mutate: de({ languageCode: 'en_US' }), code: M, context: [DE, 'languageCode "en_US"'] },
  { name: 'DE sourcePatientId missing', mutate: de({ sourcePatientId: undefined }), code: M, context: [DE, 'sourcePatientId is missing'] },
  { name: 'DE sourcePatientId not a CX', mutate: de({ sourcePatientId: '89765a87b' }), code: M, context: [DE, 'sourcePatientId "89765a87b"'] },
  { name: 'DE legalAuthenticator without id or name', mutate: de({ legalAuthenticator: '^^^^^Dr' }), code: M, context: [DE, 'legalAuthenticator "^^^^^Dr"'] },
  {
    name: 'DE author without person or institution',
    mutate: de({ authors: [{ institutions: [], roles: ['Attending'], specialties: [], telecom: [] }] }),
    code: M,
    context: [DE, 'author [1] has none of authorPerson, authorInstitution, authorTelecommunication'],
  },
  {
    name: 'DE author institution without name',
    mutate: de({ authors: [{ person: '^Smitty^Gerald', institutions: ['^^^^^^^^^1.2.3'], roles: [], specialties: [], telecom: [] }] }),
    code: M,
    context: [DE, 'author [1] authorInstitution "^^^^^^^^^1.2.3"'],
  },
  {
    name: 'DE author telecom without email',
    mutate: de({ authors: [{ person: '^Smitty^Gerald', institutions: [], roles: [], specialties: [], telecom: ['^^Internet^'] }] }),
    code: M,
    context: [DE, 'authorTelecommunication "^^Internet^"'],
  },
  { name: 'DE referenceIdList without type code', mutate: de({ referenceIdList: ['2013001^^^&1.2.3&ISO'] }), code: M, context: [DE, 'referenceIdList "2013001^^^&1.2.3&ISO"'] },
  { name: 'DE title too long', mutate: de({ title: { value: 'x'.repeat(129) } }), code: M, context: [DE, 'title is longer than 128'] },
  // SubmissionSet
  { name: 'SS uniqueId missing', mutate: ss({ uniqueId: undefined }), code: M, context: ['SubmissionSet SubmissionSet01', 'uniqueId is missing'] },
  { name: 'SS uniqueId not an OID', mutate: ss({ uniqueId: '1.2.3^x' }), code: M, context: ['SubmissionSet01', 'uniqueId "1.2.3^x"'] },
  { name: 'SS sourceId missing', mutate: ss({ sourceId: undefined }), code: M, context: [SS, 'sourceId is missing'] },
  { name: 'SS sourceId not an OID', mutate: ss({ sourceId: 'source-a' }), code: M, context: [SS, 'sourceId "source-a"'] },
  { name: 'SS patientId missing', mutate: ss({ patientId: undefined }), code: M, context: [SS, 'patientId is missing'] },
  { name: 'SS submissionTime missing', mutate: ss({ submissionTime: undefined }), code: M, context: [SS, 'submissionTime is missing'] },
  { name: 'SS submissionTime invalid', mutate: ss({ submissionTime: '2024-03-15' }), code: M, context: [SS, 'submissionTime "2024-03-15"'] },
  { name: 'SS contentTypeCode missing', mutate: ss({ contentTypeCode: undefined }), code: M, context: [SS, 'contentTypeCode is missing'] },
  {
    name: 'SS authorPerson invalid',
    mutate: ss({ authors: [{ person: '^^^^^Dr', institutions: [], roles: [], specialties: [], telecom: [] }] }),
    code: M,
    context: [SS, 'authorPerson "^^^^^Dr"'],
  },
  { name: 'SS intendedRecipient empty', mutate: ss({ intendedRecipients: ['|'] }), code: M, context: [SS, 'intendedRecipient "|"'] },
  // Folder
  { name: 'Folder uniqueId not an OID', mutate: fol({ uniqueId: 'F1' }), code: M, context: ['Folder Folder01 (uniqueId F1)', 'uniqueId "F1"'] },
  { name: 'Folder patientId missing', mutate: fol({ patientId: undefined }), code: M, context: [FO, 'patientId is missing'] },
  { name: 'Folder codeList empty', mutate: fol({ codeList: [] }), code: M, context: [FO, 'codeList is missing'] },
  { name: 'Folder lastUpdateTime invalid', mutate: fol({ lastUpdateTime: '2024031599' }), code: M, context: [FO, 'lastUpdateTime "2024031599"'] },
  // Associations
  { name: 'Association type unknown', mutate: assoc('ss-folder01', { type: 'Contains' as never }), code: M, context: ['Association ss-folder01', 'associationType "Contains"'], total: 2 },
  { name: 'SubmissionSetStatus missing', mutate: assoc('ss-doc01', { submissionSetStatus: undefined }), code: M, context: ['Association ss-doc01', 'SubmissionSetStatus is missing'] },
  { name: 'SubmissionSetStatus unknown', mutate: assoc('ss-doc01', { submissionSetStatus: 'Copied' }), code: M, context: ['Association ss-doc01', 'SubmissionSetStatus "Copied"'] },
  { name: 'SubmissionSetStatus Reference on a new DE', mutate: assoc('ss-doc01', { submissionSetStatus: 'Reference' }), code: M, context: ['Association ss-doc01', 'SubmissionSetStatus "Reference" must be Original'] },
  { name: 'Association source missing', mutate: assoc('ss-folder01', { sourceId: '' }), code: M, context: ['Association ss-folder01', 'sourceObject is missing'], total: 2 },
  {
    name: 'RPLC from a Folder',
    mutate: addAssoc({ id: 'rplc1', type: 'RPLC', sourceId: 'Folder01', targetId: 'urn:uuid:7edca82f-054d-47f2-a032-9b2a5b518fff' }),
    code: M,
    context: ['Association rplc1', 'sourceObject "Folder01" must be a DocumentEntry'],
  },
  {
    name: 'Folder HasMember to a SubmissionSet',
    mutate: addAssoc({ id: 'bad-fm', sourceId: 'Folder01', targetId: 'SubmissionSet01' }),
    code: M,
    context: ['Association bad-fm', 'targetObject "SubmissionSet01" is a SubmissionSet'],
  },
  // Message-level
  { name: 'no SubmissionSet', mutate: (s) => ({ ...s, submissionSets: [] }), code: M, context: ['submission has 0 SubmissionSets'], total: 6 }, // + membership and dangling association ends,
  {
    name: 'two SubmissionSets',
    mutate: (s) => ({ ...s, submissionSets: [...s.submissionSets, { ...s.submissionSets[0]!, id: 'SubmissionSet02', uniqueId: '1.3.6.1.4.1.21367.2024.1.1.2' }] }),
    code: M,
    context: ['submission has 2 SubmissionSets', 'SubmissionSet01, SubmissionSet02'],
  },
  {
    name: 'DE patient differs from SS',
    mutate: de({ patientId: 'other^^^&1.3.6.1.4.1.21367.13.20.1000&ISO' }),
    code: XdsCode.PatientIdDoesNotMatch,
    context: [DE, 'patientId "other^^^&1.3.6.1.4.1.21367.13.20.1000&ISO"', 'SubmissionSet SubmissionSet01 patientId "e8a3b1c6d7^^^&1.3.6.1.4.1.21367.13.20.1000&ISO"'],
  },
  {
    name: 'Folder patient authority differs from SS',
    mutate: fol({ patientId: 'e8a3b1c6d7^^^&1.3.6.1.4.1.21367.13.20.2000&ISO' }),
    code: XdsCode.PatientIdDoesNotMatch,
    context: [FO, 'patientId "e8a3b1c6d7^^^&1.3.6.1.4.1.21367.13.20.2000&ISO"', 'does not match'],
  },
  {
    name: 'DE not a member of the SubmissionSet',
    mutate: withoutAssoc('ss-doc01', 'ss-folder01-doc01'),
    code: M,
    context: [DE, 'is not the target of a HasMember association from the SubmissionSet'],
  },
  {
    name: 'Folder not a member of the SubmissionSet',
    mutate: withoutAssoc('ss-folder01'),
    code: M,
    context: [FO, 'is not the target of a HasMember association from the SubmissionSet'],
  },
  {
    name: 'association to an unknown symbolic id',
    mutate: addAssoc({ id: 'ss-nowhere', sourceId: 'SubmissionSet01', targetId: 'Document99', submissionSetStatus: 'Original' }),
    code: M,
    context: ['Association ss-nowhere', 'targetObject "Document99" is neither an object of this submission nor a urn:uuid: reference'],
  },
  {
    name: 'uniqueId used twice in the message (registry)',
    mutate: fol({ uniqueId: '1.3.6.1.4.1.21367.2024.1.2.1' }),
    code: XdsCode.RegistryDuplicateUniqueIdInMessage,
    context: ['Folder Folder01', 'uniqueId "1.3.6.1.4.1.21367.2024.1.2.1" is also used by DocumentEntry Document01'],
  },
  {
    name: 'uniqueId used twice in the message (repository)',
    mutate: fol({ uniqueId: '1.3.6.1.4.1.21367.2024.1.1.1' }),
    code: XdsCode.RepositoryDuplicateUniqueIdInMessage,
    context: ['Folder Folder01', 'uniqueId "1.3.6.1.4.1.21367.2024.1.1.1" is also used by SubmissionSet SubmissionSet01'],
    opts: { actor: 'repository', transaction: 'ITI-41' },
  },
  {
    name: 'two objects with one id',
    mutate: (s) => ({ ...s, folders: [...s.folders, { ...s.folders[0]!, id: 'Document01', uniqueId: '1.3.6.1.4.1.21367.2024.1.4.2' }] }),
    code: M,
    context: ['Folder Document01', 'id "Document01" is used by more than one object'],
  },
  // Affinity domain
  {
    name: 'classCode not in the affinity domain',
    mutate: de({ classCode: { code: 'NOTES', codingScheme: '1.3.6.1.4.1.19376.1.2.6.1' } }),
    code: M,
    context: [DE, 'classCode "NOTES" (codingScheme "1.3.6.1.4.1.19376.1.2.6.1") is not in the affinity domain'],
  },
  {
    name: 'known code under the wrong codingScheme',
    mutate: de({ typeCode: { code: '11488-4', codingScheme: '2.16.840.1.113883.6.96' } }),
    code: M,
    context: [DE, 'typeCode "11488-4" (codingScheme "2.16.840.1.113883.6.96")'],
  },
  {
    name: 'confidentialityCode not in the affinity domain',
    mutate: de({ confidentialityCodes: [{ code: 'N', codingScheme: '2.16.840.1.113883.5.25' }, { code: 'Q', codingScheme: '2.16.840.1.113883.5.25' }] }),
    code: M,
    context: [DE, 'confidentialityCode "Q"'],
  },
  { name: 'contentTypeCode not in the affinity domain', mutate: ss({ contentTypeCode: { code: 'X', codingScheme: '1.2' } }), code: M, context: [SS, 'contentTypeCode "X"'] },
  { name: 'Folder code not in the affinity domain', mutate: fol({ codeList: [{ code: 'Misc', codingScheme: '1.3.6.1.4.1.21367.2017.3' }] }), code: M, context: [FO, 'codeList "Misc"'] },
  { name: 'mimeType not in the affinity domain', mutate: de({ mimeType: 'application/x-unknown' }), code: M, context: [DE, 'mimeType "application/x-unknown" is not in the affinity domain'] },
  {
    name: 'code outside the domain with warn',
    mutate: de({ formatCode: { code: 'urn:x:unknown', codingScheme: '1.3.6.1.4.1.19376.1.2.3' } }),
    code: M,
    context: [DE, 'formatCode "urn:x:unknown"'],
    severity: 'Warning',
    opts: { affinity: nist('warn') },
  },
  {
    name: 'code outside the domain for the repository',
    mutate: de({ formatCode: { code: 'urn:x:unknown', codingScheme: '1.3.6.1.4.1.19376.1.2.3' } }),
    code: XdsCode.RepositoryMetadataError,
    context: [DE, 'formatCode "urn:x:unknown"'],
    opts: { actor: 'repository', transaction: 'ITI-41' },
  },
];

describe('metadata/validate-submission', () => {
  describe('golden submission', () => {
    for (const transaction of ['ITI-41', 'ITI-42'] as const) {
      for (const actor of ['registry', 'repository'] as const) {
        it(`has zero errors for ${transaction} / ${actor} under NIST codes.xml (enforce)`, () => {
          expect(validate(goldenSubmission(), { transaction, actor })).to.deep.equal([]);
        });
      }
    }
  });

  describe('one broken field at a time', () => {
    for (const b of broken) {
      it(b.name, () => {
        const errors = validate(b.mutate(goldenSubmission()), b.opts);
        const hit = errors.find((e) => e.errorCode === b.code && b.context.every((c) => e.codeContext.includes(c)));
        expect(hit, `no ${b.code} containing ${JSON.stringify(b.context)} in ${JSON.stringify(errors, null, 1)}`).to.not.equal(undefined);
        expect(hit!.severity).to.equal(b.severity ?? 'Error');
        expect(errors, JSON.stringify(errors, null, 1)).to.have.length(b.total ?? 1);
      });
    }
  });

  describe('ITI-41 versus ITI-42', () => {
    const noRepoFields = de({ hash: undefined, size: undefined, repositoryUniqueId: undefined });
    it('accepts missing hash, size and repositoryUniqueId on ITI-41 (the repository sets them)', () => {
      expect(validate(noRepoFields(goldenSubmission()), { transaction: 'ITI-41', actor: 'repository' })).to.deep.equal([]);
    });
    it('reports each of them on ITI-42', () => {
      const errors = validate(noRepoFields(goldenSubmission()), { transaction: 'ITI-42' });
      expect(errors.map((e) => e.codeContext)).to.deep.equal([
        `${DE}: hash is missing`,
        `${DE}: size is missing`,
        `${DE}: repositoryUniqueId is missing`,
      ]);
    });
    it('still checks their format on ITI-41', () => {
      const errors = validate(de({ hash: 'abc' })(goldenSubmission()), { transaction: 'ITI-41', actor: 'repository' });
      expect(errors).to.have.length(1);
      expect(errors[0]!.errorCode).to.equal(XdsCode.RepositoryMetadataError);
    });
  });

  describe('affinity-domain strictness', () => {
    const outside = de({ classCode: { code: 'NOTES', codingScheme: '1.3.6.1.4.1.19376.1.2.6.1' }, mimeType: 'application/x-unknown' });
    it('enforce: errors', () => {
      expect(validate(outside(goldenSubmission()), { affinity: nist('enforce') }).map((e) => e.severity)).to.deep.equal(['Error', 'Error']);
    });
    it('warn: warnings', () => {
      expect(validate(outside(goldenSubmission()), { affinity: nist('warn') }).map((e) => e.severity)).to.deep.equal(['Warning', 'Warning']);
    });
    it('off: nothing', () => {
      expect(validate(outside(goldenSubmission()), { affinity: nist('off') })).to.deep.equal([]);
    });
    it('a scheme without a configured list accepts any code', () => {
      expect(validate(outside(goldenSubmission()), { affinity: { ...OPEN_AFFINITY_DOMAIN, strictness: 'enforce' } })).to.deep.equal([]);
    });
  });

  it('accepts an author known only by telecom address', () => {
    const s = de({ authors: [{ institutions: [], roles: [], specialties: [], telecom: ['^^Internet^device@example.org'] }] })(goldenSubmission());
    expect(validate(s)).to.deep.equal([]);
  });

  describe('membership through a folder', () => {
    it('accepts a DocumentEntry reached only through a Folder HasMember that is itself a member', () => {
      expect(validate(withoutAssoc('ss-doc01')(goldenSubmission()))).to.deep.equal([]);
    });
    it('rejects it when the Folder HasMember is not a member of the SubmissionSet', () => {
      const errors = validate(withoutAssoc('ss-doc01', 'ss-folder01-doc01')(goldenSubmission()));
      expect(errors.map((e) => e.codeContext)).to.deep.equal([`${DE}: is not the target of a HasMember association from the SubmissionSet`]);
    });
  });

  describe('limitedMetadata', () => {
    const limited = de({ limitedMetadata: true, classCode: undefined, typeCode: undefined, creationTime: undefined, confidentialityCodes: [] });
    it('relaxes the R2-for-limited fields', () => {
      expect(validate(limited(goldenSubmission()))).to.deep.equal([]);
    });
    it('still requires uniqueId and mimeType and still checks formats', () => {
      const s = de({ uniqueId: undefined, mimeType: undefined, languageCode: 'en_US' })(limited(goldenSubmission()));
      expect(validate(s).map((e) => e.codeContext)).to.deep.equal([
        'DocumentEntry Document01: uniqueId is missing',
        'DocumentEntry Document01: mimeType is missing',
        'DocumentEntry Document01: languageCode "en_US" is not an RFC 5646 language tag',
      ]);
    });
  });

  describe('external references', () => {
    const rplc = addAssoc({ id: 'rplc1', type: 'RPLC', sourceId: 'Document01', targetId: 'urn:uuid:7edca82f-054d-47f2-a032-9b2a5b518fff' });
    it('accepts associations to urn:uuid: objects outside the message and lists them', () => {
      const s = rplc(goldenSubmission());
      expect(validate(s)).to.deep.equal([]);
      expect(externalReferences(s)).to.deep.equal(['urn:uuid:7edca82f-054d-47f2-a032-9b2a5b518fff']);
    });
    it('lists nothing for a self-contained submission and ignores symbolic ids', () => {
      expect(externalReferences(goldenSubmission())).to.deep.equal([]);
      expect(externalReferences(addAssoc({ id: 'x', sourceId: 'SubmissionSet01', targetId: 'Nowhere' })(goldenSubmission()))).to.deep.equal([]);
    });
    it('accepts a Reference to a registered DocumentEntry', () => {
      const s = addAssoc({ id: 'ref', sourceId: 'SubmissionSet01', targetId: 'urn:uuid:0a1b2c3d-054d-47f2-a032-9b2a5b518fff', submissionSetStatus: 'Reference' })(goldenSubmission());
      expect(validate(s)).to.deep.equal([]);
    });
  });

  it('reports several problems at once, each with its object, field and value', () => {
    const s = [de({ creationTime: '2024133', hash: undefined }), ss({ sourceId: 'src' }), fol({ codeList: [] })].reduce((acc, f) => f(acc), goldenSubmission());
    const errors = validate(s);
    expect(errors.map((e) => [e.errorCode, e.severity, e.location, e.codeContext])).to.deep.equal([
      [M, 'Error', 'SubmissionSet01', `${SS}: sourceId "src" is not a valid OID`],
      [M, 'Error', 'Document01', `${DE}: creationTime "2024133" is not a valid DTM (YYYY[MM[DD[hh[mm[ss]]]]], UTC, no fraction or zone)`],
      [M, 'Error', 'Document01', `${DE}: hash is missing`],
      [M, 'Error', 'Folder01', `${FO}: codeList is missing (at least one value required)`],
    ]);
  });
});
