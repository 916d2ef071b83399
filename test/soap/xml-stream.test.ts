/**
 * The byte-fed XML reader (B3): the base64 text of an ITI-41 Document is decoded into the sink as it
 * arrives, and the result (bytes or refusal, XML errors included) is exactly what parsing the whole text and
 * decoding the Document's tree text gave before, whatever the chunking.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { decodeBase64Slices } from '../../src/repository/base64-stream';
import { NS } from '../../src/ebxml/vocabulary';
import { ITI41_DOCUMENT_PATH } from '../../src/soap/read-request';
import { childOf, childrenOf, parseXml, XmlSyntaxError, type XmlElement } from '../../src/soap/xml';
import { XmlByteStream, type Base64Sink } from '../../src/soap/xml-stream';
import { rechunk, SOAP12, XOP } from './helpers';

const XDSB = 'urn:ihe:iti:xds-b:2007';
const envelope = (docs: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${SOAP12}"><s:Header/><s:Body>` +
  `<x:ProvideAndRegisterDocumentSetRequest xmlns:x="${XDSB}"><m:Meta xmlns:m="urn:m">Document &amp; <m:Document>not streamed</m:Document></m:Meta>${docs}</x:ProvideAndRegisterDocumentSetRequest></s:Body></s:Envelope>`;

/** A sink collecting the bytes, optionally slow to drain. */
function collectingSink(slow = false): Base64Sink<Buffer> {
  const chunks: Buffer[] = [];
  let ended = false;
  let waiting: (() => void) | undefined;
  let resolveResult!: (b: Buffer) => void;
  let rejectResult!: (e: unknown) => void;
  const result = new Promise<Buffer>((res, rej) => ((resolveResult = res), (rejectResult = rej)));
  result.catch(() => undefined);
  return {
    write(b) {
      chunks.push(Buffer.from(b));
      return !slow;
    },
    drained: () => new Promise<void>((res) => ((waiting = res), setTimeout(() => waiting?.(), 1))),
    end() {
      ended = true;
      resolveResult(Buffer.concat(chunks));
    },
    abort(e) {
      if (!ended) rejectResult(e);
    },
    result,
  };
}

type Outcome = { bytes: Buffer } | { error: string };

/** What the reader gave for each Document (in document order), or the parse error. */
async function streamed(xml: Buffer, chunk: number, slow = false): Promise<Outcome[] | string> {
  const r = new XmlByteStream<Buffer>({ base64Paths: [ITI41_DOCUMENT_PATH], include: { ns: XOP, local: 'Include' }, maxDecodedBytes: 1 << 30, openSink: () => collectingSink(slow) });
  for (const c of rechunk([xml], chunk)) await r.write(c);
  let res;
  try {
    res = await r.end();
  } catch (e) {
    return e instanceof XmlSyntaxError ? 'xml' : (e as Error).name;
  }
  const pnr = childOf(childOf(res.root, SOAP12, 'Body')!, XDSB, 'ProvideAndRegisterDocumentSetRequest')!;
  return Promise.all(childrenOf(pnr, XDSB, 'Document').map(async (d) => {
    if (d.children.some((c) => c.ns === XOP)) return { bytes: Buffer.from('include') };
    const o = res.streamed.get(d);
    if (!o) return reference(d);
    return 'stored' in o ? { bytes: o.stored } : { error: (o.error as Error).name };
  }));
}

/** The tree-text path: decodeBase64Slices over the element's whole text. */
async function reference(d: XmlElement): Promise<Outcome> {
  if (d.children.some((c) => c.ns === XOP)) return { bytes: Buffer.from('include') };
  const out: Buffer[] = [];
  try {
    for await (const b of decodeBase64Slices(d.text)) out.push(b);
  } catch (e) {
    return { error: (e as Error).name };
  }
  return { bytes: Buffer.concat(out) };
}

async function oneShot(xml: Buffer): Promise<Outcome[] | string> {
  let root: XmlElement;
  try {
    root = parseXml(new TextDecoder('utf-8', { fatal: true }).decode(xml));
  } catch (e) {
    return e instanceof XmlSyntaxError ? 'xml' : 'NotUtf8Error';
  }
  const pnr = childOf(childOf(root, SOAP12, 'Body')!, XDSB, 'ProvideAndRegisterDocumentSetRequest')!;
  return Promise.all(childrenOf(pnr, XDSB, 'Document').map(reference));
}

const b64 = randomBytes(600).toString('base64');
const wrapped = (s: string, every: number, eol: string) => (s.match(new RegExp(`.{1,${every}}`, 'g')) ?? []).join(eol);
const doc = (content: string, attrs = ' id="d1"', prefix = 'x') => `<${prefix}:Document${attrs}>${content}</${prefix}:Document>`;

