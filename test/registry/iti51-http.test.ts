/** ITI-51 Multi-Patient Stored Query through the real server: one query, documents of two patients. */
import { expect } from 'chai';
import { startTestServer, postSoap, soapRequest, type TestServer } from '../support/server';
import { findElement, newPatient, parseRegistryResponse, singleDoc } from '../support/iti42';
import { escapeXml, parseXml } from '../../src/soap/xml';
import { parseCx } from '../../src/metadata/hl7-types';
import { NS, SoapAction } from '../../src/ebxml/vocabulary';

const query = (patients: readonly string[]) => `<query:AdhocQueryRequest xmlns:query="${NS.query}" xmlns:rim="${NS.rim}">
  <query:ResponseOption returnComposedObjects="true" returnType="ObjectRef"/>
  <rim:AdhocQuery id="urn:uuid:3d1bdb10-39a2-11de-89c2-2f44d94eaa9f">
    <rim:Slot name="$XDSDocumentEntryPatientId"><rim:ValueList><rim:Value>(${patients.map((p) => `'${escapeXml(p)}'`).join(',')})</rim:Value></rim:ValueList></rim:Slot>
    <rim:Slot name="$XDSDocumentEntryStatus"><rim:ValueList><rim:Value>('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')</rim:Value></rim:ValueList></rim:Slot>
  </rim:AdhocQuery>
</query:AdhocQueryRequest>`;

describe('ITI-51 Multi-Patient Stored Query over HTTPS', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.stop());

  it('FindDocumentsForMultiplePatients returns the documents of both patients; ITI-18 refuses that query id', async () => {
    const patients = [newPatient(), newPatient()];
    for (const p of patients) {
      await server.deps.stores.patients.add(parseCx(p)!);
      const r = parseRegistryResponse((await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, singleDoc({ pid: p }).xml))).text);
      expect(r.status).to.equal('Success');
    }
    const res = await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti51, query(patients)));
    expect(res.status).to.equal(200);
    const list = findElement(parseXml(res.text), NS.rim, 'RegistryObjectList');
    expect(list?.children.filter((c) => c.local === 'ObjectRef')).to.have.length(2);

    const asIti18 = await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti18, query(patients)));
    const err = findElement(parseXml(asIti18.text), NS.rs, 'RegistryError');
    expect(err?.attrs.errorCode).to.equal('XDSUnknownStoredQuery');
  });
});
