import { expect } from 'chai';
import { writeAdhocQueryResponse, writeRegistryResponse } from '../../src/ebxml/write-registry-response';
import { writeObjectRef } from '../../src/ebxml/write-registry-object';
import { ErrorSeverity, NS, ResponseStatus } from '../../src/ebxml/vocabulary';
import { XdsCode, type RegistryErrorEntry } from '../../src/errors';
import { childOf, childrenOf, parseXml } from '../../src/soap/xml';
import { validateXmlMany } from '../support/schema';

const error: RegistryErrorEntry = {
  errorCode: XdsCode.RegistryMetadataError,
  codeContext: 'DocumentEntry Doc<1> (uniqueId 1.2&3): slot "creationTime" has 2 values, expected 1',
  severity: 'Error',
  location: 'Doc<1>',
};
const warning: RegistryErrorEntry = { errorCode: XdsCode.ExtraMetadataNotSaved, codeContext: 'slot x was not saved', severity: 'Warning' };

describe('ebxml/write-registry-response', () => {
  it('RegistryResponse: Success without a list, Success with warnings, Failure with errors; all valid against rs.xsd', async () => {
    const docs = [writeRegistryResponse([]), writeRegistryResponse([warning]), writeRegistryResponse([warning, error])];
    expect(await validateXmlMany(docs, 'rs.xsd')).to.deep.equal([[], [], []]);

    const [ok, warned, failed] = docs.map((d) => parseXml(d));
    expect(ok.attrs.status).to.equal(ResponseStatus.Success);
    expect(ok.children).to.deep.equal([]);

    expect(warned.attrs.status).to.equal(ResponseStatus.Success);
    const wl = childOf(warned, NS.rs, 'RegistryErrorList');
    expect(wl?.attrs.highestSeverity).to.equal(ErrorSeverity.Warning);

    expect(failed.attrs.status).to.equal(ResponseStatus.Failure);
    const list = childOf(failed, NS.rs, 'RegistryErrorList');
    expect(list?.attrs.highestSeverity).to.equal(ErrorSeverity.Error);
    const entries = childrenOf(list!, NS.rs, 'RegistryError').map((e) => e.attrs);
    expect(entries[1]).to.deep.equal({
      errorCode: error.errorCode,
      codeContext: error.codeContext,
      severity: ErrorSeverity.Error,
      location: 'Doc<1>',
    });
    expect(entries[0].severity).to.equal(ErrorSeverity.Warning);
    expect(entries[0]).to.not.have.property('location');
  });

  it('AdhocQueryResponse: always has a RegistryObjectList; each status is valid against query.xsd', async () => {
    const docs = [
      writeAdhocQueryResponse({ status: 'Success', objectsXml: '', errors: [] }),
      writeAdhocQueryResponse({ status: 'Success', objectsXml: writeObjectRef('urn:uuid:a') + writeObjectRef('urn:uuid:b'), errors: [] }),
      writeAdhocQueryResponse({ status: 'PartialSuccess', objectsXml: writeObjectRef('urn:uuid:a'), errors: [error] }),
      writeAdhocQueryResponse({ status: 'Failure', objectsXml: '', errors: [{ ...error, errorCode: XdsCode.TooManyResults }] }),
    ];
    expect(await validateXmlMany(docs, 'query.xsd')).to.deep.equal([[], [], [], []]);
    const parsed = docs.map((d) => parseXml(d));
    expect(parsed.map((p) => p.attrs.status)).to.deep.equal([
      ResponseStatus.Success,
      ResponseStatus.Success,
      ResponseStatus.PartialSuccess,
      ResponseStatus.Failure,
    ]);
    for (const p of parsed) expect(childOf(p, NS.rim, 'RegistryObjectList')).to.not.equal(undefined);
    expect(childOf(parsed[1], NS.rim, 'RegistryObjectList')?.children).to.have.length(2);
    expect(childOf(parsed[3], NS.rs, 'RegistryErrorList')?.children[0].attrs.errorCode).to.equal(XdsCode.TooManyResults);
  });

  it('the schema helper reports an invalid response (so the checks above can fail)', async () => {
    const bad = writeRegistryResponse([error]).replace(' status=', ' statusX=');
    const [problems] = await validateXmlMany([bad], 'rs.xsd');
    expect(problems.join('\n')).to.match(/status/);
  });
});
