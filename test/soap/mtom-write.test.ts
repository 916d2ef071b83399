import { expect } from 'chai';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { readSoapRequest, resolveXopInclude } from '../../src/soap/read-request';
import { writeMtom, xopInclude, type MtomPart } from '../../src/soap/mtom-write';
import { soapEnvelope } from '../../src/soap/write-response';
import { parseXml } from '../../src/soap/xml';
import { bytes, hashingSink, sha1Of, XOP } from './helpers';

const opts = { maxEnvelopeBytes: 1 << 20, maxAttachmentBytes: 64 << 20, attachmentSink: hashingSink };

const part = (contentId: string, size: number, seed: number, log?: string[]): MtomPart => ({
  contentId,
  contentType: 'application/pdf',
  stream: () => {
    log?.push(`open ${contentId}`);
    const s = Readable.from(bytes(size, seed), { objectMode: false });
    s.on('end', () => log?.push(`end ${contentId}`));
    return s;
  },
});

describe('soap/mtom-write', () => {
  it('percent-encodes the cid: href (RFC 2392) and produces a parseable xop:Include', () => {
    const el = parseXml(xopInclude('doc 1/ä:x@repo.example'));
    expect([el.ns, el.local]).to.deep.equal([XOP, 'Include']);
    expect(el.attrs.href).to.equal('cid:doc%201%2F%C3%A4%3Ax@repo.example');
  });

  it('round-trips through readSoapRequest with identical bytes, opening parts lazily and in order', async function () {
    this.timeout(60_000);
    const log: string[] = [];
    const parts = [part('1.doc@tessera', 3 * 1024 * 1024 + 5, 3, log), part('2 doc:ä@tessera', 0, 4, log), part('3@tessera', 70_001, 5, log)];
    const body = `<t:Resp xmlns:t="urn:test">${parts.map((p) => `<t:Document>${xopInclude(p.contentId)}</t:Document>`).join('')}</t:Resp>`;
    const out = writeMtom(soapEnvelope({ action: 'urn:test:Resp', messageId: 'urn:uuid:x', body }), parts);
    expect(out.contentType).to.match(/^multipart\/related; boundary="[^"]+"; type="application\/xop\+xml"; start="<[^>]+>"; start-info="application\/soap\+xml"$/);
    expect(log).to.deep.equal([]); // nothing is opened before the body is read
    const req = await readSoapRequest({ headers: { 'content-type': out.contentType }, stream: out.body }, opts);
    expect(req.action).to.equal('urn:test:Resp');
    expect(log).to.deep.equal(['open 1.doc@tessera', 'end 1.doc@tessera', 'open 2 doc:ä@tessera', 'end 2 doc:ä@tessera', 'open 3@tessera', 'end 3@tessera']);
    const sizes = [3 * 1024 * 1024 + 5, 0, 70_001];
    req.body.children.forEach((doc, i) => {
      const att = resolveXopInclude(doc, req);
      expect(att?.contentType).to.equal('application/pdf');
      expect(att?.stored).to.include(sha1Of(bytes(sizes[i], i + 3)));
    });
  });

  it('writes an envelope with no parts as a valid single-part package', async () => {
    const out = writeMtom(soapEnvelope({ action: 'urn:a', messageId: 'urn:uuid:m', body: '<x xmlns="urn:x"/>' }), []);
    const req = await readSoapRequest({ headers: { 'content-type': out.contentType }, stream: out.body }, opts);
    expect([req.mtom, req.attachments.size, req.body.local]).to.deep.equal([true, 0, 'x']);
  });

  it('pulls a part only as fast as the consumer reads (backpressure)', async () => {
    let produced = 0;
    const big: MtomPart = {
      contentId: 'big@t',
      contentType: 'application/octet-stream',
      stream: () =>
        Readable.from(
          (function* () {
            for (const b of bytes(50 * 1024 * 1024)) {
              produced += b.length;
              yield b;
            }
          })(),
          { objectMode: false },
        ),
    };
    const { body } = writeMtom('<e/>', [big]);
    body.once('data', () => body.pause());
    await sleep(200);
    expect(produced).to.be.below(2 * 1024 * 1024);
    body.destroy();
  });
});
