/**
 * Our own minimal XSDs (schemas/) are valid schemas whose root elements accept real messages: each WSDL
 * message part names an element one of them declares.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { validateXML } from 'xmllint-wasm';
import { childrenOf, parseXml } from '../../src/soap/xml';
import { WSDL_FILES } from '../../src/app/create-app';
import { TRANSACTIONS } from '../../src/transactions';
import { PROJECT_ROOT } from '../support/child-server';

const SCHEMAS = join(PROJECT_ROOT, 'schemas');
const WSDLS = join(PROJECT_ROOT, 'wsdl');
const XSD = 'http://www.w3.org/2001/XMLSchema';
const WSDL = 'http://schemas.xmlsoap.org/wsdl/';

const schemaText = (f: string) => readFileSync(join(SCHEMAS, f), 'utf8');

/** Every (namespace, element name) our schemas declare. */
function declaredElements(): Set<string> {
  const out = new Set<string>();
  for (const f of readdirSync(SCHEMAS).filter((n) => n.endsWith('.xsd'))) {
    const root = parseXml(schemaText(f));
    for (const el of childrenOf(root, XSD, 'element')) out.add(`{${root.attrs.targetNamespace}}${el.attrs.name}`);
  }
  return out;
}

describe('app: own XSDs and WSDL message parts', () => {
  it('accepts the golden ITI-42 SubmitObjectsRequest with the lcm root schema', async () => {
    const xml = readFileSync(join(PROJECT_ROOT, 'fixtures/iti42/single-doc.xml'), 'utf8');
    const result = await validateXML({ xml: [{ fileName: 'submit.xml', contents: xml }], schema: [{ fileName: 'ebrs-lcm.xsd', contents: schemaText('ebrs-lcm.xsd') }] });
    expect(result.errors.map((e) => e.rawMessage)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
  });

  it('rejects an undeclared root element (the schemas are not "anything goes")', async () => {
    const xml = '<lcm:Other xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"/>';
    const result = await validateXML({ xml: [{ fileName: 'x.xml', contents: xml }], schema: [{ fileName: 'ebrs-lcm.xsd', contents: schemaText('ebrs-lcm.xsd') }] });
    expect(result.valid).to.equal(false);
  });

  for (const file of ['DocumentRegistry.wsdl', 'DocumentRepository.wsdl', 'PIXManager.wsdl', 'PDQSupplier.wsdl']) {
    it(`${file}: every message part names a declared element, and every operation has wsaw:Action`, () => {
      const declared = declaredElements();
      const defs = parseXml(readFileSync(join(WSDLS, file), 'utf8'));
      const text = readFileSync(join(WSDLS, file), 'utf8');
      const nsOf = (prefix: string) => new RegExp(`xmlns:${prefix}="([^"]+)"`).exec(text)![1];
      const parts = childrenOf(defs, WSDL, 'message').flatMap((m) => childrenOf(m, WSDL, 'part'));
      expect(parts.length).to.be.greaterThan(0);
      for (const p of parts) {
        const [prefix, local] = p.attrs.element!.split(':') as [string, string];
        expect(declared.has(`{${nsOf(prefix)}}${local}`), p.attrs.element).to.equal(true);
      }
      const [portType] = childrenOf(defs, WSDL, 'portType');
      for (const op of childrenOf(portType!, WSDL, 'operation')) {
        for (const io of [...childrenOf(op, WSDL, 'input'), ...childrenOf(op, WSDL, 'output')]) {
          expect(io.attrs['{http://www.w3.org/2006/05/addressing/wsdl}Action'], op.attrs.name).to.match(/^urn:/);
        }
      }
    });
  }

  it('offers every row of the transaction table in its endpoint WSDL, with the same request and reply actions', () => {
    const WSAW = '{http://www.w3.org/2006/05/addressing/wsdl}Action';
    for (const t of TRANSACTIONS) {
      const defs = parseXml(readFileSync(join(WSDLS, WSDL_FILES[t.endpoint]), 'utf8'));
      const ops = childrenOf(childrenOf(defs, WSDL, 'portType')[0]!, WSDL, 'operation');
      const op = ops.find((o) => childrenOf(o, WSDL, 'input')[0]?.attrs[WSAW] === t.action);
      expect(op, `${t.id} ${t.action}`).to.not.equal(undefined);
      expect(childrenOf(op!, WSDL, 'output')[0]?.attrs[WSAW], t.id).to.equal(t.replyAction);
    }
  });
});
