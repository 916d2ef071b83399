/**
 * One test per wire-level problem: the exact code, and a codeContext that names the object, the field and
 * the offending value. Each case breaks one thing in the golden submission.
 */
import { expect } from 'chai';
import { readSubmitObjectsRequest } from '../../src/ebxml/read-submit-objects';
import { NS } from '../../src/ebxml/vocabulary';
import { XdsCode, type RegistryErrorEntry } from '../../src/errors';
import { parseXml } from '../../src/soap/xml';
import { goldenWith } from './golden';

const DE1 = 'DocumentEntry Document01 (uniqueId 1.2.42.20250102.1.1)';
const DOC2 = 'urn:uuid:5e0b7c2a-1d3f-4e6a-9b8c-7d6e5f4a3b2c';

/** Reads the golden message with edits; expects exactly one Error, with the registry's default code. */
function onlyError(...edits: [string, string][]): RegistryErrorEntry {
  const { errors } = readSubmitObjectsRequest(goldenWith(...edits), 'registry');
  const errs = errors.filter((e) => e.severity === 'Error');
  expect(errs, JSON.stringify(errors)).to.have.length(1);
  expect(errs[0].errorCode).to.equal(XdsCode.RegistryMetadataError);
  return errs[0];
}

function contextOf(...edits: [string, string][]): string {
  return onlyError(...edits).codeContext;
}

