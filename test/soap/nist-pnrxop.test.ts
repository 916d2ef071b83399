/**
 * The four NIST PnrXop wire messages (Axis2 XOP, no XOP, percent-encoded cid:, a WCF client), read
 * by path from the shared conformance corpus beside the repository. Their stored bodies use bare LF,
 * which RFC 2046 does not allow; the conformance runner sends CRLF, so the test does the same.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readSoapRequest, resolveXopInclude } from '../../src/soap/read-request';
import { childOf, childrenOf } from '../../src/soap/xml';
import { hashingSink, sha1Of, streamOf } from './helpers';

const DIR = resolve(__dirname, '../../../shared/conformance/nist/PnrXop');
const XDSB = 'urn:ihe:iti:xds-b:2007';

function load(name: string) {
  const plan = readFileSync(resolve(DIR, name, 'testplan.xml'), 'utf8');
  const contentType = /Content-Type:\s*(.+)/.exec(plan)?.[1].trim() ?? '';
  const body = Buffer.from(readFileSync(resolve(DIR, name, 'body.txt'), 'utf8').replace(/\r?\n/g, '\r\n'));
  return { headers: { 'content-type': contentType }, body };
}

describe('soap/read-request on the NIST PnrXop corpus', function () {
  before(function () {
    if (!existsSync(DIR)) this.skip();
  });

  const opts = { maxEnvelopeBytes: 1 << 20, maxAttachmentBytes: 1 << 20, attachmentSink: hashingSink };

  for (const name of ['Xop', 'encodedURL']) {
    it(`${name}: resolves the document's xop:Include to its attachment`, async () => {
      const { headers, body } = load(name);
      const req = await readSoapRequest({ headers, stream: streamOf([body], 1000) }, opts);
      expect(req.action).to.equal('urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b');
      const doc = childOf(req.body, XDSB, 'Document');
      const att = doc && resolveXopInclude(doc, req);
      // the document text as the attachment part carries it (CRLF framing applied to the whole body)
      const expected = 'This is my document.\r\n\r\nIt is great!\r\n\r\n';
      expect(att?.stored).to.include(sha1Of([Buffer.from(expected)]));
    });
  }

  for (const name of ['NoXop', 'dicom']) {
    it(`${name}: reads MTOM framing with no attachment and streams the inline document into the sink`, async () => {
      const { headers, body } = load(name);
      const req = await readSoapRequest({ headers, stream: streamOf([body], 333) }, opts);
      expect(req.mtom).to.equal(true);
      const docs = childrenOf(req.body, XDSB, 'Document');
      expect(docs).to.have.length(1);
      expect(resolveXopInclude(docs[0], req)).to.equal(undefined);
      // the base64 text as the wire carries it, decoded in one go, is what the sink received
      const text = /<(?:\w+:)?Document\b[^>]*>([^<]*)</.exec(body.toString('utf8'))![1];
      const inline = req.inline?.get(docs[0]);
      expect(inline && 'stored' in inline ? inline.stored : undefined).to.include(sha1Of([Buffer.from(text.replace(/\s/g, ''), 'base64')]));
      expect(docs[0].text).to.equal(''); // not in the tree
      expect(req.attachments.size).to.equal(1); // the stored inline document, discarded with the MIME parts
    });

    it(`${name}: without an attachment sink the inline text stays in the tree`, async () => {
      const { headers, body } = load(name);
      const req = await readSoapRequest({ headers, stream: streamOf([body], 333) }, { ...opts, attachmentSink: undefined });
      expect(req.attachments.size).to.equal(0);
      expect(req.inline).to.equal(undefined);
      expect(childrenOf(req.body, XDSB, 'Document')[0].text.trim()).to.not.equal('');
    });
  }
});
