import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { NS, ResponseStatus, ErrorSeverity, ClassificationNode, SubmissionSetScheme, FolderScheme, DocumentEntryScheme } from '../../src/ebxml/vocabulary';
import { parseTree } from '../../src/conformance/xml-tree';
import { checkStatus, checkContents, queryContents } from '../../src/conformance/checks';
import { checkRetrieve, referenceEntries, retrievedDocuments } from '../../src/conformance/retrieve-check';
import { reportValue, assertTrue } from '../../src/conformance/xpath-eval';
import { newRecord } from '../../src/conformance/run-log';

const rr = (status: string, errors: Array<[string, string, string]> = []) =>
  parseTree(
    `<rs:RegistryResponse xmlns:rs="${NS.rs}" status="${status}">` +
      (errors.length ? `<rs:RegistryErrorList>${errors.map(([c, ctx, sev]) => `<rs:RegistryError errorCode="${c}" codeContext="${ctx}" severity="${sev}"/>`).join('')}</rs:RegistryErrorList>` : '') +
      `</rs:RegistryResponse>`,
  );

describe('conformance: status and error checks', () => {
  it('Success passes with warnings but not with an Error-severity RegistryError', () => {
    expect(checkStatus(rr(ResponseStatus.Success, [['XDSExtraMetadataNotSaved', 'x', ErrorSeverity.Warning]]), ['Success'], [], [])).to.deep.equal([]);
    const p = checkStatus(rr(ResponseStatus.Success, [['XDSRegistryError', 'boom', ErrorSeverity.Error]]), ['Success'], [], []);
    expect(p.map((x) => x.what)).to.deep.equal(['errors']);
  });

  it('compares the status with its namespace prefix (PartialSuccess is urn:ihe)', () => {
    expect(checkStatus(rr(ResponseStatus.PartialSuccess), ['PartialSuccess'], [], [])).to.deep.equal([]);
    expect(checkStatus(rr('urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:PartialSuccess'), ['PartialSuccess'], [], [])).to.have.length(1);
    expect(checkStatus(rr('Success'), ['Success'], [], [])[0].what).to.equal('status');
    expect(checkStatus(rr(ResponseStatus.Failure, [['X', 'y', ErrorSeverity.Error]]), ['Success', 'Failure'], [], [])).to.deep.equal([]);
  });

  it('ExpectedErrorCode needs an exact errorCode; ExpectedErrorMessage a substring of an Error code or context', () => {
    const failure = rr(ResponseStatus.Failure, [['XDSRegistryMetadataError', 'patient: XDSPatientIdDoesNotMatch', ErrorSeverity.Error]]);
    expect(checkStatus(failure, ['Failure'], ['XDSRegistryMetadataError'], ['XDSPatientIdDoesNotMatch'])).to.deep.equal([]);
    const p = checkStatus(failure, ['Failure'], ['XDSPatientIdDoesNotMatch'], ['XDSUnknownPatientId']);
    expect(p.map((x) => x.what)).to.deep.equal(['errorCode', 'errorMessage']);
    expect(p[0].got).to.include('XDSRegistryMetadataError');
    const warnOnly = rr(ResponseStatus.Failure, [['XDSUnknownPatientId', '', ErrorSeverity.Warning]]);
    expect(checkStatus(warnOnly, ['Failure'], [], ['XDSUnknownPatientId'])).to.have.length(1);
  });
});

const APPROVED = 'urn:oasis:names:tc:ebxml-regrep:StatusType:Approved';
const DEPRECATED = 'urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated';
const doc = (id: string, status = APPROVED) => `<rim:ExtrinsicObject id="${id}" status="${status}" objectType="urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1"/>`;
const ss = (id: string, status = APPROVED) => `<rim:RegistryPackage id="${id}" status="${status}"><rim:Classification classifiedObject="${id}" classificationNode="${ClassificationNode.submissionSet}"/></rim:RegistryPackage>`;
const fol = (id: string) => `<rim:RegistryPackage id="${id}" status="${APPROVED}"><rim:ExternalIdentifier identificationScheme="${FolderScheme.uniqueId}" value="1"/></rim:RegistryPackage>`;
const ssByEi = (id: string) => `<rim:RegistryPackage id="${id}"><rim:ExternalIdentifier identificationScheme="${SubmissionSetScheme.uniqueId}" value="1"/></rim:RegistryPackage>`;
const assoc = (id: string, s: string, t: string, type = 'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember') => `<rim:Association id="${id}" sourceObject="${s}" targetObject="${t}" associationType="${type}"/>`;
const response = (...objects: string[]) =>
  parseTree(`<query:AdhocQueryResponse xmlns:query="${NS.query}" xmlns:rim="${NS.rim}" status="${ResponseStatus.Success}"><rim:RegistryObjectList>${objects.join('')}</rim:RegistryObjectList></query:AdhocQueryResponse>`);
