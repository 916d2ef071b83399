/**
 * ITI-42 end to end: the real HTTPS server with client certificates, the real SQLite store.
 * Each case asserts the exact XDS code and that a failed submission persisted nothing.
 */
import { expect } from 'chai';
import { startTestServer, postSoap, soapRequest, type TestServer } from '../support/server';
import { association, findElement, folder, newOid, newPatient, parseRegistryResponse, singleDoc } from '../support/iti42';
import { validateXml } from '../support/schema';
import { parseCx } from '../../src/metadata/hl7-types';
import { parseXml } from '../../src/soap/xml';
import { NS, SoapAction } from '../../src/ebxml/vocabulary';

describe('ITI-42 Register Document Set-b', function () {
  this.timeout(60_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.stop());

  const addPatient = async (pid = newPatient()) => {
    const key = parseCx(pid);
    if (!key) throw new Error(`bad test CX ${pid}`);
    await server.deps.stores.patients.add(key);
    return pid;
  };
  const register = async (submitXml: string) => {
    const res = await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, submitXml));
    expect(res.status, res.text).to.equal(200);
    return parseRegistryResponse(res.text);
  };
  const docsByUid = (uid: string) =>
    server.deps.stores.registry.findDocumentEntries({ uniqueIds: [uid] }, { limit: 10 });
  const expectOnly = (r: Awaited<ReturnType<typeof register>>, code: string, ...contextParts: string[]) => {
    expect(r.status, JSON.stringify(r.errors)).to.equal('Failure');
    const hit = r.errors.find((e) => e.errorCode === code);
    expect(hit, `expected ${code} in ${JSON.stringify(r.errors)}`).to.not.equal(undefined);
    for (const part of contextParts) expect(hit!.codeContext).to.contain(part);
  };

  it('registers the golden submission, assigns entryUUIDs and keeps extra slots', async () => {
    const pid = await addPatient();
    const m = singleDoc({ pid });
    const r = await register(m.xml);
    expect(r.status, JSON.stringify(r.errors)).to.equal('Success');
    expect(await validateXml(r.xml.slice(r.xml.indexOf('<rs:RegistryResponse')).replace(/<\/\w+:Body>[\s\S]*$/, ''), 'rs.xsd')).to.deep.equal([]);
    const [doc] = await docsByUid(m.docUid);
    expect(doc?.id).to.match(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(doc?.availabilityStatus).to.equal('Approved');
    expect(doc?.patientId).to.equal(pid);
    expect(doc?.extraSlots.map((s) => s.name)).to.include('urn:example:tessera:ward');
    const [ss] = await server.deps.stores.registry.findSubmissionSets({ uniqueIds: [m.ssUid] }, { limit: 10 });
    const links = await server.deps.stores.registry.findAssociations({ sourceIds: [ss!.id] }, { limit: 10 });
    expect(links.map((a) => a.targetId)).to.deep.equal([doc!.id]);
  });

  it('rejects an unknown patient with XDSUnknownPatientId and stores nothing', async () => {
    const pid = newPatient();
    const m = singleDoc({ pid });
    expectOnly(await register(m.xml), 'XDSUnknownPatientId', pid.split('^')[0]!);
    expect(await docsByUid(m.docUid)).to.have.length(0);
  });

  it('rejects a patient merged into another one', async () => {
    const from = await addPatient();
    const into = await addPatient();
    await server.deps.stores.patients.merge(parseCx(from)!, parseCx(into)!);
    expectOnly(await register(singleDoc({ pid: from }).xml), 'XDSUnknownPatientId', 'merged');
  });

  it('answers a replayed identical submission with Success and registers it once', async () => {
    const pid = await addPatient();
    const m = singleDoc({ pid });
    expect((await register(m.xml)).status).to.equal('Success');
    expect((await register(m.xml)).status).to.equal('Success');
    expect(await docsByUid(m.docUid)).to.have.length(1);
  });

  it('rejects different content under a registered SubmissionSet uniqueId', async () => {
    const pid = await addPatient();
    const first = singleDoc({ pid });
    await register(first.xml);
    const second = singleDoc({ pid, ssUid: first.ssUid });
    expectOnly(await register(second.xml), 'XDSDuplicateUniqueIdInRegistry', first.ssUid);
    expect(await docsByUid(second.docUid)).to.have.length(0);
  });

  it('accepts the same document uniqueId with identical hash and size, rejects a different hash or size', async () => {
    const pid = await addPatient();
    const first = singleDoc({ pid });
    await register(first.xml);
    expect((await register(singleDoc({ pid, docUid: first.docUid }).xml)).status).to.equal('Success');
    expect(await docsByUid(first.docUid)).to.have.length(2);
    const otherHash = singleDoc({ pid, docUid: first.docUid, hash: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' });
    expectOnly(await register(otherHash.xml), 'XDSNonIdenticalHash', first.docUid);
    const otherSize = singleDoc({ pid, docUid: first.docUid, size: '2048' });
    expectOnly(await register(otherSize.xml), 'XDSNonIdenticalSize', first.docUid, '2048');
    expect(await docsByUid(first.docUid)).to.have.length(2);
  });

  it('rejects a pre-assigned entryUUID that is already registered', async () => {
    const pid = await addPatient();
    const uuid = 'urn:uuid:4e0a8c2e-9d7f-4b4e-8a7c-1f2e3d4c5b6a'.replace('1f2e', Math.floor(Math.random() * 0xffff).toString(16).padStart(4, '0'));
    expect((await register(singleDoc({ pid, ids: { doc: uuid } }).xml)).status).to.equal('Success');
    expectOnly(await register(singleDoc({ pid, ids: { doc: uuid } }).xml), 'XDSRegistryMetadataError', uuid);
  });

  describe('lifecycle', () => {
    const registerOriginal = async (pid: string) => {
      const m = singleDoc({ pid });
      expect((await register(m.xml)).status).to.equal('Success');
      const [doc] = await docsByUid(m.docUid);
      return doc!;
    };
    const relate = (pid: string, type: 'RPLC' | 'APND' | 'XFRM' | 'XFRM_RPLC', target: string) =>
      singleDoc({ pid, extra: association({ id: 'rel-01', type, source: 'Document01', target }) });

    it('RPLC deprecates the original and cascades to its APND and XFRM children', async () => {
      const pid = await addPatient();
      const original = await registerOriginal(pid);
      const apnd = relate(pid, 'APND', original.id);
      expect((await register(apnd.xml)).status).to.equal('Success');
      const xfrm = relate(pid, 'XFRM', original.id);
      expect((await register(xfrm.xml)).status).to.equal('Success');
      const rplc = relate(pid, 'RPLC', original.id);
      const r = await register(rplc.xml);
      expect(r.status, JSON.stringify(r.errors)).to.equal('Success');
      const [orig] = await server.deps.stores.registry.getByIds([original.id]);
      expect(orig?.availabilityStatus).to.equal('Deprecated');
      expect((await docsByUid(apnd.docUid))[0]?.availabilityStatus).to.equal('Deprecated');
      expect((await docsByUid(xfrm.docUid))[0]?.availabilityStatus).to.equal('Deprecated');
      expect((await docsByUid(rplc.docUid))[0]?.availabilityStatus).to.equal('Approved');
    });

    for (const type of ['APND', 'XFRM', 'RPLC', 'XFRM_RPLC'] as const) {
      it(`${type} to a Deprecated document fails with XDSRegistryDeprecatedDocumentError`, async () => {
        const pid = await addPatient();
        const original = await registerOriginal(pid);
        expect((await register(relate(pid, 'RPLC', original.id).xml)).status).to.equal('Success');
        const late = relate(pid, type, original.id);
        expectOnly(await register(late.xml), 'XDSRegistryDeprecatedDocumentError', original.id);
        expect(await docsByUid(late.docUid)).to.have.length(0);
      });
    }

    it('RPLC across patients fails with XDSPatientIdDoesNotMatch and leaves the original Approved', async () => {
      const pid = await addPatient();
      const other = await addPatient();
      const original = await registerOriginal(pid);
      expectOnly(await register(relate(other, 'RPLC', original.id).xml), 'XDSPatientIdDoesNotMatch', original.id);
      const [orig] = await server.deps.stores.registry.getByIds([original.id]);
      expect(orig?.availabilityStatus).to.equal('Approved');
    });

    it('a replacement joins the folders of the original and the folder lastUpdateTime moves', async () => {
      const pid = await addPatient();
      const folUid = newOid();
      const m = singleDoc({
        pid,
        extra:
          folder({ id: 'Folder01', uid: folUid, pid, lastUpdateTime: '19990101000000' }) +
          association({ id: 'as-f', type: 'HasMember', source: 'SubmissionSet01', target: 'Folder01' }) +
          association({ id: 'as-fd', type: 'HasMember', source: 'Folder01', target: 'Document01' }) +
          association({ id: 'as-sfd', type: 'HasMember', source: 'SubmissionSet01', target: 'as-fd' }),
      });
      const r = await register(m.xml);
      expect(r.status, JSON.stringify(r.errors)).to.equal('Success');
      const [fol] = await server.deps.stores.registry.findFolders({ uniqueIds: [folUid] }, { limit: 2 });
      expect(fol?.lastUpdateTime, 'registry overrides a submitted lastUpdateTime').to.not.equal('19990101000000');
      const [original] = await docsByUid(m.docUid);
      await new Promise((res) => setTimeout(res, 1100)); // DTM has second precision
      const rplc = relate(pid, 'RPLC', original!.id);
      expect((await register(rplc.xml)).status).to.equal('Success');
      const [replacement] = await docsByUid(rplc.docUid);
      const members = await server.deps.stores.registry.findAssociations({ sourceIds: [fol!.id], types: ['HasMember'] }, { limit: 10 });
      expect(members.map((a) => a.targetId)).to.include(replacement!.id);
      const [after] = await server.deps.stores.registry.findFolders({ uniqueIds: [folUid] }, { limit: 2 });
      expect(Number(after!.lastUpdateTime)).to.be.greaterThan(Number(fol!.lastUpdateTime));
    });

    it('adding a document of another patient to an existing folder fails with XDSPatientIdDoesNotMatch', async () => {
      const pid = await addPatient();
      const other = await addPatient();
      const folUid = newOid();
      const created = singleDoc({
        pid,
        extra: folder({ id: 'Folder01', uid: folUid, pid }) + association({ id: 'as-f', type: 'HasMember', source: 'SubmissionSet01', target: 'Folder01' }),
      });
      expect((await register(created.xml)).status).to.equal('Success');
      const [fol] = await server.deps.stores.registry.findFolders({ uniqueIds: [folUid] }, { limit: 2 });
      const add = singleDoc({
        pid: other,
        extra:
          association({ id: 'as-fd', type: 'HasMember', source: fol!.id, target: 'Document01' }) +
          association({ id: 'as-sfd', type: 'HasMember', source: 'SubmissionSet01', target: 'as-fd' }),
      });
      expectOnly(await register(add.xml), 'XDSPatientIdDoesNotMatch', fol!.id);
      expect(await docsByUid(add.docUid)).to.have.length(0);
    });
  });

  it('lets exactly one of ten concurrent submissions with one SubmissionSet uniqueId win', async () => {
    const pid = await addPatient();
    const ssUid = newOid();
    const replies = await Promise.all(Array.from({ length: 10 }, () => register(singleDoc({ pid, ssUid }).xml)));
    expect(replies.filter((r) => r.status === 'Success')).to.have.length(1);
    for (const r of replies.filter((x) => x.status !== 'Success')) {
      expect(r.errors.map((e) => e.errorCode)).to.include('XDSDuplicateUniqueIdInRegistry');
    }
  });

  it('reports several problems of one submission at once', async () => {
    const pid = await addPatient();
    const m = singleDoc({ pid });
    const broken = m.xml
      .replace('<rim:Value>20240512083000</rim:Value>', '<rim:Value>2024-05-12</rim:Value>')
      .replace('da39a3ee5e6b4b0d3255bfef95601890afd80709', 'not-a-sha1')
      .replace(/<rim:Value>1024<\/rim:Value>/, '<rim:Value>ten</rim:Value>');
    const r = await register(broken);
    expect(r.status).to.equal('Failure');
    expect(r.errors.length).to.be.greaterThanOrEqual(3);
    expect(r.errors.map((e) => e.codeContext).join('\n')).to.contain('creationTime').and.contain('hash').and.contain('size');
  });

  it('answers a body that is not a SubmitObjectsRequest with a SOAP Sender fault', async () => {
    const res = await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, '<foo xmlns="urn:example"/>'));
    expect(res.status).to.equal(400);
    const env = parseXml(res.text);
    expect(findElement(env, NS.soap12, 'Fault')).to.not.equal(undefined);
  });
});
