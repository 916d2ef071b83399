import { expect } from 'chai';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { SoapFaultError } from '../../src/errors';
import { readSoapRequest, resolveXopInclude, type ReadOptions } from '../../src/soap/read-request';
import { childOf } from '../../src/soap/xml';
import {
  bytes, envelope, hashingSink, include, mtomHeaders, multipart, ROOT_TYPE, sha1Of, streamOf,
  type Hashed, type PartSpec,
} from './helpers';

const PLAIN = { 'content-type': 'application/soap+xml; charset=UTF-8; action="urn:test:Do"' };
const B = 'MIMEBoundary_0123456789abcdef';

const opts = (over: Partial<ReadOptions<Hashed>> = {}): ReadOptions<Hashed> & { discarded: Hashed[][] } => {
  const discarded: Hashed[][] = [];
  return {
    maxEnvelopeBytes: 1024 * 1024,
    maxAttachmentBytes: 10 * 1024 * 1024,
    attachmentSink: hashingSink,
    discard: async (s) => void discarded.push([...s]),
    discarded,
    ...over,
  };
};

const read = (headers: IncomingHttpHeaders, source: Iterable<Buffer> | string, o = opts(), chunk = 64 * 1024) =>
  readSoapRequest({ headers, stream: streamOf(typeof source === 'string' ? [Buffer.from(source)] : source, chunk) }, o);

async function fault(p: Promise<unknown>): Promise<SoapFaultError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(SoapFaultError);
    return e as SoapFaultError;
  }
  throw new Error('expected a SoapFaultError');
}

const root = (xml: string, id = '<root@test>'): PartSpec => ({ headers: { 'Content-Type': ROOT_TYPE, 'Content-Transfer-Encoding': 'binary', 'Content-ID': id }, body: xml });
const att = (id: string, body: PartSpec['body'], extra: Record<string, string> = {}): PartSpec => ({
  headers: { 'Content-Type': 'application/octet-stream', 'Content-Transfer-Encoding': 'binary', 'Content-ID': `<${id}>`, ...extra },
  body,
});
const docBody = (...hrefs: string[]) =>
  `<t:Req xmlns:t="urn:test">${hrefs.map((h, i) => `<t:Document id="d${i}">${include(h)}</t:Document>`).join('')}</t:Req>`;

