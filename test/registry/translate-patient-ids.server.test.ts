/**
 * End to end on the real server (issue 6, per-source policy): the test client is configured (IDENTITY_DOMAINS
 * sources) to translate local MRNs. It feeds its MRN over ITI-44, registers a document under that MRN over
 * ITI-42, and FindDocuments on the person's enterprise id finds it, with sourcePatientId = the MRN; the MRN
 * itself finds nothing (the document is filed under the enterprise id only).
 *
 * Needs the registry hook and the start-server wiring (createPixHandlers with config.identityDomains, and the
 * translator reaching registerSubmission): see the report of the task that added translate-patient-ids.ts.
 */
import { expect } from 'chai';
import { DocumentEntryScheme, NS, SoapAction } from '../../src/ebxml/vocabulary';
import { DEFAULT_IDENTITY_DOMAINS, NIST_AFFINITY_DOMAIN_OID, type IdentityDomains } from '../../src/patient-identity/domains';
import { escapeXml, parseXml, type XmlElement } from '../../src/soap/xml';
import { feedMessage, pixQueryMessage } from '../hl7v3/messages';
import { parseReply } from '../hl7v3/responses';
import { findElement, newOid, parseRegistryResponse, singleDoc } from '../support/iti42';
import { postSoap, soapRequest, startTestServer, type TestServer } from '../support/server';

const LOCAL = '1.2.840.30.1';
const ENT = NIST_AFFINITY_DOMAIN_OID;
const cx = (id: string, oid: string) => `${id}^^^&${oid}&ISO`;

const DOMAINS: IdentityDomains = {
  ...DEFAULT_IDENTITY_DOMAINS,
  sources: [{ name: 'test-client', tls: { commonName: 'test-client' }, translateLocalIds: true }],
};

const findDocuments = (pid: string) => `<query:AdhocQueryRequest xmlns:query="${NS.query}" xmlns:rim="${NS.rim}">
  <query:ResponseOption returnComposedObjects="true" returnType="LeafClass"/>
  <rim:AdhocQuery id="urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d">
    <rim:Slot name="$XDSDocumentEntryPatientId"><rim:ValueList><rim:Value>'${escapeXml(pid)}'</rim:Value></rim:ValueList></rim:Slot>
    <rim:Slot name="$XDSDocumentEntryStatus"><rim:ValueList><rim:Value>('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')</rim:Value></rim:ValueList></rim:Slot>
  </rim:AdhocQuery>
</query:AdhocQueryRequest>`;

const slotValue = (eo: XmlElement, name: string): string | undefined =>
  eo.children.find((c) => c.local === 'Slot' && c.attrs.name === name)?.children[0]?.children[0]?.text;

describe('registry: a translating source registers under the enterprise id (real server)', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ identityDomains: DOMAINS });
  });
  after(async () => server?.stop());

  const soap = async (path: string, action: string, body: string) => {
    const res = await postSoap(server, path, soapRequest(action, body));
    expect(res.status, res.text).to.equal(200);
    return res.text;
  };
  const hl7v3 = async (action: string, body: string) => parseReply(parseXml(await soap('/pix', action, body)).children.find((c) => c.local === 'Body')!.children[0]!);
  const documents = async (pid: string) => {
    const list = findElement(parseXml(await soap('/xds/registry', SoapAction.iti18, findDocuments(pid))), NS.rim, 'RegistryObjectList');
    return list?.children.filter((c) => c.local === 'ExtrinsicObject') ?? [];
  };

  it('ITI-44 feed of the MRN, ITI-42 under the MRN → ITI-18 by the enterprise id finds it, sourcePatientId = MRN', async () => {
    const mrn = cx(`MRN${Date.now().toString(36)}`, LOCAL);
    const fed = await hl7v3(SoapAction.iti44Add, feedMessage('PRPA_IN201301UV02', { id: mrn.split('^')[0]!, authority: LOCAL, family: 'Translate', given: 'Tess' }));
    expect(fed.ack).to.equal('AA');
    const pix = await hl7v3(SoapAction.iti45, pixQueryMessage({ id: mrn.split('^')[0]!, authority: LOCAL }, [ENT]));
    expect(pix.responseCode).to.equal('OK');
    const enterprise = cx(pix.patients[0]!.ids[0]!.id, ENT);

    // The source sends its MRN as patientId and as sourcePatientId (the usual local-only source).
    const { xml, docUid } = singleDoc({ pid: mrn, ssUid: newOid() });
    const submission = xml.replace(/(<rim:Slot name="sourcePatientId"><rim:ValueList><rim:Value>)[^<]*/, `$1${escapeXml(mrn)}`);
    const registered = parseRegistryResponse(await soap('/xds/registry', SoapAction.iti42, submission));
    expect(registered.status, JSON.stringify(registered.errors)).to.equal('Success');

    const found = await documents(enterprise);
    expect(found).to.have.length(1);
    const [eo] = found;
    const patientId = eo!.children.find((c) => c.local === 'ExternalIdentifier' && c.attrs.identificationScheme === DocumentEntryScheme.patientId);
    expect(patientId?.attrs.value).to.equal(enterprise);
    expect(slotValue(eo!, 'sourcePatientId')).to.equal(mrn);
    expect(eo!.children.some((c) => c.local === 'ExternalIdentifier' && c.attrs.value === docUid)).to.equal(true);
    expect(await documents(mrn)).to.have.length(0);
  });
});