const expected = (inner: string) => parseTree(`<ExpectedContents>${inner}</ExpectedContents>`);
const run = (body: ReturnType<typeof response>, inner: string, must: Array<{ id: string; objectType: string }> = []) => checkContents(body, expected(inner), must);

describe('conformance: ExpectedContents checks', () => {
  const ssOneDoc = response(ss('ss'), doc('d'), assoc('a', 'ss', 'd'));

  it('sorts packages into SubmissionSets and Folders (nested or top-level classification, or uniqueId scheme)', () => {
    const top = `<rim:Classification classifiedObject="p" classificationNode="${ClassificationNode.folder}"/>`;
    const q = queryContents(response(ss('s1'), ssByEi('s2'), fol('f1'), `<rim:RegistryPackage id="p"/>`, top, `<rim:ObjectRef id="x"/>`));
    expect([q.submissionSets.length, q.folders.length, q.objectRefs.length]).to.deep.equal([2, 2, 1]);
  });

  it('counts: Documents, Folders, SubmissionSets, Associations, ObjectRefs, None', () => {
    expect(run(ssOneDoc, '<Documents count="1"/><SubmissionSets count="1"/><Associations count="1"/><Folders count="0"/>')).to.deep.equal([]);
    expect(run(ssOneDoc, '<Documents count="2"/>')[0]).to.include({ what: 'ExpectedContents/Documents', expected: '2 DocumentEntries' });
    expect(run(response(`<rim:ObjectRef id="a"/>`, `<rim:ObjectRef id="b"/>`), '<ObjectRefs count="2"/><None/>')).to.deep.equal([]);
    expect(run(response(`<rim:ObjectRef id="a"/>`, doc('d')), '<ObjectRefs count="1"/>')).to.have.length(1);
    expect(run(ssOneDoc, '<None/>')).to.have.length(1);
  });

  it('SSwithOneDoc / SSwithTwoDoc / SSApproved', () => {
    expect(run(ssOneDoc, '<SSwithOneDoc/><SSApproved/>')).to.deep.equal([]);
    expect(run(response(ss('ss'), doc('d'), assoc('a', 'd', 'ss')), '<SSwithOneDoc/>')).to.have.length(1); // wrong direction
    expect(run(response(ss('ss', 'Submitted'), doc('d'), assoc('a', 'ss', 'd')), '<SSwithOneDoc/>')).to.have.length(1);
    expect(run(response(ss('ss'), doc('d1'), doc('d2'), assoc('a', 'ss', 'd1'), assoc('b', 'ss', 'd2')), '<SSwithTwoDoc/>')).to.deep.equal([]);
    expect(run(ssOneDoc, '<SSwithTwoDoc/>')).to.have.length(1);
    expect(run(response(ss('ss', DEPRECATED)), '<SSApproved/>')).to.have.length(1);
  });

  it('SSwithOneFol / SSwithOneDocOneFol / SSwithTwoDocOneFol', () => {
    expect(run(response(ss('ss'), fol('f'), assoc('a', 'ss', 'f')), '<SSwithOneFol/>')).to.deep.equal([]);
    const oneDocOneFol = [ss('ss'), doc('d'), fol('f'), assoc('a1', 'ss', 'd'), assoc('a2', 'ss', 'f'), assoc('a3', 'f', 'd'), assoc('a4', 'ss', 'a3')];
    expect(run(response(...oneDocOneFol), '<SSwithOneDocOneFol/>')).to.deep.equal([]);
    expect(run(response(...oneDocOneFol.slice(0, 6), assoc('a4', 'ss', 'a1')), '<SSwithOneDocOneFol/>')).to.have.length(1);
    const two = [ss('ss'), doc('d1'), doc('d2'), fol('f'), ...['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((x) => assoc(x, 'ss', 'd1'))];
    expect(run(response(...two), '<SSwithTwoDocOneFol/>')).to.deep.equal([]);
    expect(run(response(...two.slice(0, -1)), '<SSwithTwoDocOneFol/>')).to.have.length(1);
  });

  it('DocApp / DocDep / HasXFRM_RPLC', () => {
    expect(run(response(doc('a'), doc('b')), '<DocApp/>')).to.deep.equal([]);
    expect(run(response(doc('a'), doc('b', DEPRECATED)), '<DocApp/>')).to.have.length(1);
    expect(run(response(doc('a', DEPRECATED)), '<DocDep/>')).to.deep.equal([]);
    const x = (id: string, t: string) => assoc(id, 'n', t, 'urn:ihe:iti:2007:AssociationType:XFRM_RPLC');
    expect(run(response(x('1', 'o')), '<HasXFRM_RPLC/>')).to.deep.equal([]);
    expect(run(response(x('1', 'o'), x('2', 'o')), '<HasXFRM_RPLC/>')).to.have.length(1);
    expect(run(response(doc('a')), '<HasXFRM_RPLC/>')).to.have.length(1);
  });

  it('DocumentEntries/MustOnlyInclude compares ids and objectTypes exactly', () => {
    const inner = '<DocumentEntries><MustOnlyInclude><DocumentEntry/></MustOnlyInclude></DocumentEntries>';
    const t = 'urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1';
    expect(run(response(doc('d')), inner, [{ id: 'd', objectType: t }])).to.deep.equal([]);
    expect(run(response(doc('d'), doc('e')), inner, [{ id: 'd', objectType: t }])).to.have.length(1);
    expect(run(response(doc('d')), inner, [{ id: 'd', objectType: 'urn:uuid:other' }])).to.have.length(1);
  });

  it('an unknown check fails loudly instead of passing', () => {
    expect(run(ssOneDoc, '<SomethingNew/>')[0].expected).to.match(/not implemented/);
  });
});

describe('conformance: retrieve checks', () => {
  const bytes = Buffer.from('hello');
  const sha1 = createHash('sha1').update(bytes).digest('hex');
  const query = parseTree(
    `<q:AdhocQueryResponse xmlns:q="${NS.query}" xmlns:rim="${NS.rim}"><rim:RegistryObjectList><rim:ExtrinsicObject id="x" mimeType="text/goofy">` +
      `<rim:Slot name="hash"><rim:ValueList><rim:Value>${sha1.toUpperCase()}</rim:Value></rim:ValueList></rim:Slot>` +
      `<rim:Slot name="size"><rim:ValueList><rim:Value>5</rim:Value></rim:ValueList></rim:Slot>` +
      `<rim:ExternalIdentifier identificationScheme="${DocumentEntryScheme.uniqueId}" value="1.2.3"/></rim:ExtrinsicObject></rim:RegistryObjectList></q:AdhocQueryResponse>`,
  );
  const reply = (mime: string, href = 'cid:a%40b') =>
    parseTree(
      `<x:RetrieveDocumentSetResponse xmlns:x="${NS.xdsb}"><x:DocumentResponse><x:RepositoryUniqueId>9.9</x:RepositoryUniqueId><x:DocumentUniqueId>1.2.3</x:DocumentUniqueId>` +
        `<x:mimeType>${mime}</x:mimeType><x:Document><xop:Include xmlns:xop="${NS.xop}" href="${href}"/></x:Document></x:DocumentResponse></x:RetrieveDocumentSetResponse>`,
    );
  const parts = new Map([['a@b', bytes]]);
  const requested = [{ repositoryUniqueId: '9.9', documentUniqueId: '1.2.3' }];

  it('passes when document, repository, mimeType, hash, size and bytes match', () => {
    const docs = retrievedDocuments(reply('text/goofy'), parts);
    expect(docs[0].bytes.toString()).to.equal('hello');
    expect(checkRetrieve(requested, docs, referenceEntries(query), () => bytes)).to.deep.equal([]);
  });

  it('names each difference', () => {
    const docs = retrievedDocuments(reply('text/plain'), parts);
    const p = checkRetrieve([{ repositoryUniqueId: '1.1', documentUniqueId: '1.2.3' }, { repositoryUniqueId: '9.9', documentUniqueId: '7.7' }], docs, referenceEntries(query), () => Buffer.from('other'));
    expect(p.map((x) => x.what)).to.deep.equal(['document 1.2.3 RepositoryUniqueId', 'document 1.2.3 mimeType', 'document 1.2.3 bytes', 'document 7.7']);
    const empty = retrievedDocuments(reply('text/goofy', 'cid:missing'), parts);
    expect(checkRetrieve(requested, empty, undefined, () => undefined).map((x) => x.what)).to.deep.equal(['document 1.2.3 content']);
  });
});

describe('conformance: Report and Assertions XPath over the step log', () => {
  const rec = newRecord('T', 's', 'q', 'StoredQueryTransaction');
  rec.input = `<a:In xmlns:a="urn:x"><a:Id value="v1"/></a:In>`;
  rec.result = `<?xml version="1.0"?><r:Res xmlns:r="urn:y"><r:Slot name="lastUpdateTime"><r:V>20260102030405</r:V></r:Slot></r:Res>`;

  it('Report takes the string value over InputMetadata or Result', () => {
    expect(reportValue(rec, 'InputMetadata', `//*[local-name()='Id']/@value`)).to.equal('v1');
    expect(reportValue(rec, 'Result', `\n  //*[local-name()='Slot'][@name='lastUpdateTime']/*[local-name()='V']  `)).to.equal('20260102030405');
    expect(reportValue(rec, 'Result', `//*[local-name()='Nope']`)).to.equal('');
  });

  it('Assertions are boolean XPath over //TestStep[@id]/<Transaction>/Result', () => {
    expect(assertTrue([rec], `substring(//TestStep[@id="q"]/StoredQueryTransaction/Result//*[local-name()='V'],1,8) = "20260102"`)).to.equal(true);
    expect(assertTrue([rec], `'20260101' != '20260101'`)).to.equal(false);
    expect(assertTrue([rec], `'20260101000000' < '20260102000000'`)).to.equal(true);
  });
});
