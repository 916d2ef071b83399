import { expect } from 'chai';
import { NS, DocumentEntryScheme, SubmissionSetScheme, FolderScheme } from '../../src/ebxml/vocabulary';
import { parseTree, serialize, findAll } from '../../src/conformance/xml-tree';
import { substituteText, substituteTree, builtins, dtm } from '../../src/conformance/substitute';
import { stampPatientId, stampUniqueIds, stampSourceId, assignUuids } from '../../src/conformance/stamp';
import { RunLog, newRecord, resolveTestdir, resolveUseId, resolveUseReport, LinkError } from '../../src/conformance/run-log';
import { rewriteRawBody, parseHeaderLines } from '../../src/conformance/raw-body';
import { splitMultipart } from '../../src/conformance/http-client';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const PNRXOP = join(__dirname, '../../../shared/conformance/nist/PnrXop');

describe('conformance: placeholders', () => {
  it('replaces $name$ tokens in text and attributes but not in UseId/UseReport/Report or xdsb:Document', () => {
    const t = parseTree(
      `<r a="x$uid$y"><v>$uid$ and $uid$</v><UseId symbol="$uid$"/><Report>$uid$</Report><x:Document xmlns:x="${NS.xdsb}">$uid$</x:Document></r>`,
    );
    substituteTree(t, [['$uid$', '1.2']]);
    expect(t.attrs.a).to.equal('x1.2y');
    expect(t.children[0].text).to.equal('1.2 and 1.2');
    expect(t.children[1].attrs.symbol).to.equal('$uid$');
    expect(t.children[2].text).to.equal('$uid$');
    expect(t.children[3].text).to.equal('$uid$');
  });

  it('leaves stored-query parameter names alone (they have no closing $)', () => {
    const q = `<Slot name="$XDSDocumentEntryPatientId"><Value>'$patientid$'</Value></Slot>`;
    expect(substituteText(q, [['$patientid$', 'P^^^&1.2&ISO']])).to.equal(`<Slot name="$XDSDocumentEntryPatientId"><Value>'P^^^&1.2&ISO'</Value></Slot>`);
  });

  it('builds $now$, $lastyear$ and $DATE$', () => {
    const now = new Date(2026, 0, 2, 3, 4, 5);
    const map = new Map(builtins(now));
    expect(map.get('$now$')).to.equal('20260102030405');
    expect(map.get('$lastyear$')).to.equal('20250102030405');
    expect(map.get('$DATE$')).to.match(/^\d{8}$/);
    expect(dtm(now)).to.have.length(14);
  });
});

const SUBMISSION = `<lcm:SubmitObjectsRequest xmlns:lcm="${NS.lcm}" xmlns:rim="${NS.rim}"><rim:RegistryObjectList>
  <rim:ExtrinsicObject id="Document01">
    <rim:ExternalIdentifier id="e1" registryObject="Document01" identificationScheme="${DocumentEntryScheme.patientId}" value="old"/>
    <rim:ExternalIdentifier id="e2" registryObject="Document01" identificationScheme="${DocumentEntryScheme.uniqueId}" value="Document01"/>
  </rim:ExtrinsicObject>
  <rim:RegistryPackage id="SubmissionSet01">
    <rim:ExternalIdentifier id="e3" registryObject="SubmissionSet01" identificationScheme="${SubmissionSetScheme.patientId}" value="old"/>
    <rim:ExternalIdentifier id="e4" registryObject="SubmissionSet01" identificationScheme="${SubmissionSetScheme.uniqueId}" value="SubmissionSet01"/>
    <rim:ExternalIdentifier id="e5" registryObject="SubmissionSet01" identificationScheme="${SubmissionSetScheme.sourceId}" value="9.9"/>
  </rim:RegistryPackage>
  <rim:RegistryPackage id="Folder">
    <rim:ExternalIdentifier id="e6" registryObject="Folder" identificationScheme="${FolderScheme.uniqueId}" value="Folder"/>
  </rim:RegistryPackage>
  <rim:Association id="a1" sourceObject="SubmissionSet01" targetObject="Document01" associationType="x"/>
  <rim:Association id="urn:uuid:11111111-1111-1111-1111-111111111111" sourceObject="SubmissionSet01" targetObject="urn:uuid:22222222-2222-2222-2222-222222222222" associationType="x"/>
</rim:RegistryObjectList></lcm:SubmitObjectsRequest>`;

const values = (root: ReturnType<typeof parseTree>, scheme: string) =>
  findAll(root, 'ExternalIdentifier').filter((e) => e.attrs.identificationScheme === scheme).map((e) => e.attrs.value);

