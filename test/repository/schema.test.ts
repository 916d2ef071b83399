/** The repository's XML against the official XDS.b schema (XDS.b_DocumentRepository.xsd). */
import { expect } from 'chai';
import { NS } from '../../src/ebxml/vocabulary';
import { iti41ErrorBody } from '../../src/repository/handle-iti41';
import { iti43ErrorBody, writeRetrieveResponse } from '../../src/repository/handle-iti43';
import { newPatient } from '../support/iti42';
import { validateXml, validateXmlMany } from '../support/schema';
import { pnrMetadata } from './pnr';

describe('repository XML against XDS.b_DocumentRepository.xsd', function () {
  this.timeout(30_000);

  it('ITI-43 responses (Success with documents, PartialSuccess, Failure) are valid', async () => {
    const record = { documentUniqueId: '1.2.3.4', repositoryUniqueId: '1.2.3', blobId: 'b', mimeType: 'text/plain', sha1: 'a'.repeat(40), size: 1 };
    const found = { request: { homeCommunityId: 'urn:oid:1.2.9', repositoryUniqueId: '1.2.3', documentUniqueId: '1.2.3.4' }, record, contentId: 'doc1.x@tessera' };
    const missing = [{ errorCode: 'XDSDocumentUniqueIdError', codeContext: 'document 9 <&> is not available', severity: 'Error' as const, location: '9' }];
    // XOP 1.0 §3: the schema applies to the reconstructed infoset, where the xop:Include is base64 content.
    const reconstructed = (xml: string) => xml.replace(/<xop:Include [^>]*\/>/g, 'YQ==');
    const problems = await validateXmlMany(
      [writeRetrieveResponse('Success', [], [found]), writeRetrieveResponse('PartialSuccess', missing, [found]), iti43ErrorBody(missing)].map(reconstructed),
      'XDS.b_DocumentRepository.xsd',
    );
    expect(problems).to.deep.equal([[], [], []]);
  });

  it('the ITI-41 error body is a valid rs:RegistryResponse', async () => {
    const body = iti41ErrorBody([{ errorCode: 'XDSMissingDocument', codeContext: 'DocumentEntry Document02', severity: 'Error' }]);
    expect(await validateXml(body, 'rs.xsd')).to.deep.equal([]);
  });

  it('the test ITI-41 requests (inline document) are valid ProvideAndRegisterDocumentSetRequests', async () => {
    const m = pnrMetadata(newPatient(), [{}, { hash: 'a'.repeat(40), size: '3' }]);
    const xml = `<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="${NS.xdsb}">${m.xml}${m.docs.map((d) => `<xdsb:Document id="${d.id}">YWJj</xdsb:Document>`).join('')}</xdsb:ProvideAndRegisterDocumentSetRequest>`;
    expect(await validateXml(xml, 'XDS.b_DocumentRepository.xsd')).to.deep.equal([]);
  });
});
