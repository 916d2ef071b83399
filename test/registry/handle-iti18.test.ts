/**
 * ITI-18 handler: AdhocQueryRequest XML in, AdhocQueryResponse XML out, against a real seeded SQLite store.
 * Every response (success and failure) validates against query.xsd. One end-to-end case goes through the
 * real HTTPS server with ITI-42 registration first.
 */
import { expect } from 'chai';
import pino from 'pino';
import { randomUUID } from 'node:crypto';
import { handleIti18, handleIti51, iti18ErrorBody } from '../../src/registry/handle-iti18';
import { XdsError } from '../../src/errors';
import { OPEN_AFFINITY_DOMAIN } from '../../src/metadata/affinity-domain';
import { childOf, childrenOf, parseXml, type XmlElement } from '../../src/soap/xml';
import { NS, SoapAction } from '../../src/ebxml/vocabulary';
import { implementedTransactions } from '../../src/app/transaction-table';
import type { Deps, Handler, HandlerContext } from '../../src/transactions';
import { bodyText, type BodyParts } from '../../src/soap/write-response';
import { writeRegistryObject } from '../../src/ebxml/write-registry-object';
import { storedEbrimOf } from '../../src/registry/ports';
import { validateXmlMany } from '../support/schema';
import { postSoap, soapRequest, startTestServer } from '../support/server';
import { newPatient, singleDoc } from '../support/iti42';
import { parseCx } from '../../src/metadata/hl7-types';
import { adhocQueryXml, APPROVED, list, quote, type SlotSpec } from './stored-queries/request';
import { ID, openSeeded, P1, type Seeded } from './stored-queries/seed';

const FIND_DOCUMENTS = 'urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d';
const GET_DOCUMENTS = 'urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4';
const GET_SS_AND_CONTENTS = 'urn:uuid:e8e3cb2c-e39c-46b9-99e4-c12f57260b83';
const MULTI = 'urn:uuid:3d1bdb10-39a2-11de-89c2-2f44d94eaa9f';

const log = pino({ level: 'silent' });
const ctx: HandlerContext = { peer: { subject: 'CN=consumer' }, messageId: 'urn:uuid:msg-1', log };

function depsFor(seeded: Seeded, maxQueryResults = 100): Deps {
  return {
    stores: seeded.stores,
    registry: { patientIdCheck: 'on', maxQueryResults, affinity: OPEN_AFFINITY_DOMAIN },
    repository: { repositoryUniqueId: '1.19.6.24.109.42.1', maxDocumentBytes: 1e6 },
    now: () => new Date('2026-01-01T00:00:00Z'),
    newUuid: () => `urn:uuid:${randomUUID()}`,
    log,
  };
}

const soapOf = (xml: string) => {
  const body = parseXml(xml);
  return { envelope: body, body, action: SoapAction.iti18, attachments: new Map(), mtom: false };
};

interface Parsed {
  readonly status: string;
  readonly objects: readonly XmlElement[];
  readonly errors: readonly { errorCode: string; codeContext: string }[];
}

function parseResponse(xml: string): Parsed {
  const root = parseXml(xml);
  expect(root.local).to.equal('AdhocQueryResponse');
  const list = childOf(root, NS.rim, 'RegistryObjectList');
  const errorList = childOf(root, NS.rs, 'RegistryErrorList');
  return {
    status: root.attrs.status!,
    objects: list?.children ?? [],
    errors: (errorList ? childrenOf(errorList, NS.rs, 'RegistryError') : []).map((e) => ({
      errorCode: e.attrs.errorCode!,
      codeContext: e.attrs.codeContext!,
    })),
  };
}

