import { expect } from 'chai';
import type { DocumentEntry, RegistryObject, Submission } from '../../src/metadata/model';
import { readSubmitObjectsRequest } from '../../src/ebxml/read-submit-objects';
import { writeAdhocQueryResponse } from '../../src/ebxml/write-registry-response';
import { writeDocumentEntry, writeObjectRef, writeRegistryObject } from '../../src/ebxml/write-registry-object';
import { childId } from '../../src/ebxml/write-rim-parts';
import { parseXml } from '../../src/soap/xml';
import { validateXml } from '../support/schema';
import { asSubmitObjectsRequest, goldenWith } from './golden';

const golden = (): Submission => readSubmitObjectsRequest(goldenWith(), 'registry').submission;

const objectsOf = (s: Submission): RegistryObject[] => [...s.submissionSets, ...s.documentEntries, ...s.folders, ...s.associations];

const readBack = (xml: string) => readSubmitObjectsRequest(parseXml(asSubmitObjectsRequest(xml)), 'registry');

describe('ebxml/write-registry-object', () => {
  it('writes the golden submission back to ebRIM that reads into the same model', () => {
    const model = golden();
    const xml = objectsOf(model).map(writeRegistryObject).join('');
    const again = readBack(xml);
    expect(again.errors).to.deep.equal([]);
    expect(again.submission).to.deep.equal(model);
  });

  it('writes objects that, inside an AdhocQueryResponse, validate against query.xsd', async () => {
    const objectsXml = objectsOf(golden()).map(writeRegistryObject).join('') + writeObjectRef('urn:uuid:7f1d2e3c-4b5a-4968-8776-a5b4c3d2e1f0', 'urn:oid:1.2.3');
    const problems = await validateXml(writeAdhocQueryResponse({ status: 'Success', objectsXml, errors: [] }), 'query.xsd');
    expect(problems).to.deep.equal([]);
  });

  it('writes status as the full StatusType URN and the association type as its URN', () => {
    const s = golden();
    const withStatus = { ...s.associations[5], availabilityStatus: 'Approved' as const };
    const xml = writeRegistryObject(withStatus);
    expect(xml).to.contain('status="urn:oasis:names:tc:ebxml-regrep:StatusType:Approved"');
    expect(xml).to.contain('associationType="urn:ihe:iti:2007:AssociationType:RPLC"');
    expect(writeRegistryObject(s.documentEntries[1])).to.contain('status="urn:oasis:names:tc:ebxml-regrep:StatusType:Submitted"');
  });

  it('keeps rim.xsd order: Slot, Name, Description, VersionInfo, Classification, ExternalIdentifier', () => {
    const el = parseXml(asSubmitObjectsRequest(writeRegistryObject(golden().documentEntries[0]))).children[0].children[0];
    const order = ['Slot', 'Name', 'Description', 'VersionInfo', 'Classification', 'ExternalIdentifier'];
    const ranks = el.children.map((c) => order.indexOf(c.local));
    expect(ranks).to.not.include(-1);
    expect(ranks).to.deep.equal([...ranks].sort((a, b) => a - b));
  });

  it('derives stable, distinct child ids from the object id', () => {
    const d = golden().documentEntries[1];
    expect(writeRegistryObject(d)).to.equal(writeRegistryObject(d));
    const ids = [...writeRegistryObject(d).matchAll(/<rim:(?:Classification|ExternalIdentifier) id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).to.be.greaterThan(8);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const id of ids) expect(id).to.match(/^urn:uuid:[0-9a-f]{8}-1d3f-4e6a-9b8c-7d6e5f4a3b2c$/);
    expect(ids).to.not.include(d.id);
    expect(childId('Document01', 3)).to.equal('Document01_3');
  });

  it('splits a URI longer than 256 characters into n|part values and reads it back whole', async () => {
    const uri = `https://example.org/${'a'.repeat(600)}?q=1&r=2`;
    const d: DocumentEntry = { ...golden().documentEntries[0], uri };
    const xml = writeDocumentEntry(d);
    expect(xml).to.contain('<rim:Value>1|https://example.org/');
    expect(readBack(xml).submission.documentEntries[0].uri).to.equal(uri);
    expect(await validateXml(`<rim:RegistryObjectList xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">${xml}</rim:RegistryObjectList>`, 'rim.xsd')).to.deep.equal([]);
  });

  it('writes an ObjectRef with optional home', () => {
    expect(writeObjectRef('urn:uuid:1')).to.equal('<rim:ObjectRef id="urn:uuid:1"/>');
    expect(writeObjectRef('a&b', 'urn:oid:1')).to.equal('<rim:ObjectRef id="a&amp;b" home="urn:oid:1"/>');
  });

  describe('a large response (speed is measured by bench/serialise-leafclass.ts)', () => {
    const uuid = (i: number) => `urn:uuid:${i.toString(16).padStart(8, '0')}-1d3f-4e6a-9b8c-7d6e5f4a3b2c`;
    const entries = (): DocumentEntry[] => {
      const base = golden().documentEntries[0];
      return Array.from({ length: 200 }, (_, i) => ({ ...base, id: uuid(i), uniqueId: `1.2.42.${i}`, availabilityStatus: 'Approved' as const }));
    };

    it('a 200-entry response is valid against query.xsd', async () => {
      const objectsXml = entries().map(writeDocumentEntry).join('');
      expect(await validateXml(writeAdhocQueryResponse({ status: 'Success', objectsXml, errors: [] }), 'query.xsd')).to.deep.equal([]);
    });
  });
});
