/** test/support/schema.ts is what every XSD check in the project rests on: make sure it can say "invalid". */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateXml, validateXmlMany } from '../support/schema';
import { goldenText, NIST_1111 } from './golden';

describe('test/support/schema', () => {
  const pnr = readFileSync(resolve(NIST_1111, 'SubmitSingleDoc', 'single_doc.xml'), 'utf8');

  it('accepts a NIST PnR request against XDS.b_DocumentRepository.xsd and rejects a bogus element, in one batch', async () => {
    const bogus = pnr.replace('<rim:Name>', '<rim:Bogus/><rim:Name>');
    const [good, bad] = await validateXmlMany([pnr, bogus], 'XDS.b_DocumentRepository.xsd');
    expect(good).to.deep.equal([]);
    expect(bad).to.have.length(1);
    expect(bad[0]).to.match(/^doc1\.xml:\d+: .*Bogus.*not expected/);
  });

  it('the golden submission fixture is itself valid against lcm.xsd', async () => {
    expect(await validateXml(goldenText(), 'lcm.xsd')).to.deep.equal([]);
  });

  it('reports a document that is not well-formed instead of rejecting', async () => {
    const problems = await validateXml('<a>', 'rs.xsd');
    expect(problems.join('\n')).to.match(/parser error/);
  });
});
