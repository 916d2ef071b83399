import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readSubmitObjectsRequest } from '../../src/ebxml/read-submit-objects';
import { NS } from '../../src/ebxml/vocabulary';
import { XdsCode } from '../../src/errors';
import { childOf, is, parseXml } from '../../src/soap/xml';
import { writeRegistryObject } from '../../src/ebxml/write-registry-object';
import { asSubmitObjectsRequest, goldenWith, NIST_1111, NIST_12346 } from './golden';

const DOC2 = 'urn:uuid:5e0b7c2a-1d3f-4e6a-9b8c-7d6e5f4a3b2c';
const PID = 'P0924175725.3^^^&1.3.6.1.4.1.21367.13.20.1000&ISO';

describe('ebxml/read-submit-objects: golden submission', () => {
  const { submission, errors } = readSubmitObjectsRequest(goldenWith(), 'registry');

  it('reads without errors or warnings', () => {
    expect(errors).to.deep.equal([]);
    expect(submission.submissionSets).to.have.length(1);
    expect(submission.documentEntries).to.have.length(2);
    expect(submission.folders).to.have.length(1);
    expect(submission.associations).to.have.length(6);
  });

  it('maps every DocumentEntry attribute', () => {
    const d = submission.documentEntries[0];
    expect(d).to.include({
      kind: 'DocumentEntry',
      type: 'stable',
      id: 'Document01',
      lid: 'urn:uuid:0b1a2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      mimeType: 'text/xml',
      uniqueId: '1.2.42.20250102.1.1',
      patientId: PID,
      creationTime: '20250102030405',
      hash: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
      size: '1024',
      languageCode: 'en-US',
      legalAuthenticator: '^Welby^Marcus^^MD^Dr',
      serviceStartTime: '200412230800',
      serviceStopTime: '200412241600',
      sourcePatientId: '89765a87b^^^&1.3.4.5&ISO',
      uri: 'http://example.org/docs/1?a=1&b=2',
      repositoryUniqueId: '1.3.6.1.4.1.21367.2010.1.2.1125',
      documentAvailability: 'urn:ihe:iti:2010:DocumentAvailability:Online',
      limitedMetadata: false,
    });
    expect(d.availabilityStatus).to.equal(undefined);
    expect(d.title).to.deep.equal({ value: 'Discharge summary "A"', lang: 'en-US', charset: 'UTF-8' });
    expect(d.comments).to.deep.equal({ value: 'Summary of stay & follow-up' });
    expect(d.version).to.deep.equal({ versionName: '1' });
    expect(d.sourcePatientInfo).to.deep.equal(['PID-3|pid1^^^&1.2.3&ISO', 'PID-5|Doe^John^^^', 'PID-7|19560527', 'PID-8|M']);
    expect(d.referenceIdList).to.have.length(2);
    expect(d.classCode).to.deep.equal({ code: 'DEMO-Summary', codingScheme: '1.3.6.1.4.1.21367.100.1', displayName: { value: 'Summary' } });
    expect(d.typeCode?.code).to.equal('34133-9');
    expect(d.formatCode?.code).to.equal('urn:ihe:pcc:xphr:2007');
    expect(d.healthcareFacilityTypeCode?.code).to.equal('Outpatient');
    expect(d.practiceSettingCode?.code).to.equal('General Medicine');
    expect(d.confidentialityCodes.map((c) => c.code)).to.deep.equal(['N', 'R']);
    expect(d.confidentialityCodes[1]).to.not.have.property('displayName');
    expect(d.eventCodes.map((c) => `${c.code}/${c.codingScheme}`)).to.deep.equal(['T-D8200/SNM3', 'T-62002/SNM3']);
  });

  it('maps two authors with all their slots', () => {
    const [a1, a2] = submission.documentEntries[0].authors;
    expect(a1).to.deep.equal({
      person: '^Smitty^Gerald^^^',
      institutions: ['Cleveland Clinic^^^^^&1.2.3.4&ISO^^^^1.2.3', 'Parma Community'],
      roles: ['Attending'],
      specialties: ['Orthopedic'],
      telecom: ['^^Internet^gerald@example.org'],
    });
    expect(a2).to.deep.equal({ institutions: ['Berea Community'], roles: [], specialties: [], telecom: [] });
  });

  it('keeps non-IHE slots in order with their values and type', () => {
    expect(submission.documentEntries[0].extraSlots).to.deep.equal([
      { name: 'urn:example:extra:priority', type: 'urn:example:type:string', values: ['high', 'urgent <now>'] },
      { name: 'urn:example:extra:empty', values: [] },
    ]);
    expect(submission.submissionSets[0].extraSlots).to.deep.equal([{ name: 'urn:example:extra:batch', values: ['B-17'] }]);
    expect(submission.associations[1].extraSlots).to.deep.equal([{ name: 'urn:example:extra:route', values: ['A'] }]);
  });

  it('reads an on-demand entry with status, home and limitedMetadata', () => {
    const d = submission.documentEntries[1];
    expect(d).to.include({ id: DOC2, type: 'on-demand', availabilityStatus: 'Submitted', home: 'urn:oid:1.2.3.4.5', limitedMetadata: true });
    expect(d.extraSlots).to.deep.equal([{ name: 'x-local-note', values: ['from ward 3'] }]);
    expect(d.authors.map((a) => a.person)).to.deep.equal(['^Dopplemeyer^Sherry^^^', '^Lab^Automated^^^']);
    expect(d.authors[0].roles).to.deep.equal(['Primary Surgeon', 'Consultant']);
  });

  it('types the package classified at top level as the SubmissionSet', () => {
    const ss = submission.submissionSets[0];
    expect(ss).to.include({
      id: 'SubmissionSet01',
      uniqueId: '1.2.42.20250102.2.1',
      sourceId: '1.3.6.1.4.1.21367.4',
      patientId: PID,
      submissionTime: '20250102030500',
    });
    expect(ss.title?.value).to.equal('Hospital stay');
    expect(ss.comments?.value).to.equal('Documents of one stay');
    expect(ss.contentTypeCode).to.deep.equal({ code: '264372000', codingScheme: '2.16.840.1.113883.6.96', displayName: { value: 'Pharmacy' } });
    expect(ss.intendedRecipients).to.have.length(2);
    expect(ss.authors).to.have.length(1);
  });

  it('types the package with a nested Folder node as the Folder', () => {
    const f = submission.folders[0];
    expect(f).to.include({ id: 'Folder01', uniqueId: '1.2.42.20250102.3.1', patientId: PID });
    expect(f.codeList.map((c) => c.code)).to.deep.equal(['Referrals', 'Cardiology']);
  });

  it('maps associations to short types, slots and documentation', () => {
    const byId = new Map(submission.associations.map((a) => [a.id, a]));
    expect(byId.get('as01')).to.deep.equal({
      kind: 'Association',
      id: 'as01',
      type: 'HasMember',
      sourceId: 'SubmissionSet01',
      targetId: 'Document01',
      submissionSetStatus: 'Original',
      extraSlots: [],
    });
    expect(byId.get('as04')).to.include({ sourceId: 'Folder01', targetId: 'Document01' });
    expect(byId.get('as05')).to.include({ sourceId: 'SubmissionSet01', targetId: 'as04' });
    const rplc = byId.get('as06');
    expect(rplc?.type).to.equal('RPLC');
    expect(rplc?.documentation).to.deep.equal({ code: 'Corrected', codingScheme: '1.3.6.1.4.1.21367.100.9', displayName: { value: 'Corrected result' } });
  });
});

