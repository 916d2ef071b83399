/**
 * The SOAP endpoints end to end over mutual TLS: dispatch by wsa:Action, the error conversion of
 * soap-route.ts, hostile XML (security.md X1–X3), size caps (X11) and MTOM attachments reaching a handler
 * as pending blobs that are discarded afterwards. Test-only transaction rows carry real handlers.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import pino from 'pino';
import request from 'supertest';
import { XdsCode, XdsError, SoapFaultError } from '../../src/errors';
import { SoapAction } from '../../src/ebxml/vocabulary';
import { resolveXopInclude } from '../../src/soap/read-request';
import { escapeXml } from '../../src/soap/xml';
import { TRANSACTIONS, type TransactionDef } from '../../src/transactions';
import { persisted } from '../support/persisted';
import { postSoap, soapRequest, startTestServer, type TestServer } from '../support/server';
import { parseReply } from '../support/soap-fault';

const XDSB = 'urn:ihe:iti:xds-b:2007';
const RS = 'urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0';
const base = (id: string, action: string) => TRANSACTIONS.find((t) => t.id === id && t.action === action)!;

const registryErrorBody = (errors: readonly { errorCode: string; codeContext: string; severity: string }[]) =>
  `<rs:RegistryResponse xmlns:rs="${RS}" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure"><rs:RegistryErrorList>` +
  errors.map((e) => `<rs:RegistryError errorCode="${escapeXml(e.errorCode)}" codeContext="${escapeXml(e.codeContext)}" severity="${e.severity}"/>`).join('') +
  `</rs:RegistryErrorList></rs:RegistryResponse>`;

/** ITI-41 row whose handler reports, per xdsb:Document, the attachment the transport stored for it. */
const echoIti41: TransactionDef = {
  ...base('ITI-41', SoapAction.iti41),
  errorBody: registryErrorBody,
  handler: async (req) => {
    const docs = req.body.children.filter((c) => c.ns === XDSB && c.local === 'Document');
    const items = docs.map((d) => {
      const a = resolveXopInclude(d, req);
      return `<t:Doc id="${escapeXml(d.attrs.id ?? '')}" cid="${escapeXml(a?.contentId ?? '')}" sha1="${a?.stored.sha1 ?? ''}" size="${a?.stored.size ?? -1}"/>`;
    });
    return { body: `<t:Echo xmlns:t="urn:test">${items.join('')}</t:Echo>`, count: docs.length };
  },
};

const TABLE: readonly TransactionDef[] = [
  echoIti41,
  // ITI-42: an XDS error becomes a RegistryResponse Failure (HTTP 200).
  { ...base('ITI-42', SoapAction.iti42), errorBody: registryErrorBody, handler: async () => { throw XdsError.of(XdsCode.UnknownPatientId, 'patient P1^^^&1.2.3&ISO'); } },
  // ITI-18: an unexpected error becomes XDSRegistryError with a reference, and leaks nothing.
  { ...base('ITI-18', SoapAction.iti18), errorBody: registryErrorBody, handler: async () => { throw new Error('secret internal detail'); } },
  // ITI-43: no handler → not implemented.
  base('ITI-43', SoapAction.iti43),
  // ITI-45: a handler's SoapFaultError is sent as is; ITI-47: MTOM reply with parts; ITI-44 add: plain error → Receiver fault.
  { ...base('ITI-45', SoapAction.iti45), handler: async () => { throw new SoapFaultError('Sender', 'bad query', 'wsa:InvalidAddressingHeader'); } },
  {
    ...base('ITI-47', SoapAction.iti47),
    handler: async () => ({
      body: `<t:WithParts xmlns:t="urn:test"/>`,
      parts: [{ contentId: 'part1@test', contentType: 'text/plain', stream: () => (async function* () { yield Buffer.from('hello part'); })() as never }],
    }),
  },
  { ...base('ITI-44', SoapAction.iti44Add), handler: async () => { throw new Error('unexpected'); } },
];

