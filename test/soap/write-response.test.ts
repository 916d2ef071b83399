import { expect } from 'chai';
import { SoapFaultError } from '../../src/errors';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SOAP12_CONTENT_TYPE, bodyBuffer, bodyByteLength, bodyStream, bodyText, soapEnvelope, soapFault, type BodyParts } from '../../src/soap/write-response';
import { childOf, parseXml, type XmlElement } from '../../src/soap/xml';
import { SOAP12, WSA } from './helpers';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const path = (el: XmlElement | undefined, ...steps: [string, string][]): XmlElement | undefined =>
  steps.reduce<XmlElement | undefined>((e, [ns, local]) => (e ? childOf(e, ns, local) : undefined), el);

/** The namespace a QName value resolves to, read from the prefix declared in the raw XML. */
const declared = (xml: string, prefix: string) => new RegExp(`xmlns:${prefix}="([^"]+)"`).exec(xml)?.[1];

describe('soap/write-response', () => {
  it('uses the SOAP 1.2 media type', () => {
    expect(SOAP12_CONTENT_TYPE).to.equal('application/soap+xml; charset=UTF-8');
  });

  it('writes Action (mustUnderstand), MessageID, RelatesTo and anonymous To around the body', () => {
    const xml = soapEnvelope({ action: 'urn:a:Resp', relatesTo: 'urn:uuid:req<&>', messageId: 'urn:uuid:m1', body: '<r:Resp xmlns:r="urn:r" n="1"/>' });
    const env = parseXml(xml);
    expect([env.ns, env.local]).to.deep.equal([SOAP12, 'Envelope']);
    const action = path(env, [SOAP12, 'Header'], [WSA, 'Action']);
    expect(action?.text).to.equal('urn:a:Resp');
    expect(action?.attrs[`{${SOAP12}}mustUnderstand`]).to.equal('true');
    expect(path(env, [SOAP12, 'Header'], [WSA, 'RelatesTo'])?.text).to.equal('urn:uuid:req<&>');
    expect(path(env, [SOAP12, 'Header'], [WSA, 'MessageID'])?.text).to.equal('urn:uuid:m1');
    expect(path(env, [SOAP12, 'Header'], [WSA, 'To'])?.text).to.equal('http://www.w3.org/2005/08/addressing/anonymous');
    expect(path(env, [SOAP12, 'Body'], ['urn:r', 'Resp'])?.attrs.n).to.equal('1');
  });

  it('omits RelatesTo when the request had no MessageID', () => {
    const env = parseXml(soapEnvelope({ action: 'urn:a', messageId: 'urn:uuid:m', body: '<x/>' }));
    expect(path(env, [SOAP12, 'Header'], [WSA, 'RelatesTo'])).to.equal(undefined);
  });

  it('writes a Sender fault with a resolvable wsa subcode, the fault Action and an English reason', () => {
    const err = new SoapFaultError('Sender', 'The action <x> is not supported', 'wsa:ActionNotSupported');
    const xml = soapFault(err, { relatesTo: 'urn:uuid:req', messageId: 'urn:uuid:f1' });
    const env = parseXml(xml);
    expect(path(env, [SOAP12, 'Header'], [WSA, 'Action'])?.text).to.equal('http://www.w3.org/2005/08/addressing/soap/fault');
    expect(path(env, [SOAP12, 'Header'], [WSA, 'RelatesTo'])?.text).to.equal('urn:uuid:req');
    const fault = path(env, [SOAP12, 'Body'], [SOAP12, 'Fault']);
    expect(path(fault, [SOAP12, 'Code'], [SOAP12, 'Value'])?.text).to.equal('soap:Sender');
    expect(declared(xml, 'soap')).to.equal(SOAP12);
    const sub = path(fault, [SOAP12, 'Code'], [SOAP12, 'Subcode'], [SOAP12, 'Value'])?.text;
    expect(sub).to.equal('wsa:ActionNotSupported');
    expect(declared(xml, 'wsa')).to.equal(WSA);
    const text = path(fault, [SOAP12, 'Reason'], [SOAP12, 'Text']);
    expect(text?.attrs[`{${XML_NS}}lang`]).to.equal('en');
    expect(text?.text).to.equal('The action <x> is not supported');
  });

  it('declares a namespace given in Clark notation and drops an unresolvable subcode prefix', () => {
    const clark = soapFault(new SoapFaultError('Receiver', 'r', '{urn:ihe:iti:xds-b:2007}XDSRepositoryError'), { messageId: 'm' });
    const v = path(parseXml(clark), [SOAP12, 'Body'], [SOAP12, 'Fault'], [SOAP12, 'Code'], [SOAP12, 'Subcode'], [SOAP12, 'Value']);
    expect(v?.text).to.equal('sc:XDSRepositoryError');
    expect(clark).to.contain('xmlns:sc="urn:ihe:iti:xds-b:2007"');
    const bad = soapFault(new SoapFaultError('Sender', 's', 'zz:Whatever'), { messageId: 'm' });
    expect(path(parseXml(bad), [SOAP12, 'Body'], [SOAP12, 'Fault'], [SOAP12, 'Code'], [SOAP12, 'Subcode'])).to.equal(undefined);
  });

  it('adds the Upgrade header to a VersionMismatch fault and keeps MustUnderstand as a top-level code', () => {
    const vm = parseXml(soapFault(new SoapFaultError('VersionMismatch', 'v'), { messageId: 'm' }));
    expect(path(vm, [SOAP12, 'Header'], [SOAP12, 'Upgrade'], [SOAP12, 'SupportedEnvelope'])?.attrs.qname).to.equal('soap:Envelope');
    const mu = parseXml(soapFault(new SoapFaultError('MustUnderstand', 'm'), { messageId: 'm' }));
    expect(path(mu, [SOAP12, 'Body'], [SOAP12, 'Fault'], [SOAP12, 'Code'], [SOAP12, 'Value'])?.text).to.equal('soap:MustUnderstand');
    expect(path(mu, [SOAP12, 'Header'], [SOAP12, 'Upgrade'])).to.equal(undefined);
  });

  describe('Body as parts (BodyParts)', () => {
    const collect = async (parts: BodyParts, highWaterMark = 16 * 1024): Promise<Buffer[]> => {
      const chunks: Buffer[] = [];
      await pipeline(bodyStream(parts), new Writable({ highWaterMark, write: (c: Buffer, _e, done) => (chunks.push(c), done()) }));
      return chunks;
    };
    // Non-ASCII (2-, 3- and 4-byte UTF-8), a lone surrogate, Buffers and a typed-array view with an offset.
    const view = new Uint8Array(Buffer.from('xx<tail é/>yy')).subarray(2, 12);
    const parts: BodyParts = ['<a>', 'é€😀', Buffer.from('<b>ü</b>'), '\ud800', '', 'x'.repeat(70_000), Buffer.alloc(0), '€'.repeat(30_000), Buffer.alloc(100_000, 0x41), view, '</a>'];
    const text = parts.map((p) => (typeof p === 'string' ? p : Buffer.from(p).toString('utf8'))).join('');

    it('wraps parts in the same envelope bytes as the string form', () => {
      const o = { action: 'urn:a', messageId: 'urn:uuid:1', relatesTo: 'urn:uuid:0' };
      const asParts = soapEnvelope({ ...o, body: ['<x:B xmlns:x="urn:x">', Buffer.from('é'), '</x:B>'] });
      expect(asParts).to.be.an('array');
      expect(bodyText(asParts)).to.equal(soapEnvelope({ ...o, body: '<x:B xmlns:x="urn:x">é</x:B>' }));
    });

    it('streams exactly the UTF-8 of the joined text, in chunks of at most 64 KiB unless one part is larger', async () => {
      const chunks = await collect(parts);
      const bytes = Buffer.concat(chunks);
      expect(bytes.equals(Buffer.from(text, 'utf8'))).to.equal(true);
      expect(bodyByteLength(parts)).to.equal(bytes.length);
      expect(bodyText(parts)).to.equal(text);
      // 70,000 ASCII characters, 30,000 '€' (90,000 bytes) and 100,000 bytes exceed a chunk and go alone.
      expect(chunks.filter((c) => c.length > 64 * 1024).map((c) => c.length).sort((a, b) => a - b)).to.deep.equal([70_000, 90_000, 100_000]);
      expect(chunks.length).to.be.at.most(6);
    });

    it('writes the same bytes into one Buffer of the counted length', () => {
      const one = bodyBuffer(parts, bodyByteLength(parts));
      expect(one.equals(Buffer.from(text, 'utf8'))).to.equal(true);
      expect(() => bodyBuffer(parts, bodyByteLength(parts) + 1)).to.throw(/expected/);
    });

    it('packs many small parts into few chunks', async () => {
      const many = Array.from({ length: 5000 }, (_, i) => (i % 2 ? `<rim:Slot name="${i}"/>` : Buffer.from(`<v>${i}</v>`)));
      const chunks = await collect(many);
      expect(Buffer.concat(chunks).toString('utf8')).to.equal(bodyText(many));
      expect(chunks.length).to.equal(Math.ceil(bodyByteLength(many) / (64 * 1024)));
    });

    it('produces a chunk only when the consumer asks for one (backpressure)', async () => {
      const big = Array.from({ length: 100 }, () => Buffer.alloc(32 * 1024, 0x42));
      const stream = bodyStream(big);
      let read = 0;
      stream.on('data', (c: Buffer) => {
        read += c.length;
        stream.pause();
      });
      await new Promise((r) => setImmediate(r));
      // One chunk handed out, at most the stream's own buffer (16 KiB high-water mark → one more chunk) packed.
      expect(read).to.equal(64 * 1024);
      expect(stream.readableLength).to.be.at.most(64 * 1024);
      stream.destroy();
    });
  });
});

