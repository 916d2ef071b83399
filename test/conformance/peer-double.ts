/**
 * A test double of the *peer* (an XDS.b registry + repository) for the runner's end-to-end tests: a tiny
 * HTTPS server with client-certificate checking that keeps what is registered in memory and answers
 * RegistryResponse / AdhocQueryResponse / RetrieveDocumentSetResponse. Switches let a test make it wrong.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { NS, ResponseStatus, ErrorSeverity, SoapAction, DocumentEntryScheme, SubmissionSetScheme, FolderScheme } from '../../src/ebxml/vocabulary';
import { type Node, parseTree, serialize, child, kids, findAll } from '../../src/conformance/xml-tree';
import { envelope, mtomPackage, splitMultipart } from '../../src/conformance/http-client';
import { testPki } from '../support/pki';

export interface PeerSwitches {
  checkPatients: boolean;
  corruptRetrieve: boolean;
  /** Adds an element rs.xsd does not allow to every RegistryResponse (status stays right). */
  invalidRegistryResponse: boolean;
  faultOn?: string; // a wsa:Action to answer with a SOAP fault
}

export interface Peer {
  readonly url: string;
  readonly patients: Set<string>;
  readonly switches: PeerSwitches;
  readonly requests: string[]; // actions received, in order
  close(): Promise<void>;
}

const PATIENT = new Set<string>([DocumentEntryScheme.patientId, SubmissionSetScheme.patientId, FolderScheme.patientId]);
const REPOSITORY_ID = '1.3.6.1.4.1.21367.13.20.9999';

const registryResponse = (errors: Array<[string, string]>, invalid = false) =>
  `<rs:RegistryResponse xmlns:rs="${NS.rs}" status="${errors.length ? ResponseStatus.Failure : ResponseStatus.Success}">` +
  (errors.length
    ? `<rs:RegistryErrorList>${errors.map(([c, ctx]) => `<rs:RegistryError errorCode="${c}" codeContext="${ctx}" severity="${ErrorSeverity.Error}"/>`).join('')}</rs:RegistryErrorList>`
    : '') +
  (invalid ? '<rs:Bogus/>' : '') +
  `</rs:RegistryResponse>`;