describe('ITI-18 handler', () => {
  let seeded: Seeded;
  const bodies: string[] = [];
  before(async () => {
    seeded = await openSeeded();
  });
  after(() => seeded.close());

  /** Runs the handler; an XdsError becomes the error body as the endpoint would write it. */
  async function call(xml: string, o: { handler?: Handler<string | BodyParts>; max?: number } = {}): Promise<Parsed> {
    let body: string;
    try {
      body = bodyText((await (o.handler ?? handleIti18)(soapOf(xml), depsFor(seeded, o.max), ctx)).body);
    } catch (e) {
      if (!(e instanceof XdsError)) throw e;
      body = iti18ErrorBody(e.errors);
    }
    bodies.push(body);
    return parseResponse(body);
  }
  const findDocs = (rt: string, extra: SlotSpec[] = [], home?: string) =>
    adhocQueryXml(FIND_DOCUMENTS, [['$XDSDocumentEntryPatientId', quote(P1)], ['$XDSDocumentEntryStatus', APPROVED], ...extra], rt, home);

  it('LeafClass returns full ExtrinsicObjects', async () => {
    const r = await call(findDocs('LeafClass'));
    expect(r.status).to.equal('urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success');
    expect(r.objects.map((o) => o.local)).to.deep.equal(['ExtrinsicObject', 'ExtrinsicObject', 'ExtrinsicObject']);
    expect(r.objects.map((o) => o.attrs.id).sort()).to.deep.equal([ID.DE2, ID.DE3, ID.DE6].sort());
    expect(r.objects[0]!.attrs.status).to.equal('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved');
    expect(childrenOf(r.objects[0]!, NS.rim, 'ExternalIdentifier')).to.have.length(2);
  });

  it('ObjectRef returns references only', async () => {
    const r = await call(findDocs('ObjectRef'));
    expect(r.objects.map((o) => o.local)).to.deep.equal(['ObjectRef', 'ObjectRef', 'ObjectRef']);
    expect(r.objects.every((o) => o.children.length === 0)).to.equal(true);
  });

  it('echoes the homeCommunityId on returned objects (AdhocQuery@home or $homeCommunityId)', async () => {
    const r = await call(findDocs('LeafClass', [], 'urn:oid:1.2.3.99'));
    expect(r.objects.map((o) => o.attrs.home)).to.deep.equal(Array(3).fill('urn:oid:1.2.3.99'));
    const refs = await call(adhocQueryXml(GET_DOCUMENTS, [['$XDSDocumentEntryEntryUUID', list(ID.DE2)], ['$homeCommunityId', quote('urn:oid:7.7')]]));
    expect(refs.objects.map((o) => o.attrs.home)).to.deep.equal(['urn:oid:7.7']);
  });

  it('returns packages and associations for GetSubmissionSetAndContents (LeafClass)', async () => {
    const r = await call(adhocQueryXml(GET_SS_AND_CONTENTS, [['$XDSSubmissionSetEntryUUID', quote(ID.SS1)]], 'LeafClass'));
    const count = (local: string) => r.objects.filter((o) => o.local === local).length;
    expect([count('RegistryPackage'), count('ExtrinsicObject'), count('Association')]).to.deep.equal([2, 2, 5]);
  });

  it('an empty result is Success with an empty RegistryObjectList', async () => {
    const r = await call(findDocs('LeafClass', [['$XDSDocumentEntryClassCode', list('none^^scheme')]]));
    expect(r.status).to.equal('urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success');
    expect(r.objects).to.deep.equal([]);
  });

  for (const [what, xml, code] of [
    ['unknown query', adhocQueryXml('urn:uuid:11111111-2222-3333-4444-555555555555', []), 'XDSUnknownStoredQuery'],
    ['missing parameter', adhocQueryXml(FIND_DOCUMENTS, [['$XDSDocumentEntryStatus', APPROVED]]), 'XDSStoredQueryMissingParam'],
    [
      'single parameter with two values',
      adhocQueryXml(FIND_DOCUMENTS, [['$XDSDocumentEntryPatientId', list(P1, P1)], ['$XDSDocumentEntryStatus', APPROVED]]),
      'XDSStoredQueryParamNumber',
    ],
    ['malformed value', adhocQueryXml(FIND_DOCUMENTS, [['$XDSDocumentEntryPatientId', 'pid1']]), 'XDSRegistryError'],
    ['unsupported returnType', adhocQueryXml(FIND_DOCUMENTS, [], 'RegistryObject'), 'XDSRegistryError'],
    ['LeafClass over two patients', adhocQueryXml(GET_DOCUMENTS, [['$XDSDocumentEntryEntryUUID', list(ID.DE2, ID.DE5)]], 'LeafClass'), 'XDSResultNotSinglePatient'],
  ] as const) {
    it(`${what} → Failure with ${code} and no objects`, async () => {
      const r = await call(xml);
      expect(r.status).to.equal('urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure');
      expect(r.errors.map((e) => e.errorCode)).to.deep.equal([code]);
      expect(r.objects).to.deep.equal([]);
    });
  }

  it('XDSTooManyResults is an error with no results', async () => {
    const r = await call(findDocs('ObjectRef'), { max: 2 });
    expect(r.errors.map((e) => e.errorCode)).to.deep.equal(['XDSTooManyResults']);
    expect(r.objects).to.deep.equal([]);
  });

  it('ITI-51 handler serves the multi-patient queries, ITI-18 does not', async () => {
    const xml = adhocQueryXml(MULTI, [['$XDSDocumentEntryClassCode', list('C1^^scheme')], ['$XDSDocumentEntryStatus', APPROVED]], 'LeafClass');
    expect((await call(xml, { handler: handleIti51 })).objects).to.have.length(2);
    expect((await call(xml)).errors.map((e) => e.errorCode)).to.deep.equal(['XDSUnknownStoredQuery']);
  });

  it('audits each query (110112) with the query id and the patient id only', async () => {
    const before = (await seeded.stores.audit.recent(1000)).length;
    await call(findDocs('ObjectRef'));
    await call(adhocQueryXml(FIND_DOCUMENTS, [['$XDSDocumentEntryStatus', APPROVED]]));
    const all = await seeded.stores.audit.recent(1000); // newest first
    const records = all.slice(0, all.length - before);
    expect(records).to.have.length(2);
    const ok = records.find((r) => r.outcome === 0)!;
    expect(ok).to.include({ eventId: '110112', eventTypeCode: 'ITI-18', sourceNode: 'CN=consumer', messageId: 'urn:uuid:msg-1' });
    expect(ok.objects).to.deep.equal([
      { type: 'query', id: FIND_DOCUMENTS },
      { type: 'patient', id: P1 },
    ]);
    expect(records.find((r) => r.outcome !== 0)!.objects).to.deep.equal([{ type: 'query', id: FIND_DOCUMENTS }]);
  });

  it('every response above validates against query.xsd', async () => {
    const problems = await validateXmlMany(bodies, 'query.xsd');
    expect(problems.flat()).to.deep.equal([]);
    expect(bodies.length).to.be.greaterThan(10);
  });
});