describe('ebxml/read-submit-objects: wire-level errors', () => {
  it('a single-valued slot with several values', () => {
    const ctx = contextOf([
      '<rim:Value>20250102030405</rim:Value>',
      '<rim:Value>20250102030405</rim:Value><rim:Value>20250103</rim:Value>',
    ]);
    expect(ctx).to.equal(`${DE1}: slot creationTime has 2 values (20250102030405, 20250103), expected 1`);
  });

  it('a code classification without codingScheme slot', () => {
    const ctx = contextOf([
      '<rim:Slot name="codingScheme"><rim:ValueList><rim:Value>1.3.6.1.4.1.21367.100.1</rim:Value></rim:ValueList></rim:Slot>\n        <rim:Name><rim:LocalizedString value="Summary"/>',
      '<rim:Name><rim:LocalizedString value="Summary"/>',
    ]);
    expect(ctx).to.contain(DE1).and.contain('classCode').and.contain('DEMO-Summary').and.contain('no codingScheme');
  });

  it('a code classification with two codingScheme values', () => {
    const ctx = contextOf(['<rim:Value>SNM3</rim:Value>', '<rim:Value>SNM3</rim:Value><rim:Value>SNM4</rim:Value>']);
    expect(ctx).to.equal(`${DE1}: eventCodes code T-D8200 slot codingScheme has 2 values (SNM3, SNM4), expected 1`);
  });

  it('a code classification without nodeRepresentation', () => {
    const ctx = contextOf(['nodeRepresentation="DEMO-Summary"', 'nodeRepresentation=""']);
    expect(ctx).to.contain(DE1).and.contain('classCode classification cl03').and.contain('no nodeRepresentation');
  });

  it('a single-code classification sent twice', () => {
    const ctx = contextOf([
      '<rim:Classification id="cl11"',
      '<rim:Classification id="clX" classificationScheme="urn:uuid:f0306f51-975f-434e-a61c-c59651d33983" classifiedObject="Document01"' +
        ' nodeRepresentation="11488-4"><rim:Slot name="codingScheme"><rim:ValueList><rim:Value>L</rim:Value></rim:ValueList></rim:Slot>' +
        '</rim:Classification><rim:Classification id="cl11"',
    ]);
    expect(ctx).to.equal(`${DE1}: classification typeCode appears 2 times (11488-4, 34133-9), expected 1`);
  });

  it('an ExternalIdentifier without value', () => {
    const ctx = contextOf(['value="1.2.42.20250102.3.1"', 'value=""']);
    expect(ctx).to.equal('Folder Folder01: external identifier uniqueId (ei42) has no value');
  });

  it('an author with neither authorPerson nor authorInstitution', () => {
    const ctx = contextOf([
      '<rim:Slot name="authorInstitution"><rim:ValueList><rim:Value>Berea Community</rim:Value></rim:ValueList></rim:Slot>',
      '<rim:Slot name="authorRole"><rim:ValueList><rim:Value>Nurse</rim:Value></rim:ValueList></rim:Slot>',
    ]);
    expect(ctx).to.equal(`${DE1}: author cl02 has neither authorPerson nor authorInstitution`);
  });

  it('an author with two authorPerson values', () => {
    const ctx = contextOf(['<rim:Value>^Lab^Automated^^^</rim:Value>', '<rim:Value>^Lab^Automated^^^</rim:Value><rim:Value>^Other^^^^</rim:Value>']);
    expect(ctx).to.equal(
      `DocumentEntry ${DOC2} (uniqueId 1.2.42.20250102.1.2): author cl22 slot authorPerson has 2 values (^Lab^Automated^^^, ^Other^^^^), expected 1`,
    );
  });

  it('a top-level classification whose classifiedObject is not in the message', () => {
    const ctx = contextOf([
      '<rim:RegistryPackage id="Folder01">',
      '<rim:Classification id="clG" classifiedObject="Ghost01" classificationScheme="urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a" nodeRepresentation="X"/><rim:RegistryPackage id="Folder01">',
    ]);
    expect(ctx).to.equal('Classification clG (scheme urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a): classifiedObject Ghost01 is not an object in the message');
  });

  it('a top-level external identifier whose registryObject is not in the message', () => {
    const ctx = contextOf([
      '<rim:RegistryPackage id="Folder01">',
      '<rim:ExternalIdentifier id="eiG" registryObject="Ghost02" identificationScheme="urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab" value="9.9"/><rim:RegistryPackage id="Folder01">',
    ]);
    expect(ctx).to.contain('ExternalIdentifier eiG').and.contain('registryObject Ghost02').and.contain('not an object in the message');
  });

  it('a nested classification that names another object', () => {
    const ctx = contextOf(['classifiedObject="Folder01" nodeRepresentation="Cardiology"', 'classifiedObject="Document01" nodeRepresentation="Cardiology"']);
    expect(ctx).to.equal('RegistryPackage Folder01: nested Classification cl42 has classifiedObject Document01, not its parent');
  });

  it('a RegistryPackage that is neither SubmissionSet nor Folder', () => {
    const ctx = contextOf([
      '<rim:Classification id="cl40" classifiedObject="Folder01" classificationNode="urn:uuid:d9d542f3-6cc4-48b6-8870-ea235fbc94c2"/>',
      '',
    ]);
    expect(ctx).to.equal('RegistryPackage Folder01: has no SubmissionSet or Folder classification node (classificationNode none)');
  });

  it('a RegistryPackage classified as both SubmissionSet and Folder', () => {
    const ctx = contextOf(['classifiedObject="Folder01" classificationNode="urn:uuid:d9d542f3', 'classifiedObject="Folder01" classificationNode="urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd"/><rim:Classification id="clZ" classifiedObject="Folder01" classificationNode="urn:uuid:d9d542f3']);
    expect(ctx).to.contain('RegistryPackage Folder01: is classified as both SubmissionSet and Folder');
  });

  it('duplicate object ids in the message', () => {
    const ctx = contextOf(['<rim:Association id="as03"', '<rim:Association id="as02"']);
    expect(ctx).to.equal('object id as02 is used 2 times in the message (Association, Association)');
  });

  it('an unknown DocumentEntry objectType', () => {
    const ctx = contextOf(['objectType="urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1"', 'objectType="urn:uuid:00000000-0000-0000-0000-000000000000"']);
    expect(ctx).to.equal(`${DE1}: objectType urn:uuid:00000000-0000-0000-0000-000000000000 is not a DocumentEntry type (stable or on-demand)`);
  });

  it('an unknown association type', () => {
    const ctx = contextOf(['associationType="urn:ihe:iti:2007:AssociationType:RPLC"', 'associationType="urn:ihe:iti:2007:AssociationType:REPLACE"']);
    expect(ctx).to.equal('Association as06: associationType urn:ihe:iti:2007:AssociationType:REPLACE is not a known association type');
  });

  it('an unknown status', () => {
    const ctx = contextOf(['StatusType:Submitted', 'StatusType:Pending']);
    expect(ctx).to.contain(`DocumentEntry ${DOC2}`).and.contain('status urn:oasis:names:tc:ebxml-regrep:StatusType:Pending');
  });

  it('a slot sent twice on one object', () => {
    const ctx = contextOf(['<rim:Slot name="size">', '<rim:Slot name="hash"><rim:ValueList><rim:Value>x</rim:Value></rim:ValueList></rim:Slot><rim:Slot name="size">']);
    expect(ctx).to.equal(`${DE1}: slot hash appears more than once`);
  });

  it('a root that is not lcm:SubmitObjectsRequest', () => {
    const { submission, errors } = readSubmitObjectsRequest(parseXml(`<rim:RegistryObjectList xmlns:rim="${NS.rim}"/>`), 'registry');
    expect(errors).to.have.length(1);
    expect(errors[0].codeContext).to.contain(`{${NS.rim}}RegistryObjectList`);
    expect(submission.documentEntries).to.deep.equal([]);
  });

  it('uses the repository default code when the repository reads', () => {
    const el = goldenWith(['value="1.2.42.20250102.3.1"', 'value=""']);
    const { errors } = readSubmitObjectsRequest(el, 'repository');
    expect(errors.map((e) => e.errorCode)).to.deep.equal([XdsCode.RepositoryMetadataError]);
  });

  it('collects every problem in one pass instead of stopping at the first', () => {
    const el = goldenWith(
      ['value="1.2.42.20250102.3.1"', 'value=""'],
      ['<rim:Association id="as03"', '<rim:Association id="as02"'],
      ['associationType="urn:ihe:iti:2007:AssociationType:RPLC"', 'associationType="RPLC"'],
    );
    const { errors } = readSubmitObjectsRequest(el, 'registry');
    expect(errors.map((e) => e.codeContext.split(':')[0])).to.have.members(['Folder Folder01', 'object id as02 is used 2 times in the message (Association, Association)', 'Association as06']);
  });

  it('warns XDSExtraMetadataNotSaved for a classification scheme IHE does not define, and keeps the entry', () => {
    const el = goldenWith([
      '<rim:Classification id="cl40"',
      '<rim:Classification id="clU" classifiedObject="Folder01" classificationScheme="urn:uuid:11111111-2222-3333-4444-555555555555" nodeRepresentation="u"/><rim:Classification id="cl40"',
    ]);
    const { submission, errors } = readSubmitObjectsRequest(el, 'registry');
    expect(errors).to.deep.equal([
      {
        errorCode: XdsCode.ExtraMetadataNotSaved,
        codeContext: 'Folder Folder01 (uniqueId 1.2.42.20250102.3.1): classification clU with scheme urn:uuid:11111111-2222-3333-4444-555555555555 was not saved',
        severity: 'Warning',
      },
    ]);
    expect(submission.folders).to.have.length(1);
  });
});
