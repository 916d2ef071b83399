import { expect } from 'chai';
import {
  checkCx,
  checkCxi,
  checkDocumentUniqueId,
  checkDtm,
  checkHash,
  checkHd,
  checkLanguageCode,
  checkMimeType,
  checkOid,
  checkSize,
  checkUuidUrn,
  checkXcn,
  checkXon,
  checkXtn,
  normaliseDtm,
  parseCx,
} from '../../src/metadata/hl7-types';

type Checker = (v: string) => string | undefined;

const table: ReadonlyArray<{ name: string; check: Checker; valid: string[]; invalid: string[] }> = [
  {
    name: 'OID',
    check: checkOid,
    valid: ['1.2', '1.3.6.1.4.1.21367.2005.3.7', '2.16.840.1.113883.6.96', '0.0', '1.0.2'],
    invalid: ['', '1', '1.', '.1', '1..2', '1.02', '01.2', 'a.b', '1.2.3a', '1.2 ', `1.${'2'.repeat(63)}`],
  },
  {
    name: 'UUID URN',
    check: checkUuidUrn,
    valid: ['urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1', 'urn:uuid:7EDCA82F-054D-47F2-A032-9B2A5B5186C1'],
    invalid: ['7edca82f-054d-47f2-a032-9b2a5b5186c1', 'urn:uuid:7edca82f054d47f2a0329b2a5b5186c1', 'urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186cz', 'Document01'],
  },
  {
    name: 'HD',
    check: checkHd,
    valid: ['&1.2.3&ISO'],
    invalid: ['', 'NS&1.2.3&ISO', '&1.2.3&DNS', '&abc&ISO', '&1.2.3', '&1.2.3&ISO&x'],
  },
  {
    name: 'CX',
    check: checkCx,
    valid: ['e8a3b1c6d7^^^&1.3.6.1.4.1.21367.13.20.1000&ISO', 'ID-1^^^&1.2&ISO'],
    invalid: [
      '',
      '^^^&1.2.3&ISO',
      'id',
      'id^^^',
      'id^^^1.2.3',
      'id^^^&1.2.3&DNS',
      'id^^^NS&1.2.3&ISO',
      'id^x^^&1.2.3&ISO',
      'id^^^&1.2.3&ISO^PI',
      'id^^^&1.2.3&ISO~id2^^^&1.2.3&ISO',
      'id&sub^^^&1.2.3&ISO',
    ],
  },
  {
    name: 'CXi',
    check: checkCxi,
    valid: ['2013001^^^&1.2.3.4.5.6&ISO^urn:ihe:iti:xds:2013:accession'],
    invalid: ['2013001^^^&1.2.3&ISO', '^^^&1.2.3&ISO^urn:ihe:iti:xds:2013:accession'],
  },
  {
    name: 'XCN',
    check: checkXcn,
    valid: ['^Smitty^Gerald^^^', '7788', '^^Gerald', '7788^Welby^Marcus^^^Dr^MD^^&1.2.840.113619.6.197&ISO'],
    invalid: ['', '^^^^^Dr', '7788^Welby^Marcus^^^Dr^MD^^&abc&ISO', '7788^^^^^^^^NS&1.2&ISO'],
  },
  {
    name: 'XON',
    check: checkXon,
    valid: ['Cleveland Clinic', 'Some Hospital^^^^^^^^^1.2.3.9.1789.45', 'Some Hospital^^^^^&1.2.3&ISO^^^^45'],
    invalid: ['', '^^^^^^^^^1.2.3', 'Hosp^x', 'Hosp^^^^^^^^^not-an-oid', 'Hosp^^^^^&1.2.3&ISO', 'Hosp^^^^^&x&ISO^^^^45', 'Hosp^^^^^^^^^1.2^extra'],
  },
  {
    name: 'XTN',
    check: checkXtn,
    valid: ['^^Internet^someone@example.org', '^PRN^PH^^1^555^1234567', '555-1234'],
    invalid: ['', '^^Internet^', '^^Internet^not-an-email', '^PRN^PH'],
  },
  {
    name: 'DTM',
    check: checkDtm,
    valid: ['2024', '202402', '20240229', '2024022923', '202402292359', '20240229235959', '20000229', '19991231'],
    invalid: [
      '',
      '202',
      '2024133',
      '202413',
      '202400',
      '20230229',
      '19000229',
      '20240431',
      '20240100',
      '2024010124',
      '202401012360',
      '20240101235960',
      '20240101235959.123',
      '20240101235959+0100',
      '2024-01-01',
      '202401012359590',
    ],
  },
  {
    name: 'DocumentEntry uniqueId',
    check: checkDocumentUniqueId,
    valid: ['1.3.6.1.4.1.21367.2024.1.2.1', '1.2.3^ext-16-chars-ok', '1.2.3^a'],
    invalid: ['', 'abc', '1.2.3^', '1.2.3^this-extension-is-17', '1.2.3^a^b', 'x.y^abc', `1.${'2.'.repeat(60)}3^abc`],
  },
  {
    name: 'hash',
    check: checkHash,
    valid: ['e543712c0e10501972de13a5bfcbe826c49feb75', 'E543712C0E10501972DE13A5BFCBE826C49FEB75'],
    invalid: ['', 'e543712c0e10501972de13a5bfcbe826c49feb7', 'e543712c0e10501972de13a5bfcbe826c49feb75a', 'g543712c0e10501972de13a5bfcbe826c49feb75'],
  },
  {
    name: 'size',
    check: checkSize,
    // Leading zeros are accepted: NIST RPLC/APND/XFRM messages (11992-11998, 12323, 12327, 12370) send "061224".
    valid: ['0', '36', '1234567890', '061224'],
    invalid: ['', '-1', '+1', '1.5', 'abc', '1e3', '12345678901234567890'],
  },
  {
    name: 'languageCode',
    check: checkLanguageCode,
    valid: ['en', 'en-us', 'en-US', 'de-CH', 'zh-Hant-TW', 'fil', 'x-klingon', 'sr-Latn-RS'],
    invalid: ['', 'e', 'english!', 'en_US', 'en-', '-en', '123'],
  },
  {
    name: 'mimeType',
    check: checkMimeType,
    valid: ['text/xml', 'application/pdf', 'application/fhir+json', 'application/dicom-kos', 'text/plain; charset=UTF-8'],
    invalid: ['', 'text', 'text/', '/xml', 'text/x ml', 'text/xml/extra'],
  },
];

