/**
 * GetDocuments with the Metadata Update parameters, through the real HTTPS server after an ITI-42 registration:
 * $XDSDocumentEntryLogicalID (a list; without ITI-57 every entry's logicalId is its entryUUID, version 1) and
 * $MetadataLevel (1 or 2; anything else is a malformed value). Also checks that the LeafClass text the server
 * answers from the stored ebRIM is the fresh serialisation of the stored model. Every body validates against
 * query.xsd.
 */
import { expect } from 'chai';
import { SoapAction } from '../../src/ebxml/vocabulary';
import { writeRegistryObject } from '../../src/ebxml/write-registry-object';
import { parseCx } from '../../src/metadata/hl7-types';
import { storedEbrimOf } from '../../src/registry/ports';
import { newPatient, singleDoc } from '../support/iti42';
import { validateXmlMany } from '../support/schema';
import { postSoap, soapRequest, startTestServer, type TestServer } from '../support/server';
import { adhocQueryXml, APPROVED, list, quote, type SlotSpec } from './stored-queries/request';

const FIND_DOCUMENTS = 'urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d';
const GET_DOCUMENTS = 'urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4';
const LID = '$XDSDocumentEntryLogicalID';
const LEVEL = '$MetadataLevel';

interface Answer {
  readonly body: string;
  readonly status: string;
  readonly ids: string[];
  readonly errors: { code: string; context: string }[];
}