describe('conformance: stamping the submission', () => {
  it('overwrites every patientId and logs object id → value', () => {
    const t = parseTree(SUBMISSION);
    expect(stampPatientId(t, 'P1^^^&1.2&ISO')).to.deep.equal({ Document01: 'P1^^^&1.2&ISO', SubmissionSet01: 'P1^^^&1.2&ISO' });
    expect(values(t, DocumentEntryScheme.patientId)).to.deep.equal(['P1^^^&1.2&ISO']);
  });

  it('gives every uniqueId a fresh value, except the spared objects and excluded schemes', () => {
    let n = 0;
    const uid = () => `1.2.3.${++n}`;
    const t = parseTree(SUBMISSION);
    expect(stampUniqueIds(t, uid)).to.deep.equal({ Document01: '1.2.3.1', SubmissionSet01: '1.2.3.2', Folder: '1.2.3.3' });
    const t2 = parseTree(SUBMISSION);
    const done = stampUniqueIds(t2, uid, { spare: new Set(['Document01']), excludeSchemes: new Set([FolderScheme.uniqueId]) });
    expect(done).to.deep.equal({ Document01: 'Document01', SubmissionSet01: '1.2.3.4', Folder: 'Folder' });
    expect(stampUniqueIds(parseTree(SUBMISSION), uid, { spareAll: true }).SubmissionSet01).to.equal('SubmissionSet01');
  });

  it('stamps the sourceId', () => {
    const t = parseTree(SUBMISSION);
    expect(stampSourceId(t, '1.3.6.1.4.1.21367.4')).to.deep.equal({ SubmissionSet01: '1.3.6.1.4.1.21367.4' });
  });

  it('AssignUuids turns symbolic ids into urn:uuids and follows every reference, leaving urn:uuid ids', () => {
    let n = 0;
    const t = parseTree(SUBMISSION);
    const doc = parseTree(`<x:Document xmlns:x="${NS.xdsb}" id="Document01"/>`);
    t.children.push(doc);
    const map = assignUuids(t, () => `urn:uuid:00000000-0000-0000-0000-00000000000${++n}`);
    expect(Object.keys(map)).to.include.members(['Document01', 'SubmissionSet01', 'Folder', 'a1', 'e1']);
    const xml = serialize(t);
    expect(xml).to.not.match(/(id|Object)="(Document01|SubmissionSet01|Folder|a1)"/);
    const assoc = findAll(t, 'Association');
    expect(assoc[0].attrs.sourceObject).to.equal(map.SubmissionSet01);
    expect(assoc[0].attrs.targetObject).to.equal(map.Document01);
    expect(assoc[1].attrs.id).to.equal('urn:uuid:11111111-1111-1111-1111-111111111111');
    expect(findAll(t, 'ExternalIdentifier')[0].attrs.registryObject).to.equal(map.Document01);
    expect(doc.attrs.id).to.equal(map.Document01);
  });
});

describe('conformance: UseId / UseReport resolution', () => {
  const log = new RunLog();
  const submit = newRecord('T1', 'submit', 'submit', 'RegisterTransaction');
  submit.assigned.AssignedUids.Document01 = '1.2.42';
  submit.assigned.AssignedUuids.Document01 = 'urn:uuid:abc';
  submit.reports.ssuid = '1.2.43';
  log.put(submit);
  const other = newRecord('12346', 'single_doc', 'submit_doc', 'RegisterTransaction');
  other.assigned.AssignedPatientId.Document01 = 'P^^^&1.2&ISO';
  log.put(other);
  const here = { testId: 'T1', section: 'eval' };

  it('resolves testdir like the toolkit (relative to the section folder)', () => {
    expect(resolveTestdir('T1', 'eval', '../submit')).to.deep.equal({ testId: 'T1', section: 'submit' });
    expect(resolveTestdir('T1', 'eval', '../../12346/single_doc')).to.deep.equal({ testId: '12346', section: 'single_doc' });
    expect(resolveTestdir('T1', 'eval', '')).to.deep.equal({ testId: 'T1', section: 'eval' });
    expect(resolveTestdir('T1', 'eval', 'submit')).to.deep.equal({ testId: 'T1', section: 'submit' }); // 12021 quirk
  });

  it('UseId reads the assignment blocks of earlier steps, or a literal value', () => {
    expect(resolveUseId(log, here, { testdir: '../submit', step: 'submit', section: 'AssignedUids', id: 'Document01', symbol: '$x$' })).to.equal('1.2.42');
    expect(resolveUseId(log, here, { testdir: '../submit', step: 'submit', section: 'AssignedUuids', id: 'Document01' })).to.equal('urn:uuid:abc');
    expect(resolveUseId(log, here, { testdir: '../../12346/single_doc', step: 'submit_doc', section: 'AssignedPatientId', id: 'Document01' })).to.equal('P^^^&1.2&ISO');
    expect(resolveUseId(log, here, { symbol: '$x$', value: 'lit' })).to.equal('lit');
    expect(() => resolveUseId(log, here, { testdir: '../submit', step: 'nope', section: 'AssignedUids', id: 'Document01' })).to.throw(LinkError);
    expect(() => resolveUseId(log, here, { testdir: '../submit', step: 'submit', section: 'AssignedUids', id: 'Nope' })).to.throw(/has no Nope/);
  });

  it('UseReport reads reports of this or another test; section THIS is the current one', () => {
    expect(resolveUseReport(log, here, { reportName: 'ssuid', section: 'submit', step: 'submit' })).to.equal('1.2.43');
    const self = newRecord('T1', 'eval', 'q', 'StoredQueryTransaction');
    self.reports.repuid = '1.9';
    log.put(self);
    expect(resolveUseReport(log, here, { reportName: 'repuid', section: 'THIS', step: 'q' })).to.equal('1.9');
    expect(() => resolveUseReport(log, here, { reportName: 'missing', test: 'T1', section: 'submit', step: 'submit' })).to.throw(/no report missing/);
  });
});