describe('metadata/hl7-types', () => {
  for (const row of table) {
    describe(row.name, () => {
      for (const v of row.valid) {
        it(`accepts ${JSON.stringify(v)}`, () => expect(row.check(v)).to.equal(undefined));
      }
      for (const v of row.invalid) {
        it(`rejects ${JSON.stringify(v)}`, () => expect(row.check(v)).to.be.a('string').and.not.equal(''));
      }
    });
  }

  describe('parseCx', () => {
    it('returns id and assigning authority OID', () => {
      expect(parseCx('e8a3^^^&1.3.6.1.4.1.21367.13.20.1000&ISO')).to.deep.equal({ id: 'e8a3', authority: '1.3.6.1.4.1.21367.13.20.1000' });
    });
    it('returns undefined for an invalid CX', () => {
      expect(parseCx('e8a3^^^&1.3.6&DNS')).to.equal(undefined);
      expect(parseCx('e8a3')).to.equal(undefined);
    });
  });

  describe('normaliseDtm', () => {
    it('pads every precision to 14 digits', () => {
      expect(normaliseDtm('2024')).to.equal('20240000000000');
      expect(normaliseDtm('202403151030')).to.equal('20240315103000');
      expect(normaliseDtm('20240315103059')).to.equal('20240315103059');
    });
    it('makes values of different precision comparable as strings', () => {
      expect(normaliseDtm('2024') < normaliseDtm('20240101000001')).to.equal(true);
      expect(normaliseDtm('20231231') < normaliseDtm('2024')).to.equal(true);
    });
  });
});
