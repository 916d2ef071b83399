import { expect } from 'chai';
import { parseQueryValue, readAdhocQueryRequest } from '../../../src/ebxml/read-adhoc-query';
import { XdsError } from '../../../src/errors';
import { parseXml } from '../../../src/soap/xml';
import { adhocQuery, adhocQueryXml } from './request';

const errorOf = (f: () => unknown): XdsError => {
  try {
    f();
  } catch (e) {
    if (e instanceof XdsError) return e;
    throw e;
  }
  throw new Error('expected an XdsError');
};

describe('read-adhoc-query', () => {
  describe('parseQueryValue', () => {
    it('reads a quoted string with doubled quotes', () => {
      expect(parseQueryValue('$p', "'O''Brien'")).to.deep.equal(["O'Brien"]);
    });
    it('reads a number', () => {
      expect(parseQueryValue('$p', ' 20041224 ')).to.deep.equal(['20041224']);
    });
    it('reads a parenthesised list with spaces, strings and numbers', () => {
      expect(parseQueryValue('$p', "( 'a' , 'b,c',3 )")).to.deep.equal(['a', 'b,c', '3']);
    });
    it('keeps %, ^ and & inside strings', () => {
      expect(parseQueryValue('$p', "('20061223^^^&1.2&ISO', '%Ford%')")).to.deep.equal(['20061223^^^&1.2&ISO', '%Ford%']);
    });
    for (const bad of ["('a'", "'a", 'abc', "('a' 'b')", "('a',)", '()', "'a' x", '', "('a'),('b')"]) {
      it(`rejects ${JSON.stringify(bad)} with XDSRegistryError naming parameter and value`, () => {
        const e = errorOf(() => parseQueryValue('$XDSDocumentEntryStatus', bad));
        expect(e.errors[0]!.errorCode).to.equal('XDSRegistryError');
        expect(e.errors[0]!.codeContext).to.contain('$XDSDocumentEntryStatus').and.contain(`"${bad}"`);
      });
    }
  });

  describe('readAdhocQueryRequest', () => {
    it('reads id, returnType, home and slots (values of one Slot concatenated, repeated Slots kept apart)', () => {
      const req = readAdhocQueryRequest(
        parseXml(
          adhocQueryXml(
            'urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d',
            [
              ['$XDSDocumentEntryPatientId', "'pid^^^&1.2&ISO'"],
              ['$XDSDocumentEntryEventCodeList', "('a^^s')", "('b^^s')"],
              ['$XDSDocumentEntryEventCodeList', "('c^^s')"],
            ],
            'LeafClass',
            'urn:oid:1.1.1',
          ),
        ),
      );
      expect(req.queryId).to.equal('urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d');
      expect(req.returnType).to.equal('LeafClass');
      expect(req.returnComposedObjects).to.equal(true);
      expect(req.home).to.equal('urn:oid:1.1.1');
      expect(req.params.get('$XDSDocumentEntryPatientId')).to.deep.equal([['pid^^^&1.2&ISO']]);
      expect(req.params.get('$XDSDocumentEntryEventCodeList')).to.deep.equal([['a^^s', 'b^^s'], ['c^^s']]);
    });
    it('accepts ObjectRef', () => {
      expect(adhocQuery('urn:uuid:x', []).returnType).to.equal('ObjectRef');
    });
    it('rejects another returnType', () => {
      const e = errorOf(() => adhocQuery('urn:uuid:x', [], 'RegistryObject'));
      expect(e.errors[0]!.errorCode).to.equal('XDSRegistryError');
      expect(e.errors[0]!.codeContext).to.contain('RegistryObject');
    });
    it('rejects a missing ResponseOption, AdhocQuery or id, and a wrong root', () => {
      const q = 'xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"';
      for (const xml of [
        `<query:AdhocQueryRequest ${q}><rim:AdhocQuery id="x"/></query:AdhocQueryRequest>`,
        `<query:AdhocQueryRequest ${q}><query:ResponseOption returnType="LeafClass"/></query:AdhocQueryRequest>`,
        `<query:AdhocQueryRequest ${q}><query:ResponseOption returnType="LeafClass"/><rim:AdhocQuery/></query:AdhocQueryRequest>`,
        `<query:AdhocQueryResponse ${q}/>`,
      ]) {
        expect(errorOf(() => readAdhocQueryRequest(parseXml(xml))).errors[0]!.errorCode).to.equal('XDSRegistryError');
      }
    });
    it('rejects a malformed value inside a request', () => {
      const e = errorOf(() => adhocQuery('urn:uuid:x', [['$XDSDocumentEntryStatus', '(urn:oasis:x)']]));
      expect(e.errors[0]!.codeContext).to.contain('$XDSDocumentEntryStatus');
    });
  });
});