describe('conformance: raw HTTP bodies (PnrXop)', () => {
  it('rewrites patient and uniqueIds of ExternalIdentifiers only, consistently, and frames with CRLF', () => {
    const body = [
      '--b',
      'Content-Type: application/xop+xml',
      '',
      `<rim:ExternalIdentifier identificationScheme="${DocumentEntryScheme.patientId}" value="SR7^^^&amp;1.2.260&amp;ISO" id="a"/>`,
      `<rim:ExternalIdentifier value="1.42.1" identificationScheme="${DocumentEntryScheme.uniqueId}"/>`,
      `<rim:ExternalIdentifier value="9.9" identificationScheme="${SubmissionSetScheme.sourceId}"/>`,
      '<Value>1.42.1</Value>',
      '--b--',
      '',
    ].join('\n');
    const r = rewriteRawBody(body, 'NEW^^^&1.3&ISO', () => '2.25.7');
    const text = r.body.toString();
    expect(text).to.include('value="NEW^^^&amp;1.3&amp;ISO"');
    expect(text).to.include('value="2.25.7"');
    expect(text).to.include('value="9.9"');
    expect(text).to.include('<Value>1.42.1</Value>');
    expect(r.uniqueIds).to.deep.equal({ '1.42.1': '2.25.7' });
    expect(text.split('\r\n')).to.have.length(9);
    expect(/[^\r]\n/.test(text)).to.equal(false);
  });

  it('parses header lines', () => {
    expect(parseHeaderLines('\n  Content-Type: multipart/related; boundary="x"\n  X-A: 1 \n')).to.deep.equal({ 'Content-Type': 'multipart/related; boundary="x"', 'X-A': '1' });
  });

  for (const section of ['Xop', 'NoXop', 'encodedURL', 'dicom']) {
    (existsSync(PNRXOP) ? it : it.skip)(`PnrXop/${section}: the rewritten body is still a readable MTOM package for the run's patient`, () => {
      const plan = readFileSync(join(PNRXOP, section, 'testplan.xml'), 'utf8');
      const headers = parseHeaderLines(/<Headers>([\s\S]*?)<\/Headers>/.exec(plan)?.[1] ?? '');
      let n = 0;
      const r = rewriteRawBody(readFileSync(join(PNRXOP, section, 'body.txt'), 'utf8'), 'RUN1^^^&1.3.6.1.4.1.21367.13.20.1000&ISO', () => `2.25.${++n}`);
      const { root, parts } = splitMultipart(headers['Content-Type'], r.body);
      const env = parseTree(root.toString('utf8'));
      const patients = values(env, DocumentEntryScheme.patientId).concat(values(env, SubmissionSetScheme.patientId));
      expect(patients).to.have.length.greaterThan(0);
      expect(new Set(patients)).to.deep.equal(new Set(['RUN1^^^&1.3.6.1.4.1.21367.13.20.1000&ISO']));
      expect(values(env, DocumentEntryScheme.uniqueId)[0]).to.match(/^2\.25\.\d+$/);
      expect(Object.keys(r.uniqueIds)).to.have.length(2);
      expect(parts.size).to.be.at.least(1);
    });
  }
});