describe('ebxml/read-submit-objects: placement of classifications and identifiers', () => {
  it('attaches top-level ExternalIdentifiers and code Classifications to the object they name', () => {
    const el = parseXml(
      asSubmitObjectsRequest(
        `<rim:RegistryPackage id="ss"/>` +
          `<rim:Classification id="c1" classifiedObject="ss" classificationNode="urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd"/>` +
          `<rim:ExternalIdentifier id="e1" registryObject="ss" identificationScheme="urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8" value="1.2.3"/>` +
          `<rim:Classification id="c2" classifiedObject="ss" classificationScheme="urn:uuid:aa543740-bdda-424e-8c96-df4873be8500" nodeRepresentation="X">` +
          `<rim:Slot name="codingScheme"><rim:ValueList><rim:Value>S</rim:Value></rim:ValueList></rim:Slot></rim:Classification>`,
      ),
    );
    const { submission, errors } = readSubmitObjectsRequest(el, 'registry');
    expect(errors).to.deep.equal([]);
    expect(submission.submissionSets[0]).to.include({ id: 'ss', uniqueId: '1.2.3' });
    expect(submission.submissionSets[0].contentTypeCode).to.deep.equal({ code: 'X', codingScheme: 'S' });
  });

  it('joins a URI split into n|part values (ITI TF-3 §4.2.3.2.24)', () => {
    const el = goldenWith([
      '<rim:Value>http://example.org/docs/1?a=1&amp;b=2</rim:Value>',
      '<rim:Value>2|/long/tail</rim:Value><rim:Value>1|http://example.org</rim:Value>',
    ]);
    const { submission, errors } = readSubmitObjectsRequest(el, 'registry');
    expect(errors).to.deep.equal([]);
    expect(submission.documentEntries[0].uri).to.equal('http://example.org/long/tail');
  });
});

