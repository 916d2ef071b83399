/**
 * Across protocols on one running server (issues 6, 7): a patient fed by HL7v2 ITI-8 over MLLP/TLS is
 * accepted by ITI-42; after an ADT^A40 merge the merged-away id is rejected (XDSUnknownPatientId) and
 * FindDocuments on the survivor finds the documents registered under the old id (nothing rewritten).
 */
import { expect } from 'chai';
import { startTestServer, postSoap, soapRequest, type TestServer } from '../support/server';
import { findElement, newOid, parseRegistryResponse, singleDoc } from '../support/iti42';
import { sendMllp } from '../../src/app/mllp-server';
import { parseEr7 } from '../../src/hl7v2/er7';
import { escapeXml, parseXml } from '../../src/soap/xml';
import { NS, SoapAction } from '../../src/ebxml/vocabulary';

const AUTHORITY = '1.3.6.1.4.1.21367.13.20.1000';
const cx = (id: string) => `${id}^^^&${AUTHORITY}&ISO`;

const adt = (event: 'A01' | 'A40', structure: string, pid: string, mrg?: string) =>
  [
    `MSH|^~\\&|HIS|HOSP|TESSERA|TESSERA|20261124120000||ADT^${event}^${structure}|${newOid()}|P|2.5`,
    `EVN|${event}|20261124120000`,
    `PID|||${pid}||DOE^JANE||19800101|F`,
    mrg ? `MRG|${mrg}` : 'PV1||O',
  ].join('\r') + '\r';

const findDocuments = (pid: string) => `<query:AdhocQueryRequest xmlns:query="${NS.query}" xmlns:rim="${NS.rim}">
  <query:ResponseOption returnComposedObjects="true" returnType="ObjectRef"/>
  <rim:AdhocQuery id="urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d">
    <rim:Slot name="$XDSDocumentEntryPatientId"><rim:ValueList><rim:Value>'${escapeXml(pid)}'</rim:Value></rim:ValueList></rim:Slot>
    <rim:Slot name="$XDSDocumentEntryStatus"><rim:ValueList><rim:Value>('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')</rim:Value></rim:ValueList></rim:Slot>
  </rim:AdhocQuery>
</query:AdhocQueryRequest>`;

describe('HL7v2 feed → XDS registry on one server', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.stop());

  const feed = async (message: string) => {
    const reply = parseEr7(await sendMllp({ host: 'localhost', port: server.mllpPort! }, message, { ca: server.ca, cert: server.cert, key: server.key }));
    return reply.segments.find((s) => s.name === 'MSA')?.get(1);
  };
  const register = async (pid: string) =>
    parseRegistryResponse((await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, singleDoc({ pid }).xml))).text);
  const objectRefs = async (pid: string) => {
    const res = await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti18, findDocuments(pid)));
    const list = findElement(parseXml(res.text), NS.rim, 'RegistryObjectList');
    return list?.children.filter((c) => c.local === 'ObjectRef').length ?? -1;
  };

  it('ITI-8 feed, ITI-42 accepted; A40 merge, the old id rejected and its documents found under the survivor', async () => {
    const stamp = Date.now().toString(36);
    const [old, survivor] = [cx(`V2OLD${stamp}`), cx(`V2NEW${stamp}`)];
    expect(await feed(adt('A01', 'ADT_A01', old))).to.equal('AA');
    expect(await feed(adt('A01', 'ADT_A01', survivor))).to.equal('AA');
    expect((await register(old)).status).to.equal('Success');
    expect(await objectRefs(survivor)).to.equal(0);

    expect(await feed(adt('A40', 'ADT_A39', survivor, old))).to.equal('AA');
    const rejected = await register(old);
    expect(rejected.status).to.equal('Failure');
    expect(rejected.errors.map((e) => e.errorCode)).to.deep.equal(['XDSUnknownPatientId']);
    expect((await register(survivor)).status).to.equal('Success');
    expect(await objectRefs(survivor)).to.equal(2);
  });

  it('an unknown patient is still refused until it is fed', async () => {
    const pid = cx(`V2NONE${Date.now().toString(36)}`);
    expect((await register(pid)).errors.map((e) => e.errorCode)).to.deep.equal(['XDSUnknownPatientId']);
    expect(await feed(adt('A01', 'ADT_A01', pid))).to.equal('AA');
    expect((await register(pid)).status).to.equal('Success');
  });
});