describe('ITI-18 through the HTTPS server (after an ITI-42 registration)', function () {
  this.timeout(60_000);
  it('registers a document, then finds it with LeafClass and ObjectRef', async () => {
    const transactions = implementedTransactions().map((t) =>
      t.id === 'ITI-18' ? { ...t, handler: handleIti18, errorBody: iti18ErrorBody } : t,
    );
    const server = await startTestServer({}, { transactions });
    try {
      const pid = newPatient();
      await server.deps.stores.patients.add(parseCx(pid)!);
      const m = singleDoc({ pid });
      const reg = await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, m.xml));
      expect(reg.text).to.contain('ResponseStatusType:Success');
      for (const rt of ['LeafClass', 'ObjectRef']) {
        const xml = adhocQueryXml(FIND_DOCUMENTS, [['$XDSDocumentEntryPatientId', quote(pid)], ['$XDSDocumentEntryStatus', APPROVED]], rt);
        const res = await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti18, xml));
        expect(res.status).to.equal(200);
        expect(res.text).to.contain('RegistryStoredQueryResponse');
        const body = res.text.slice(res.text.indexOf('<query:AdhocQueryResponse'), res.text.indexOf('</query:AdhocQueryResponse>') + 27);
        const r = parseResponse(body);
        expect(r.status).to.match(/Success$/);
        expect(r.objects.map((o) => o.local)).to.deep.equal([rt === 'LeafClass' ? 'ExtrinsicObject' : 'ObjectRef']);
        if (rt === 'LeafClass') expect(body).to.contain(m.docUid);
      }
      const bad = await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti18, adhocQueryXml(FIND_DOCUMENTS, [])));
      expect(bad.text).to.contain('XDSStoredQueryMissingParam');
    } finally {
      await server.stop();
    }
  });
});

describe('ITI-18 LeafClass written as parts (real HTTPS server)', function () {
  this.timeout(120_000);
  it('a multi-chunk answer is byte-identical cold and warm, equals the serialised objects and validates', async () => {
    const server = await startTestServer();
    try {
      const pid = newPatient();
      await server.deps.stores.patients.add(parseCx(pid)!);
      // ~40 entries: the answer (≈ 200 KB) spans several 64 KiB chunks of the reply stream.
      const regs = await Promise.all(
        Array.from({ length: 40 }, () => postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, singleDoc({ pid }).xml))),
      );
      for (const r of regs) expect(r.text).to.contain('ResponseStatusType:Success');
      const xml = adhocQueryXml(FIND_DOCUMENTS, [['$XDSDocumentEntryPatientId', quote(pid)], ['$XDSDocumentEntryStatus', APPROVED]], 'LeafClass', 'urn:oid:1.2.3');
      const ask = async () => {
        const res = await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti18, xml));
        expect(res.status).to.equal(200);
        expect(res.headers['content-type']).to.equal('application/soap+xml; charset=UTF-8');
        const length = res.headers['content-length'];
        if (length !== undefined) expect(Number(length)).to.equal(Buffer.byteLength(res.text));
        return res.text.slice(res.text.indexOf('<query:AdhocQueryResponse'), res.text.indexOf('</query:AdhocQueryResponse>') + 27);
      };
      const kept = async () => (await server.deps.stores.registry.findDocumentEntries({ patientIds: [pid] }, { limit: 100, storedEbrim: true })).filter((e) => storedEbrimOf(e) !== null).length;
      expect(await kept()).to.equal(0);
      const cold = await ask(); // the store keeps no forms yet: made now, kept after the reply was written
      for (let i = 0; i < 100 && (await kept()) < 40; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await kept()).to.equal(40);
      const warm = await ask(); // completed from the kept forms
      expect(Buffer.byteLength(cold)).to.be.greaterThan(3 * 64 * 1024);
      expect(warm).to.equal(cold);
      const entries = await server.deps.stores.registry.findDocumentEntries({ patientIds: [pid] }, { limit: 100 });
      expect(entries).to.have.length(40);
      const expected = entries.map((e) => writeRegistryObject({ ...e, home: 'urn:oid:1.2.3' })).join('');
      expect(cold).to.contain(`<rim:RegistryObjectList>${expected}</rim:RegistryObjectList>`);
      expect((await validateXmlMany([cold], 'query.xsd'))[0]).to.deep.equal([]);
    } finally {
      await server.stop();
    }
  });
});