function mtomRequest(envelope: string, parts: { cid: string; bytes: Buffer }[], boundary = 'MIMEBoundary_tessera_test') {
  const chunks: Buffer[] = [
    Buffer.from(
      `--${boundary}\r\nContent-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"\r\n` +
        `Content-Transfer-Encoding: 8bit\r\nContent-ID: <root@test>\r\n\r\n${envelope}\r\n`,
    ),
  ];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <${p.cid}>\r\n\r\n`));
    chunks.push(p.bytes, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    contentType: `multipart/related; type="application/xop+xml"; boundary="${boundary}"; start="<root@test>"; start-info="application/soap+xml"`,
    body: Buffer.concat(chunks),
  };
}

const pnr = (docs: { id: string; cid: string }[]) =>
  `<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="${XDSB}">` +
  docs.map((d) => `<xdsb:Document id="${d.id}"><xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include" href="cid:${d.cid}"/></xdsb:Document>`).join('') +
  `</xdsb:ProvideAndRegisterDocumentSetRequest>`;

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

describe('app: SOAP endpoints', () => {
  let server: TestServer;
  const logLines: Record<string, unknown>[] = [];
  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    server = await startTestServer(
      { maxEnvelopeBytes: 256 * 1024, maxDocumentBytes: 4 * 1024 * 1024 },
      { transactions: TABLE, log: pino({ level: 'info' }, sink) },
    );
  });
  after(async () => {
    await server?.stop();
  });

  it('delivers two MTOM attachments to the handler with their SHA-1 and size, then discards the pending blobs', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17);
    const small = Buffer.from([0x00, 0x0d, 0x0a]);
    const before = persisted(server.dataDir);
    const msg = mtomRequest(soapRequest(SoapAction.iti41, pnr([{ id: 'Doc1', cid: 'doc1@test' }, { id: 'Doc2', cid: 'doc2%40test' }]), 'urn:uuid:mtom-1'), [
      { cid: 'doc1@test', bytes: big },
      { cid: 'doc2@test', bytes: small },
    ]);
    const res = await postSoap(server, '/xds/repository', msg.body, msg.contentType);
    expect(res.status).to.equal(200);
    const reply = parseReply(res.text);
    expect(reply.action).to.equal(`${SoapAction.iti41}Response`);
    expect(reply.relatesTo).to.equal('urn:uuid:mtom-1');
    const docs = reply.body.children.map((c) => c.attrs);
    expect(docs).to.deep.equal([
      { id: 'Doc1', cid: 'doc1@test', sha1: sha1(big), size: String(big.length) },
      { id: 'Doc2', cid: 'doc2@test', sha1: sha1(small), size: '3' },
    ]);
    expect(persisted(server.dataDir)).to.deep.equal(before); // uncommitted blobs were discarded
  });

  it('answers an unknown action with a Sender fault wsa:ActionNotSupported (400)', async () => {
    const res = await postSoap(server, '/xds/registry', soapRequest('urn:example:NoSuchAction', '<x:Q xmlns:x="urn:x"/>', 'urn:uuid:unknown-1'));
    expect(res.status).to.equal(400);
    expect(res.headers['content-type']).to.match(/^application\/soap\+xml/);
    const { fault, relatesTo } = parseReply(res.text);
    expect(fault?.code).to.equal('soap:Sender');
    expect(fault?.subcode).to.match(/:ActionNotSupported$/);
    expect(relatesTo).to.equal('urn:uuid:unknown-1');
  });

  it('rejects an action that belongs to another endpoint', async () => {
    const res = await postSoap(server, '/pix', soapRequest(SoapAction.iti18, '<x:Q xmlns:x="urn:x"/>'));
    expect(res.status).to.equal(400);
    expect(parseReply(res.text).fault?.subcode).to.match(/:ActionNotSupported$/);
  });

  it('answers a transaction without a handler with a Receiver fault "not implemented" (500)', async () => {
    const res = await postSoap(server, '/xds/repository', soapRequest(SoapAction.iti43, '<x:Q xmlns:x="urn:x"/>'));
    expect(res.status).to.equal(500);
    const { fault } = parseReply(res.text);
    expect(fault?.code).to.equal('soap:Receiver');
    expect(fault?.reason).to.equal('transaction ITI-43 is not implemented');
  });

  it('turns an XdsError into the transaction error body with HTTP 200', async () => {
    const res = await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, '<x:S xmlns:x="urn:x"/>', 'urn:uuid:xds-1'));
    expect(res.status).to.equal(200);
    const reply = parseReply(res.text);
    expect(reply.action).to.equal(`${SoapAction.iti42}Response`);
    expect(reply.relatesTo).to.equal('urn:uuid:xds-1');
    const error = reply.body.children[0]!.children[0]!;
    expect(error.attrs).to.include({ errorCode: 'XDSUnknownPatientId', severity: 'Error' });
  });

  it('turns an unexpected error into XDSRegistryError "internal error (ref …)" without leaking the message', async () => {
    const res = await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti18, '<x:Q xmlns:x="urn:x"/>'));
    expect(res.status).to.equal(200);
    expect(res.text).to.not.contain('secret internal detail');
    const error = parseReply(res.text).body.children[0]!.children[0]!;
    expect(error.attrs.errorCode).to.equal('XDSRegistryError');
    expect(error.attrs.codeContext).to.match(/^internal error \(ref [0-9a-f-]{36}\)$/);
  });

  it('turns an unexpected error of a transaction without errorBody into a Receiver fault (500)', async () => {
    const res = await postSoap(server, '/pix', soapRequest(SoapAction.iti44Add, '<x:Q xmlns:x="urn:x"/>'));
    expect(res.status).to.equal(500);
    const { fault } = parseReply(res.text);
    expect(fault?.code).to.equal('soap:Receiver');
    expect(fault?.reason).to.match(/^internal error \(ref [0-9a-f-]{36}\)$/);
    expect(res.text).to.not.contain('unexpected');
  });

  it("sends a handler's SoapFaultError as that fault", async () => {
    const res = await postSoap(server, '/pix', soapRequest(SoapAction.iti45, '<x:Q xmlns:x="urn:x"/>'));
    expect(res.status).to.equal(400);
    expect(parseReply(res.text).fault).to.deep.include({ code: 'soap:Sender', reason: 'bad query' });
  });

  it('writes an MTOM reply when the handler returns parts', async () => {
    const res = await postSoap(server, '/pdq', soapRequest(SoapAction.iti47, '<x:Q xmlns:x="urn:x"/>'));
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^multipart\/related;.*application\/xop\+xml/);
    expect(res.text).to.contain('hello part');
    expect(res.text).to.contain('<part1@test>');
  });

  it('answers malformed XML with a Sender fault (400)', async () => {
    const res = await postSoap(server, '/xds/registry', '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><a></b>');
    expect(res.status).to.equal(400);
    expect(parseReply(res.text).fault?.code).to.equal('soap:Sender');
  });

  const hostile: Record<string, string> = {
    'a DOCTYPE': `<!DOCTYPE Envelope>${soapRequest(SoapAction.iti42, '<x:S xmlns:x="urn:x"/>').replace(/^<\?xml[^>]*>/, '')}`,
    'an external entity (XXE)': `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${soapRequest(SoapAction.iti42, '<x:S xmlns:x="urn:x">&xxe;</x:S>').replace(/^<\?xml[^>]*>/, '')}`,
    'billion laughs': `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>${soapRequest(SoapAction.iti42, '<x:S xmlns:x="urn:x">&lol9;</x:S>').replace(/^<\?xml[^>]*>/, '')}`,
  };
  for (const [name, text] of Object.entries(hostile)) {
    it(`rejects ${name} with a Sender fault and persists nothing`, async () => {
      const before = persisted(server.dataDir);
      const started = Date.now();
      const res = await postSoap(server, '/xds/registry', text);
      expect(Date.now() - started).to.be.lessThan(2000);
      expect(res.status).to.equal(400);
      expect(parseReply(res.text).fault?.code).to.equal('soap:Sender');
      expect(res.text).to.not.contain('root:');
      expect(persisted(server.dataDir)).to.deep.equal(before);
    });
  }

  it('rejects a DOCTYPE in an MTOM root part and leaves no attachment behind', async () => {
    const before = persisted(server.dataDir);
    const envelope = `<!DOCTYPE x [<!ENTITY e "e">]>${soapRequest(SoapAction.iti41, pnr([{ id: 'D', cid: 'd@test' }])).replace(/^<\?xml[^>]*>/, '')}`;
    const msg = mtomRequest(envelope, [{ cid: 'd@test', bytes: randomBytes(200_000) }]);
    const res = await postSoap(server, '/xds/repository', msg.body, msg.contentType);
    expect(res.status).to.equal(400);
    expect(persisted(server.dataDir)).to.deep.equal(before);
  });

  it('answers an envelope above MAX_ENVELOPE_BYTES with 413 and a fault', async () => {
    const res = await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, `<x:S xmlns:x="urn:x">${'a'.repeat(300 * 1024)}</x:S>`));
    expect(res.status).to.equal(413);
    expect(parseReply(res.text).fault?.code).to.equal('soap:Sender');
  });

  it('answers an attachment above MAX_DOCUMENT_BYTES with 413 and keeps no blob', async () => {
    const before = persisted(server.dataDir);
    const msg = mtomRequest(soapRequest(SoapAction.iti41, pnr([{ id: 'D', cid: 'd@test' }])), [{ cid: 'd@test', bytes: randomBytes(5 * 1024 * 1024) }]);
    const res = await postSoap(server, '/xds/repository', msg.body, msg.contentType);
    expect(res.status).to.equal(413);
    expect(persisted(server.dataDir)).to.deep.equal(before);
  });

  it('refuses attachments on an endpoint whose transactions take none', async () => {
    const msg = mtomRequest(soapRequest(SoapAction.iti42, '<x:S xmlns:x="urn:x"/>'), [{ cid: 'd@test', bytes: Buffer.from('x') }]);
    const res = await postSoap(server, '/xds/registry', msg.body, msg.contentType);
    expect(res.status).to.equal(400);
    expect(parseReply(res.text).fault?.code).to.equal('soap:Sender');
  });

  it('answers unknown paths with a short 404, and SOAP posts to unknown paths with a fault', async () => {
    const get = await request(server.url).get('/nothing').ca(server.ca).cert(server.cert).key(server.key);
    expect(get.status).to.equal(404);
    expect(get.text).to.equal('Not Found\n');
    const getEndpoint = await request(server.url).get('/xds/registry').ca(server.ca).cert(server.cert).key(server.key);
    expect(getEndpoint.status).to.equal(404);
    const post = await postSoap(server, '/xds/elsewhere', soapRequest(SoapAction.iti42, '<x:S xmlns:x="urn:x"/>'));
    expect(post.status).to.equal(404);
    expect(parseReply(post.text).fault?.subcode).to.match(/:DestinationUnreachable$/);
    const put = await request(server.url).put('/xds/registry').ca(server.ca).cert(server.cert).key(server.key).send('x');
    expect(put.status).to.equal(404);
  });

  it('logs one line per request with ids, identity, status and timing, but no body content', async () => {
    logLines.length = 0;
    await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, '<x:S xmlns:x="urn:x">DOE^JOHN</x:S>', 'urn:uuid:log-1'));
    const line = logLines.find((l) => l.msg === 'soap request' && l.messageId === 'urn:uuid:log-1');
    expect(line).to.deep.include({ transaction: 'ITI-42', action: SoapAction.iti42, peer: 'test-client', status: 200, outcome: 'xds-error', count: 1 });
    expect(line!.durationMs).to.be.a('number');
    expect(JSON.stringify(logLines)).to.not.contain('DOE^JOHN');
  });

  it('exposes a request histogram by transaction and status on /metrics', async () => {
    const res = await request(server.adminUrl).get('/metrics');
    expect(res.status).to.equal(200);
    expect(res.text).to.match(/tessera_soap_request_duration_seconds_count\{transaction="ITI-41",status="200"\} [1-9]/);
    expect(res.text).to.match(/tessera_soap_request_duration_seconds_count\{transaction="ITI-43",status="500"\} [1-9]/);
  });
});