export async function startPeer(): Promise<Peer> {
  const pki = testPki();
  const objects: Node[] = [];
  const docs = new Map<string, { bytes: Buffer; mimeType: string }>();
  const patients = new Set<string>();
  const switches: PeerSwitches = { checkPatients: true, corruptRetrieve: false, invalidRegistryResponse: false };
  const requests: string[] = [];

  const unknownPatients = (sor: Node) =>
    findAll(sor, 'ExternalIdentifier').filter((e) => PATIENT.has(e.attrs.identificationScheme ?? '') && !patients.has(e.attrs.value ?? ''));

  const register = (sor: Node): string => {
    if (switches.checkPatients && unknownPatients(sor).length > 0) return registryResponse([['XDSUnknownPatientId', 'patient not known']]);
    objects.length = 0; // queries answer with the latest submission: enough for the runner's checks
    for (const o of child(sor, 'RegistryObjectList')?.children ?? []) {
      if (o.local === 'ExtrinsicObject' || o.local === 'RegistryPackage') o.attrs.status = 'urn:oasis:names:tc:ebxml-regrep:StatusType:Approved';
      objects.push(o);
    }
    return registryResponse([], switches.invalidRegistryResponse);
  };

  const provide = (req: Node, parts: Map<string, Buffer>): string => {
    const sor = child(req, 'SubmitObjectsRequest');
    if (!sor) return registryResponse([['XDSRepositoryMetadataError', 'no SubmitObjectsRequest']]);
    for (const d of kids(req, 'Document')) {
      const eo = findAll(sor, 'ExtrinsicObject').find((e) => e.attrs.id === d.attrs.id);
      const bytes = parts.get((child(d, 'Include')?.attrs.href ?? '').replace(/^cid:/, '')) ?? Buffer.alloc(0);
      const uid = eo?.children.find((c) => c.attrs.identificationScheme === DocumentEntryScheme.uniqueId)?.attrs.value;
      if (!eo || !uid) return registryResponse([['XDSMissingDocumentMetadata', d.attrs.id ?? '']]);
      const slot = (name: string, v: string): Node => ({ ns: NS.rim, local: 'Slot', prefix: 'rim', attrs: { name }, text: '', children: [{ ns: NS.rim, local: 'ValueList', prefix: 'rim', attrs: {}, text: '', children: [{ ns: NS.rim, local: 'Value', prefix: 'rim', attrs: {}, children: [], text: v }] }] });
      eo.children.unshift(slot('hash', createHash('sha1').update(bytes).digest('hex')), slot('size', String(bytes.length)), slot('repositoryUniqueId', REPOSITORY_ID));
      docs.set(uid, { bytes, mimeType: eo.attrs.mimeType ?? '' });
    }
    return register(sor);
  };

  const retrieve = (req: Node): { body: string; parts: Array<{ contentId: string; contentType: string; bytes: Buffer }> } => {
    const parts: Array<{ contentId: string; contentType: string; bytes: Buffer }> = [];
    const responses = kids(req, 'DocumentRequest').map((r, i) => {
      const uid = child(r, 'DocumentUniqueId')?.text.trim() ?? '';
      const d = docs.get(uid);
      if (!d) return '';
      const bytes = switches.corruptRetrieve ? Buffer.concat([d.bytes, Buffer.from('!')]) : d.bytes;
      parts.push({ contentId: `d${i}@peer`, contentType: d.mimeType, bytes });
      return `<xdsb:DocumentResponse><xdsb:RepositoryUniqueId>${REPOSITORY_ID}</xdsb:RepositoryUniqueId><xdsb:DocumentUniqueId>${uid}</xdsb:DocumentUniqueId><xdsb:mimeType>${d.mimeType}</xdsb:mimeType><xdsb:Document><xop:Include xmlns:xop="${NS.xop}" href="cid:d${i}%40peer"/></xdsb:Document></xdsb:DocumentResponse>`;
    });
    return {
      body: `<xdsb:RetrieveDocumentSetResponse xmlns:xdsb="${NS.xdsb}"><rs:RegistryResponse xmlns:rs="${NS.rs}" status="${ResponseStatus.Success}"/>${responses.join('')}</xdsb:RetrieveDocumentSetResponse>`,
      parts,
    };
  };

  const server: Server = createServer({ key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const ct = String(req.headers['content-type'] ?? '');
      const { root, parts } = ct.startsWith('multipart/') ? splitMultipart(ct, raw) : { root: raw, parts: new Map<string, Buffer>() };
      const env = parseTree(root.toString('utf8'));
      const action = findAll(env, 'Action')[0]?.text.trim() ?? '';
      const body = child(env, 'Body')?.children[0];
      requests.push(action);
      const reply = (xml: string, mtom?: ReturnType<typeof retrieve>['parts']) => {
        const soap = envelope(`${action}Response`, 'http://www.w3.org/2005/08/addressing/anonymous', xml);
        const pkg = mtom ? mtomPackage(`${action}Response`, soap, mtom) : { contentType: 'application/soap+xml; charset=UTF-8', body: Buffer.from(soap) };
        res.writeHead(200, { 'Content-Type': pkg.contentType }).end(pkg.body);
      };
      if (!body || action === switches.faultOn) {
        const fault = `<s:Fault xmlns:s="${NS.soap12}"><s:Code><s:Value>s:Receiver</s:Value></s:Code><s:Reason><s:Text xml:lang="en">not today</s:Text></s:Reason></s:Fault>`;
        res.writeHead(500, { 'Content-Type': 'application/soap+xml' }).end(envelope('http://www.w3.org/2005/08/addressing/fault', 'x', fault));
        return;
      }
      if (action === SoapAction.iti42) reply(register(body));
      else if (action === SoapAction.iti44Add) {
        const id = findAll(body, 'patient')[0]?.children.find((c) => c.local === 'id');
        const ok = !!id?.attrs.root && !!id.attrs.extension;
        if (ok) patients.add(`${id.attrs.extension}^^^&${id.attrs.root}&ISO`);
        reply(`<MCCI_IN000002UV01 xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0"><acknowledgement><typeCode code="${ok ? 'AA' : 'AE'}"/></acknowledgement></MCCI_IN000002UV01>`);
      } else if (action === SoapAction.iti41) reply(provide(body, parts));
      else if (action === SoapAction.iti18) {
        reply(`<query:AdhocQueryResponse xmlns:query="${NS.query}" status="${ResponseStatus.Success}"><rim:RegistryObjectList xmlns:rim="${NS.rim}">${objects.map((o) => serialize(o)).join('')}</rim:RegistryObjectList></query:AdhocQueryResponse>`);
      } else if (action === SoapAction.iti43) {
        const r = retrieve(body);
        reply(r.body, r.parts);
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://localhost:${port}`,
    patients,
    switches,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