const CASES: Record<string, string> = {
  plain: doc(b64),
  'two documents': doc(b64) + doc('YWJj', ' id="d2" mimeType="a>b"'),
  'MIME line breaks': doc(wrapped(b64, 76, '\r\n')),
  'escaped CR': doc(wrapped(b64, 76, '&#13;\n')),
  'hex references to alphabet characters': doc(`&#x51;&#X51;`.replace('X', 'x') + 'UJD' + '&#65;AAA'),
  'indented with padding split': doc(`\n   ${b64.slice(0, -1)}\n=\n`.replace(/=\n=\n$/, '=\n')),
  'comment and PI inside': doc(`${b64.slice(0, 100)}<!-- a > b -->${b64.slice(100, 200)}<?pi x?>${b64.slice(200)}`),
  'CDATA inside': doc(`${b64.slice(0, 100)}<![CDATA[${b64.slice(100, 200)}]]>${b64.slice(200)}`),
  'CDATA longer than the look-ahead': doc(`<![CDATA[${randomBytes(20_000).toString('base64')}]]>`),
  'comment before an xop include': doc(`<!-- the document is an attachment --><xop:Include xmlns:xop="${XOP}" href="cid:a"/>`),
  'child element inside': doc(`${b64.slice(0, 100)}<y:Other xmlns:y="urn:y">zz</y:Other>${b64.slice(100)}`),
  'xop include': doc(`\n  <xop:Include xmlns:xop="${XOP}" href="cid:a"/>\n`),
  'base64 then xop include': doc(`QUJD<xop:Include xmlns:xop="${XOP}" href="cid:a"/>`),
  'empty element': '<x:Document id="e"/>',
  'whitespace only': doc('  \n '),
  'default namespace': `<Document xmlns="${XDSB}" id="d">${b64}</Document>`,
  'other prefix': `<q:Document xmlns:q="${XDSB}" id="d">${b64}</q:Document>`,
  'Document of another namespace': `<q:Document xmlns:q="urn:other" id="d">${b64}</q:Document>`,
  'non-ASCII whitespace (NBSP) accepted as before': doc(`${b64.slice(0, 400)}\u00a0${b64.slice(400)}`),
  'non-ASCII letter': doc(`${b64.slice(0, 400)}é${b64.slice(400)}`),
  'named entity': doc(`${b64.slice(0, 400)}&amp;${b64.slice(400)}`),
  'invalid character then more': doc(`${b64.slice(0, 400)}*${b64.slice(400)}`),
  'padding in the middle': doc(`${b64.slice(0, 400)}=${b64.slice(401)}`),
  'bad length': doc(b64 + 'A'),
  'too much padding': doc('YQ==='),
  'base64url': doc('YW-j'),
  'undefined entity (XML error)': doc(`${b64.slice(0, 10)}&nope;${b64.slice(10)}`),
  'control character (XML error)': doc(`${b64.slice(0, 10)}\u0001${b64.slice(10)}`),
  ']]> in text (XML error)': doc(`${b64.slice(0, 10)}]]>${b64.slice(10)}`),
  'char ref to a disallowed character (XML error)': doc(`${b64.slice(0, 10)}&#1;${b64.slice(10)}`),
  'unclosed document (XML error)': `<x:Document id="u">${b64}`,
};

const show = (o: Outcome[] | string) => (typeof o === 'string' ? o : o.map((x) => ('error' in x ? x.error : `${x.bytes.length}:${x.bytes.subarray(0, 4).toString('hex')}`)).join(','));

describe('soap/xml-stream (inline base64 streamed into the sink)', () => {
  for (const [name, docs] of Object.entries(CASES)) {
    it(`${name}: same outcome as parsing and decoding the whole text, at any chunking`, async () => {
      const xml = Buffer.from(envelope(docs));
      const expected = await oneShot(xml);
      for (const size of [1, 3, 7, 333, 4096, 1 << 20]) {
        const got = await streamed(xml, size, size === 7);
        expect(show(got), `chunk ${size}`).to.equal(show(expected));
        if (typeof got !== 'string' && typeof expected !== 'string') {
          got.forEach((g, i) => 'bytes' in g && expect(g.bytes.equals((expected[i] as { bytes: Buffer }).bytes), `chunk ${size} doc ${i}`).to.equal(true));
        }
      }
    });
  }

  it('the XDS namespace it spells is the vocabulary one', () => {
    expect(ITI41_DOCUMENT_PATH[3]).to.deep.equal({ ns: NS.xdsb, local: 'Document' });
  });
});
