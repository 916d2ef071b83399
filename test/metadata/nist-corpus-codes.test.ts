/**
 * The default affinity domain (NIST codes.xml, enforce) must accept every coded value and MIME type the
 * NIST ITI-41/42 test messages send, or conformance runs would fail on codes rather than on behaviour.
 * The messages are ebRS 2.1 or 3.0; only Classification/Slot/ExtrinsicObject shapes matter here.
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAffinityDomain } from '../../src/metadata/load-affinity-domain';
import { parseXml, type XmlElement } from '../../src/soap/xml';

const CONFORMANCE = resolve(__dirname, '../../../shared/conformance');
const domain = loadAffinityDomain(readFileSync(join(CONFORMANCE, 'nist-environment/codes.xml'), 'utf8'), 'enforce');

interface Found {
  readonly where: string;
  readonly scheme: string;
  readonly code: string;
  readonly codingScheme: string;
}

function* walk(e: XmlElement): Generator<XmlElement> {
  yield e;
  for (const c of e.children) yield* walk(c);
}

const slotValue = (e: XmlElement, name: string): string =>
  [...walk(e)].find((s) => s.local === 'Slot' && s.attrs.name === name)?.children.flatMap((l) => l.children)[0]?.text.trim() ?? '';

/** Message files of one test plan folder (every sub-folder's *.xml except the test plans themselves). */
function messages(testDir: string): string[] {
  return readdirSync(testDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(testDir, d.name)).filter((f) => f.endsWith('.xml') && f !== 'testplan.xml').map((f) => join(testDir, d.name, f)));
}

function scan(testDir: string): { codes: Found[]; mimeTypes: string[] } {
  const codes: Found[] = [];
  const mimeTypes: string[] = [];
  for (const file of messages(testDir)) {
    for (const e of walk(parseXml(readFileSync(file, 'utf8')))) {
      if (e.local === 'ExtrinsicObject' && e.attrs.mimeType) mimeTypes.push(e.attrs.mimeType);
      if (e.local === 'Classification' && e.attrs.nodeRepresentation && e.attrs.classificationScheme) {
        codes.push({ where: file, scheme: e.attrs.classificationScheme, code: e.attrs.nodeRepresentation, codingScheme: slotValue(e, 'codingScheme') });
      }
    }
  }
  return { codes, mimeTypes };
}

const notInDomain = (found: readonly Found[]): Found[] =>
  found.filter((f) => !(domain.codes.get(f.scheme) ?? []).some((c) => c.code === f.code && c.codingScheme === f.codingScheme));

describe('metadata: NIST corpus codes are in the default affinity domain', () => {
  it('accepts every code and MIME type of test 12346 (ITI-42 register)', () => {
    const { codes, mimeTypes } = scan(join(CONFORMANCE, 'nist/12346'));
    expect(codes.length).to.be.greaterThan(40);
    expect(notInDomain(codes)).to.deep.equal([]);
    expect(mimeTypes.filter((m) => !domain.mimeTypes.includes(m))).to.deep.equal([]);
  });

  it('accepts every code and MIME type of the whole NIST corpus', () => {
    const root = join(CONFORMANCE, 'nist');
    const tests = readdirSync(root).filter((t) => existsSync(join(root, t)) && readdirSync(join(root, t), { withFileTypes: true }).some((d) => d.isDirectory()));
    const all = tests.map((t) => scan(join(root, t)));
    const codes = all.flatMap((r) => r.codes);
    expect(codes.length).to.be.greaterThan(500);
    expect(notInDomain(codes)).to.deep.equal([]);
    expect(all.flatMap((r) => r.mimeTypes).filter((m) => !domain.mimeTypes.includes(m))).to.deep.equal([]);
  });
});