describe('soap/read-request', () => {
  describe('plain SOAP 1.2', () => {
    it('reads the envelope and WS-Addressing headers, fed one byte at a time', async () => {
      const req = await read(PLAIN, envelope(), opts(), 1);
      expect(req.mtom).to.equal(false);
      expect(req.action).to.equal('urn:test:Do');
      expect(req.messageId).to.equal('urn:uuid:11111111-2222-3333-4444-555555555555');
      expect(req.to).to.equal('https://example.org/xds');
      expect(req.replyTo).to.equal('http://www.w3.org/2005/08/addressing/anonymous');
      expect(req.body.local).to.equal('Req');
      expect(req.attachments.size).to.equal(0);
    });

    it('treats the wsa:Action header as authoritative over the Content-Type action parameter', async () => {
      const req = await read({ 'content-type': 'application/soap+xml; action="urn:other"' }, envelope());
      expect(req.action).to.equal('urn:test:Do');
    });

    it('rejects a SOAP 1.1 envelope and the SOAP 1.1 media type with VersionMismatch', async () => {
      expect((await fault(read(PLAIN, envelope({ ns: 'http://schemas.xmlsoap.org/soap/envelope/' })))).code).to.equal('VersionMismatch');
      expect((await fault(read({ 'content-type': 'text/xml; charset=utf-8' }, envelope()))).code).to.equal('VersionMismatch');
      expect((await fault(read(PLAIN, '<Envelope xmlns="urn:not-soap"><Body><x/></Body></Envelope>'))).code).to.equal('VersionMismatch');
    });

    it('requires wsa:Action', async () => {
      const f = await fault(read(PLAIN, envelope({ action: null })));
      expect([f.code, f.subcode, f.httpStatus]).to.deep.equal(['Sender', 'wsa:MessageAddressingHeaderRequired', 400]);
    });

    it('rejects a repeated wsa:Action', async () => {
      const f = await fault(read(PLAIN, envelope({ extraHeaders: '<wsa:Action>urn:x</wsa:Action>' })));
      expect(f.subcode).to.equal('wsa:InvalidAddressingHeader');
    });

    it('faults on a mandatory header it does not understand, but accepts wsse:Security and other roles', async () => {
      const unknown = '<x:Tx xmlns:x="urn:tx" soap:mustUnderstand="1"/>';
      expect((await fault(read(PLAIN, envelope({ extraHeaders: unknown })))).code).to.equal('MustUnderstand');
      const otherRole = '<x:Tx xmlns:x="urn:tx" soap:mustUnderstand="true" soap:role="http://www.w3.org/2003/05/soap-envelope/role/none"/>';
      await read(PLAIN, envelope({ extraHeaders: otherRole }));
      const optional = '<x:Tx xmlns:x="urn:tx" soap:mustUnderstand="false"/>';
      await read(PLAIN, envelope({ extraHeaders: optional }));
      const wsse = '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" soap:mustUnderstand="true"/>';
      await read(PLAIN, envelope({ extraHeaders: wsse }));
    });

    it('rejects DOCTYPE / XXE, malformed XML and invalid UTF-8 as Sender faults', async () => {
      const xxe = `<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>${envelope().replace(/^<\?xml[^>]*>/, '')}`;
      for (const bad of [xxe, envelope().replace('</soap:Body>', '</soap:Bodi>')]) {
        const f = await fault(read(PLAIN, bad));
        expect([f.code, f.httpStatus]).to.deep.equal(['Sender', 400]);
        expect(f.message).to.not.contain('passwd');
      }
      const latin1 = Buffer.concat([Buffer.from(envelope({ body: '<t:R xmlns:t="urn:t">' })), Buffer.from([0xe9]), Buffer.from('</t:R>')]);
      expect((await fault(read(PLAIN, [latin1]))).code).to.equal('Sender');
    });

    it('requires exactly one element in soap:Body', async () => {
      expect((await fault(read(PLAIN, envelope({ body: '<a/><b/>' })))).code).to.equal('Sender');
      expect((await fault(read(PLAIN, envelope({ body: '' })))).code).to.equal('Sender');
    });

    it('answers 415 for other media types and for compressed bodies', async () => {
      expect((await fault(read({ 'content-type': 'application/json' }, '{}'))).httpStatus).to.equal(415);
      expect((await fault(read({}, envelope()))).httpStatus).to.equal(415);
      expect((await fault(read({ ...PLAIN, 'content-encoding': 'gzip' }, envelope()))).httpStatus).to.equal(415);
      expect((await fault(read({ 'content-type': 'multipart/related; boundary=x; type="text/xml"' }, envelope()))).httpStatus).to.equal(415);
    });

    it('answers 413 for an oversized body while streaming, and for a declared length before reading', async () => {
      const big = envelope({ body: `<t:R xmlns:t="urn:t">${'x'.repeat(20_000)}</t:R>` });
      const f = await fault(read(PLAIN, big, opts({ maxEnvelopeBytes: 10_000 }), 1000));
      expect(f.httpStatus).to.equal(413);
      let pulled = false;
      const stream = new Readable({ read() { pulled = true; this.push(null); } });
      const g = await fault(readSoapRequest({ headers: { ...PLAIN, 'content-length': '20001' }, stream }, opts({ maxEnvelopeBytes: 20_000 })));
      expect(g.httpStatus).to.equal(413);
      expect(pulled).to.equal(false);
    });
  });

  describe('MTOM/XOP', () => {
    it('streams a ~5 MB and a 3-byte attachment to the sink with correct SHA-1 and size', async function () {
      this.timeout(60_000);
      const big = () => bytes(5 * 1024 * 1024 + 17, 7);
      const small = Buffer.from([0x2d, 0x0d, 0x0a]); // "-\r\n": looks like the start of a delimiter
      const parts = [root(envelope({ body: docBody('cid:doc1@test', 'cid:doc2@test') })), att('doc1@test', big), att('doc2@test', small, { 'Content-Type': 'text/plain' })];
      for (const chunk of [64 * 1024, 1021]) {
        const o = opts();
        const req = await read(mtomHeaders(B, '<root@test>'), multipart(B, parts), o, chunk);
        expect(req.mtom).to.equal(true);
        const d1 = resolveXopInclude(req.body.children[0], req);
        const d2 = resolveXopInclude(req.body.children[1], req);
        expect(d1?.stored).to.include(sha1Of(big()));
        expect(d2?.stored).to.include(sha1Of([small]));
        expect(d2?.contentType).to.equal('text/plain');
        expect(o.discarded).to.have.length(0);
      }
    });

    it('reads a small MTOM message fed one byte at a time', async () => {
      const parts = [root(envelope({ body: docBody('cid:a@b') })), att('a@b', 'hello\r\n--not-a-boundary')];
      const req = await read(mtomHeaders(B), multipart(B, parts), opts(), 1);
      expect(resolveXopInclude(req.body.children[0], req)?.stored).to.include(sha1Of([Buffer.from('hello\r\n--not-a-boundary')]));
    });

    it('matches a percent-encoded cid: href to its Content-ID (RFC 2392)', async () => {
      const id = 'fdf975cc-9f08-4d94-b7f6-99f4807f3654-1@urn:ihe:iti:xds-b:2007';
      const parts = [root(envelope({ body: docBody('cid:fdf975cc-9f08-4d94-b7f6-99f4807f3654-1@urn%3Aihe%3Aiti%3Axds-b%3A2007') })), att(id, 'doc')];
      const req = await read(mtomHeaders(B), multipart(B, parts));
      expect(req.attachments.has(id)).to.equal(true);
      expect(resolveXopInclude(req.body.children[0], req)?.contentId).to.equal(id);
    });

    it('accepts WCF framing: leading empty line, uuid:…+id=17 boundary, URL Content-ID, 8bit, inline base64 and no attachment', async () => {
      const wcf = 'uuid:376733a6-6a2d-4583-a687-04c08acf6a49+id=17';
      const headers = { 'content-type': `multipart/related;type="application/xop+xml";start="<http://tempuri.org/0>";boundary="${wcf}";start-info="application/soap+xml"` };
      const part: PartSpec = {
        headers: { 'Content-ID': '<http://tempuri.org/0>', 'Content-Transfer-Encoding': '8bit', 'Content-Type': 'application/xop+xml;charset=utf-8;type="application/soap+xml"' },
        body: envelope({ body: '<t:Req xmlns:t="urn:test"><t:Document id="d">SGVsbG8=</t:Document></t:Req>' }),
      };
      for (const chunk of [1, 5, 64 * 1024]) {
        const req = await read(headers, multipart(wcf, [part], { preamble: '\r\n' }), opts(), chunk);
        expect(req.mtom).to.equal(true);
        expect(req.attachments.size).to.equal(0);
        expect(childOf(req.body, 'urn:test', 'Document')?.text).to.equal('SGVsbG8=');
        expect(resolveXopInclude(req.body.children[0], req)).to.equal(undefined);
      }
    });

    it('finds the root part by `start` even when it is not first', async () => {
      const parts = [att('a@b', 'doc'), root(envelope({ body: docBody('cid:a@b') }), '<the-root>')];
      const req = await read(mtomHeaders(B, '<the-root>'), multipart(B, parts));
      expect(req.attachments.get('a@b')?.stored.size).to.equal(3);
    });

    it('faults when `start` names no part', async () => {
      const parts = [root(envelope())];
      expect((await fault(read(mtomHeaders(B, '<missing>'), multipart(B, parts)))).code).to.equal('Sender');
    });

    it('faults on an xop:Include naming no part, and on a part that nothing references; stored parts are discarded', async () => {
      let o = opts();
      let f = await fault(read(mtomHeaders(B), multipart(B, [root(envelope({ body: docBody('cid:nope@x') })), att('a@b', 'doc')]), o));
      expect(f.code).to.equal('Sender');
      expect(o.discarded[0]?.map((s) => s.contentId)).to.deep.equal(['a@b']);
      o = opts();
      f = await fault(read(mtomHeaders(B), multipart(B, [root(envelope({ body: docBody('cid:a@b') })), att('a@b', 'doc'), att('c@d', 'x')]), o));
      expect(f.code).to.equal('Sender');
      expect(o.discarded[0]).to.have.length(2);
    });

    it('faults when attachments arrive at an endpoint with no sink', async () => {
      const f = await fault(read(mtomHeaders(B), multipart(B, [root(envelope({ body: docBody('cid:a@b') })), att('a@b', 'doc')]), opts({ attachmentSink: undefined })));
      expect(f.code).to.equal('Sender');
    });

    it('answers 413 for an oversized attachment and discards what was already stored', async () => {
      const o = opts({ maxAttachmentBytes: 100_000 });
      const parts = [root(envelope({ body: docBody('cid:a@b', 'cid:c@d') })), att('a@b', 'small'), att('c@d', () => bytes(300_000))];
      const f = await fault(read(mtomHeaders(B), multipart(B, parts), o, 8192));
      expect(f.httpStatus).to.equal(413);
      expect(o.discarded).to.have.length(1);
      expect(o.discarded[0].map((s) => s.contentId)).to.deep.equal(['a@b']);
    });

    it('answers 413 for an oversized root part', async () => {
      const parts = [root(envelope({ body: `<t:R xmlns:t="urn:t">${'y'.repeat(50_000)}</t:R>` }))];
      expect((await fault(read(mtomHeaders(B), multipart(B, parts), opts({ maxEnvelopeBytes: 10_000 })))).httpStatus).to.equal(413);
    });

    it('faults on a truncated body (no close delimiter) and discards stored parts', async () => {
      const o = opts();
      const parts = [root(envelope({ body: docBody('cid:a@b', 'cid:c@d') })), att('a@b', 'complete'), att('c@d', 'cut off here')];
      const f = await fault(read(mtomHeaders(B), multipart(B, parts, { close: false }), o, 7));
      expect([f.code, f.message]).to.deep.equal(['Sender', 'Multipart body ends without its close delimiter']);
      expect(o.discarded[0]?.map((s) => s.contentId)).to.deep.equal(['a@b']);
    });

    it('faults on a body cut inside part headers', async () => {
      const cut = Buffer.from(`--${B}\r\nContent-Type: application/xop+xml\r\nContent-I`);
      expect((await fault(read(mtomHeaders(B), [cut]))).code).to.equal('Sender');
    });

    it('faults on duplicate Content-IDs', async () => {
      const parts = [root(envelope({ body: docBody('cid:a@b') })), att('a@b', 'one'), att('a@b', 'two')];
      expect((await fault(read(mtomHeaders(B), multipart(B, parts)))).message).to.equal('Duplicate Content-ID in the multipart body');
    });

    it('faults on a transfer encoding other than binary/8bit/7bit', async () => {
      const parts = [root(envelope({ body: docBody('cid:a@b') })), att('a@b', 'aGk=', { 'Content-Transfer-Encoding': 'base64' })];
      const f = await fault(read(mtomHeaders(B), multipart(B, parts)));
      expect([f.code, f.httpStatus, f.message]).to.deep.equal(['Sender', 400, 'Unsupported Content-Transfer-Encoding']);
    });

    it('faults on 10k tiny parts through maxParts', async () => {
      const parts = [root(envelope()), ...Array.from({ length: 10_000 }, (_, i) => att(`p${i}@x`, 'z'))];
      const o = opts();
      const f = await fault(read(mtomHeaders(B), multipart(B, parts), o));
      expect([f.code, f.message]).to.deep.equal(['Sender', 'Too many MIME parts']);
      expect(o.discarded[0]).to.have.length(999); // every part stored before the limit is cleaned up
    });

    it('faults on a missing or invalid boundary and on a non-SOAP root part', async () => {
      const noBoundary = { 'content-type': 'multipart/related; type="application/xop+xml"' };
      expect((await fault(read(noBoundary, multipart(B, [root(envelope())])))).code).to.equal('Sender');
      const long = 'b'.repeat(71);
      expect((await fault(read(mtomHeaders(long), multipart(long, [root(envelope())])))).code).to.equal('Sender');
      const soap11Root: PartSpec = { headers: { 'Content-Type': 'application/xop+xml; type="text/xml"', 'Content-ID': '<r>' }, body: envelope() };
      expect((await fault(read(mtomHeaders(B), multipart(B, [soap11Root])))).code).to.equal('VersionMismatch');
    });

    it('faults on oversized part headers and on a nested multipart part', async () => {
      const huge = [root(envelope({ body: docBody('cid:a@b') })), att('a@b', 'doc', { 'X-Pad': 'p'.repeat(1024 * 1024) })];
      expect((await fault(read(mtomHeaders(B), multipart(B, huge), opts(), 8192))).message).to.equal('Malformed MIME part headers');
      const nested = [root(envelope({ body: docBody('cid:a@b') })), att('a@b', 'doc', { 'Content-Type': 'multipart/mixed; boundary=x' })];
      expect((await fault(read(mtomHeaders(B), multipart(B, nested)))).message).to.equal('Nested multipart parts are not accepted');
    });

    it('reports a failing sink as a Receiver fault and discards the other stored parts', async () => {
      const o = opts({
        attachmentSink: async (s, info) => {
          if (info.contentId === 'bad@x') {
            s.resume();
            throw new Error('disk full');
          }
          return hashingSink(s, info);
        },
      });
      const parts = [root(envelope({ body: docBody('cid:a@b', 'cid:bad@x') })), att('a@b', 'fine'), att('bad@x', () => bytes(500_000))];
      const f = await fault(read(mtomHeaders(B), multipart(B, parts), o, 4096));
      expect([f.code, f.httpStatus]).to.deep.equal(['Receiver', 500]);
      expect(o.discarded[0]?.map((s) => s.contentId)).to.deep.equal(['a@b']);
    });

    it('rejects bare-LF framing with a fault rather than hanging (senders must use CRLF, RFC 2046 §5.1.1)', async () => {
      const body = multipart(B, [root(envelope())], { eol: '\n' });
      expect((await fault(read(mtomHeaders(B), body))).code).to.equal('Sender');
    });
  });
});
