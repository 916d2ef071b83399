import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DocumentEntryScheme, FolderScheme, SubmissionSetScheme } from '../../src/ebxml/vocabulary';
import { loadAffinityDomain } from '../../src/metadata/load-affinity-domain';
import { XmlSyntaxError } from '../../src/soap/xml';

/** The NIST XDS Toolkit code list, read in place (never copied into the project). */
export const NIST_CODES_XML = resolve(__dirname, '../../../shared/conformance/nist-environment/codes.xml');

describe('metadata/load-affinity-domain', () => {
  const domain = loadAffinityDomain(readFileSync(NIST_CODES_XML, 'utf8'), 'enforce');

  it('reads every CodeType with a classScheme, keyed by the scheme UUID', () => {
    expect(domain.strictness).to.equal('enforce');
    expect(domain.codes.get(DocumentEntryScheme.confidentialityCode)?.map((c) => c.code)).to.deep.equal(['L', 'M', 'N', 'R', 'U', 'V']);
    expect(domain.codes.get(DocumentEntryScheme.classCode)).to.deep.include({
      code: 'REPORTS',
      codingScheme: '1.3.6.1.4.1.19376.1.2.6.1',
      display: 'Reports',
    });
    expect(domain.codes.get(SubmissionSetScheme.contentTypeCode)?.length).to.equal(10);
    expect(domain.codes.get(FolderScheme.codeList)?.map((c) => c.code)).to.deep.equal(['Referrals', 'Allergy_Treatments']);
    expect(domain.codes.size).to.equal(10);
  });

  it('reads the mimeType CodeType into mimeTypes', () => {
    expect(domain.mimeTypes).to.include.members(['text/xml', 'application/pdf', 'application/fhir+json', 'image/png']);
    expect(domain.mimeTypes).to.have.length(14);
  });

  it('skips commented-out codes', () => {
    const formats = domain.codes.get(DocumentEntryScheme.formatCode)!.map((c) => c.code);
    expect(formats).to.include('http://hl7.org/fhir/uv/ips/StructureDefinition/Bundle-uv-ips');
    expect(formats).to.include('urn:ihe:iti:xds-sd:text:2008');
  });

  it('keeps the strictness it is given', () => {
    const xml = `<Codes><CodeType name="x" classScheme="urn:uuid:1"><Code code="a" codingScheme="1.2"/></CodeType></Codes>`;
    expect(loadAffinityDomain(xml, 'warn')).to.deep.equal({
      strictness: 'warn',
      codes: new Map([['urn:uuid:1', [{ code: 'a', codingScheme: '1.2' }]]]),
      mimeTypes: [],
    });
  });

  it('rejects a Code without codingScheme, a wrong root and malformed XML', () => {
    expect(() => loadAffinityDomain(`<Codes><CodeType name="x" classScheme="s"><Code code="a"/></CodeType></Codes>`, 'enforce')).to.throw(/lacks code or codingScheme/);
    expect(() => loadAffinityDomain('<Other/>', 'enforce')).to.throw(/expected Codes/);
    expect(() => loadAffinityDomain('<Codes>', 'enforce')).to.throw(XmlSyntaxError);
  });
});
