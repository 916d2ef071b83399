import { expect } from 'chai';
import { parseXml, parseXmlAsync, XmlSyntaxError, childOf } from '../../src/soap/xml';

const SOAP = 'http://www.w3.org/2003/05/soap-envelope';

describe('soap/xml', () => {
  it('resolves namespaces and decodes character references', () => {
    const el = parseXml(`<s:Envelope xmlns:s="${SOAP}"><s:Body xml:lang="en">t&#233;&amp;<![CDATA[<x>]]></s:Body></s:Envelope>`);
    expect(el.ns).to.equal(SOAP);
    const body = childOf(el, SOAP, 'Body');
    expect(body?.text).to.equal('té&<x>');
    expect(body?.attrs['{http://www.w3.org/XML/1998/namespace}lang']).to.equal('en');
  });

  const bad: Record<string, string> = {
    'mismatched tags': '<a></b>',
    'two roots': '<a/><b/>',
    'duplicate attributes': '<a x="1" x="2"/>',
    'a DOCTYPE with an internal entity': '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
    'an external entity (XXE)': '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
    'billion laughs': '<!DOCTYPE l [<!ENTITY a "aa"><!ENTITY b "&a;&a;">]><l>&b;</l>',
    'an undefined entity': '<a>&foo;</a>',
    'an unbound prefix': '<a:b/>',
    'text after the root': '<a/>junk',
    'no root': '   ',
  };
  for (const [name, text] of Object.entries(bad)) {
    it(`rejects ${name}`, () => {
      expect(() => parseXml(text)).to.throw(XmlSyntaxError);
    });
  }

  it('rejects nesting beyond the depth limit without overflowing the stack', () => {
    const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
    expect(() => parseXml(deep)).to.throw(XmlSyntaxError, /nesting/);
  });

  it('parses large input in slices with the same result', async () => {
    const big = `<r>${'<i v="1">x</i>'.repeat(50_000)}</r>`;
    const el = await parseXmlAsync(big);
    expect(el.children).to.have.length(50_000);
  });
});