describe('ebxml/read-submit-objects: NIST corpus', () => {
  for (const test of ['SubmitSingleDoc', 'SubmitRplc']) {
    it(`reads ReposAcceptanceTest-1111/${test} (PnR wrapper removed) without errors`, () => {
      const pnr = parseXml(readFileSync(resolve(NIST_1111, test, 'single_doc.xml'), 'utf8'));
      const sor = childOf(pnr, NS.lcm, 'SubmitObjectsRequest');
      expect(sor).to.not.equal(undefined);
      const { submission, errors } = readSubmitObjectsRequest(sor!, 'repository');
      expect(errors).to.deep.equal([]);
      expect(submission.submissionSets.map((s) => s.id)).to.deep.equal(['mySsId01']);
      expect(submission.documentEntries[0].authors).to.have.length(2);
      expect(submission.documentEntries[0].uniqueId).to.match(/^1\.2\.42\./);
      const types = submission.associations.map((a) => a.type);
      expect(types).to.include('HasMember');
      if (test === 'SubmitRplc') expect(types).to.include('RPLC');
    });
  }

  // Every ebRS 3.0 submission in the NIST corpus (the others are 2.1 and translated by the test runner).
  const NIST_30 = [
    'ReposAcceptanceTest-1111/SubmitSingleDoc/single_doc.xml',
    'ReposAcceptanceTest-1111/SubmitRplc/single_doc.xml',
    'ReposAcceptanceTest-1112/SubmitSingleDoc/single_doc.xml',
    'ReposAcceptanceTest-1112/SubmitApnd/single_doc.xml',
    'ReposAcceptanceTest-1112/SubmitXfrmRplc/single_doc.xml',
    'ReposAcceptanceTest-1113/SubmitTwoDocs/two_doc.xml',
    'ReposAcceptanceTest-1113/SubmitFolder/single_fol.xml',
    'ReposAcceptanceTest-1113/SubmitFolderwDoc/fol_doc.xml',
    'ReposAcceptanceTest-1113/AssociateNewDEwithExistingFolder/associate_fol.xml',
    'ReposAcceptanceTest-1113/AssociateExistingDEwithExistingFolder/associate.xml',
  ];
  for (const file of NIST_30) {
    it(`reads ${file} without errors, and writes it back to the same model`, () => {
      const root = parseXml(readFileSync(resolve(NIST_1111, '..', file), 'utf8'));
      const sor = is(root, NS.lcm, 'SubmitObjectsRequest') ? root : childOf(root, NS.lcm, 'SubmitObjectsRequest');
      const { submission, errors } = readSubmitObjectsRequest(sor!, 'registry');
      expect(errors).to.deep.equal([]);
      const objects = [...submission.submissionSets, ...submission.documentEntries, ...submission.folders, ...submission.associations];
      expect(objects.length).to.be.greaterThan(1);
      const again = readSubmitObjectsRequest(parseXml(asSubmitObjectsRequest(objects.map(writeRegistryObject).join(''))), 'registry');
      expect(again.errors).to.deep.equal([]);
      expect(again.submission).to.deep.equal(submission);
    });
  }

  it('rejects an ebRS 2.1 SubmitObjectsRequest (NIST 12346) with one error', () => {
    const el = parseXml(readFileSync(resolve(NIST_12346, 'single_doc', 'single_doc.xml'), 'utf8'));
    const { submission, errors } = readSubmitObjectsRequest(el, 'registry');
    expect(errors).to.have.length(1);
    expect(errors[0].errorCode).to.equal(XdsCode.RegistryMetadataError);
    expect(errors[0].codeContext).to.contain(NS.rs21);
    expect(submission.documentEntries).to.deep.equal([]);
  });
});