describe('GetDocuments $XDSDocumentEntryLogicalID and $MetadataLevel (real HTTPS server)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let entryUuid: string;
  let docUid: string;
  const bodies: string[] = [];

  async function query(queryId: string, slots: readonly SlotSpec[], returnType = 'LeafClass'): Promise<Answer> {
    const res = await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti18, adhocQueryXml(queryId, slots, returnType)));
    expect(res.status).to.equal(200);
    const text = res.text;
    const body = text.slice(text.indexOf('<query:AdhocQueryResponse'), text.indexOf('</query:AdhocQueryResponse>') + 27);
    bodies.push(body);
    return {
      body,
      status: /<query:AdhocQueryResponse[^>]* status="[^"]*:([A-Za-z]+)"/.exec(body)![1]!,
      ids: [...body.matchAll(/<rim:(?:ExtrinsicObject|ObjectRef) id="([^"]+)"/g)].map((m) => m[1]!),
      errors: [...body.matchAll(/errorCode="([^"]+)" codeContext="([^"]*)"/g)].map((m) => ({ code: m[1]!, context: m[2]! })),
    };
  }

  before(async () => {
    server = await startTestServer();
    const pid = newPatient();
    await server.deps.stores.patients.add(parseCx(pid)!);
    const m = singleDoc({ pid });
    docUid = m.docUid;
    const reg = await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, m.xml));
    expect(reg.text).to.contain('ResponseStatusType:Success');
    const found = await query(FIND_DOCUMENTS, [['$XDSDocumentEntryPatientId', quote(pid)], ['$XDSDocumentEntryStatus', APPROVED]], 'ObjectRef');
    expect(found.ids).to.have.length(1);
    entryUuid = found.ids[0]!;
  });
  after(async () => server.stop());

  it('finds the entry by its logicalId (= its entryUUID, the only version) with LeafClass and ObjectRef', async () => {
    const leaf = await query(GET_DOCUMENTS, [[LID, list(entryUuid, 'urn:uuid:00000000-0000-4000-8000-00000000dead')]]);
    expect(leaf.status).to.equal('Success');
    expect(leaf.ids).to.deep.equal([entryUuid]);
    expect(leaf.body).to.contain(docUid);
    const ref = await query(GET_DOCUMENTS, [[LID, list(entryUuid)]], 'ObjectRef');
    expect(ref.ids).to.deep.equal([entryUuid]);
  });

  it('answers lid = entryUUID for a registered entry (its first and only version; no Metadata Update)', async () => {
    const leaf = await query(GET_DOCUMENTS, [['$XDSDocumentEntryEntryUUID', list(entryUuid)]]);
    const lids = [...leaf.body.matchAll(/<rim:ExtrinsicObject id="([^"]+)" lid="([^"]+)"/g)].map((m) => [m[1], m[2]]);
    expect(lids).to.deep.equal([[entryUuid, entryUuid]]);
  });

  it('an unknown logicalId is an empty Success', async () => {
    const r = await query(GET_DOCUMENTS, [[LID, list('urn:uuid:00000000-0000-4000-8000-00000000beef')]]);
    expect(r).to.include({ status: 'Success' });
    expect(r.ids).to.deep.equal([]);
  });

  it('$MetadataLevel 1 and 2 answer the same objects as no level (no later versions exist)', async () => {
    const plain = await query(GET_DOCUMENTS, [['$XDSDocumentEntryEntryUUID', list(entryUuid)]]);
    for (const level of ['1', "'2'"]) {
      const r = await query(GET_DOCUMENTS, [[LID, list(entryUuid)], [LEVEL, level]]);
      expect(r.status, level).to.equal('Success');
      const objects = (b: string) => b.slice(b.indexOf('<rim:RegistryObjectList'));
      expect(objects(r.body), level).to.equal(objects(plain.body));
    }
  });

  it('$MetadataLevel other than 1 or 2 → XDSRegistryError naming the parameter and value', async () => {
    for (const bad of ['3', "'0'", "'two'"]) {
      const r = await query(GET_DOCUMENTS, [['$XDSDocumentEntryEntryUUID', list(entryUuid)], [LEVEL, bad]]);
      expect(r.status, bad).to.equal('Failure');
      expect(r.ids).to.deep.equal([]);
      expect(r.errors).to.have.length(1);
      expect(r.errors[0]!.code).to.equal('XDSRegistryError');
      expect(r.errors[0]!.context).to.contain('$MetadataLevel').and.to.contain(bad.replace(/'/g, ''));
    }
  });

  it('several $MetadataLevel values, or LogicalID with EntryUUID/UniqueId → XDSStoredQueryParamNumber', async () => {
    const cases: SlotSpec[][] = [
      [[LID, list(entryUuid)], [LEVEL, "('1','2')"]],
      [[LID, list(entryUuid)], [LEVEL, '1'], [LEVEL, '2']],
      [[LID, list(entryUuid)], ['$XDSDocumentEntryEntryUUID', list(entryUuid)]],
      [[LID, list(entryUuid)], ['$XDSDocumentEntryUniqueId', list(docUid)]],
    ];
    for (const slots of cases) {
      const r = await query(GET_DOCUMENTS, slots);
      expect(r.errors.map((e) => e.code), JSON.stringify(slots)).to.deep.equal(['XDSStoredQueryParamNumber']);
    }
  });

  it('without any id parameter → XDSStoredQueryMissingParam naming LogicalID among the choices', async () => {
    const r = await query(GET_DOCUMENTS, [[LEVEL, '1']]);
    expect(r.errors.map((e) => e.code)).to.deep.equal(['XDSStoredQueryMissingParam']);
    expect(r.errors[0]!.context).to.contain(LID);
  });

  it('keeps the stored ebRIM on the first LeafClass answer and answers later ones from it, byte for byte the same', async () => {
    const pid = newPatient();
    await server.deps.stores.patients.add(parseCx(pid)!);
    const reg = await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, singleDoc({ pid }).xml));
    expect(reg.text).to.contain('ResponseStatusType:Success');
    const find: SlotSpec[] = [['$XDSDocumentEntryPatientId', quote(pid)], ['$XDSDocumentEntryStatus', APPROVED]];
    const [id] = (await query(FIND_DOCUMENTS, find, 'ObjectRef')).ids;
    const stored = async () => storedEbrimOf((await server.deps.stores.registry.getByIds([id!]))[0]!);
    expect(await stored()).to.equal(null); // registration keeps none
    const first = await query(FIND_DOCUMENTS, find);
    for (let i = 0; i < 50 && (await stored()) === null; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await stored()).to.be.a('string');
    const second = await query(FIND_DOCUMENTS, find);
    expect(second.body).to.equal(first.body);
    const [model] = await server.deps.stores.registry.getByIds([id!]);
    expect(second.body).to.contain(writeRegistryObject({ ...model! }));
  });

  it('every response above validates against query.xsd', async () => {
    expect(bodies.length).to.be.greaterThan(15);
    expect((await validateXmlMany(bodies, 'query.xsd')).flat()).to.deep.equal([]);
  });
});
