import { expect } from 'chai';
import { join } from 'node:path';
import { SoapAction } from '../../src/ebxml/vocabulary';
import { runConformance, collectionOf } from '../../src/conformance/run';
import { inProcessFeed } from '../../src/conformance/patient-feed';
import { loadTestkit } from '../../src/conformance/testkit';
import type { Report, TestResult } from '../../src/conformance/report';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { conformanceCommand } from '../../src/conformance/command';
import { parseXml } from '../../src/soap/xml';
import { testPki } from '../support/pki';
import { startPeer, type Peer } from './peer-double';

const TESTKIT = join(__dirname, '../../fixtures/conformance/testkit');
const SCHEMAS = join(__dirname, '../../../shared/conformance/schemas/v3');

describe('conformance runner end to end (HTTPS peer double)', () => {
  let peer: Peer;
  beforeEach(async () => {
    peer = await startPeer();
  });
  afterEach(() => peer.close());

  const run = (tests?: string[], schemas: string | false = SCHEMAS): Promise<Report> => {
    const pki = testPki();
    return runConformance({
      corpus: TESTKIT,
      registryUrl: `${peer.url}/xds/registry`,
      repositoryUrl: `${peer.url}/xds/repository`,
      tls: { ca: Buffer.from(pki.ca.cert), cert: Buffer.from(pki.client.cert), key: Buffer.from(pki.client.key) },
      feed: inProcessFeed(async (cx) => peer.patients.add(cx)),
      tests,
      schemas,
    });
  };
  const test = (r: Report, id: string): TestResult => r.tests.find((t) => t.id === id) as TestResult;

  it('loads the fixture testkit in dependency order and adds dependencies of selected tests', () => {
    expect(loadTestkit(TESTKIT).map((t) => t.id)).to.deep.equal(['fx-feed', 'fx-reg', 'fx-rep']);
    const sel = loadTestkit(TESTKIT, ['fx-reg']);
    expect(sel.map((t) => t.id)).to.deep.equal(['fx-feed', 'fx-reg']);
    expect(collectionOf(sel[1])).to.equal('registry');
    expect(() => loadTestkit(TESTKIT, ['nope'])).to.throw(/nope not found/);
  });

  it('passes every step against a correct peer, with schema validation of the replies', async function () {
    this.timeout(20_000);
    const r = await run();
    const failures = r.tests.flatMap((t) => t.sections.flatMap((s) => s.steps.filter((x) => !x.passed).map((x) => `${t.id}/${s.name}/${x.step}: ${JSON.stringify(x.problems)}`)));
    expect(failures).to.deep.equal([]);
    expect(r.passed).to.equal(3);
    expect(r.collections.registry).to.deep.equal({ total: 1, passed: 1, passRate: 100 });
    expect(peer.requests).to.deep.equal([SoapAction.iti42, SoapAction.iti18, SoapAction.iti42, SoapAction.iti41, SoapAction.iti18, SoapAction.iti43]);
    expect(peer.patients.size).to.be.at.least(3);
  });

  it('fails the negative step when the peer accepts an unknown patient, naming step, expectation and answer', async () => {
    peer.switches.checkPatients = false;
    const r = await run(['fx-reg'], false);
    const neg = test(r, 'fx-reg').sections.find((s) => s.name === 'negative');
    expect(neg?.passed).to.equal(false);
    const step = neg?.steps[0];
    expect(step?.step).to.equal('unknown_patient');
    expect(step?.problems.map((p) => p.what)).to.include.members(['status', 'errorMessage']);
    expect(step?.problems[0].expected).to.equal('Failure');
    expect(step?.problems[0].got).to.match(/ResponseStatusType:Success/);
    expect(test(r, 'fx-reg').sections.find((s) => s.name === 'eval')?.passed).to.equal(true);
  });

  it('fails the retrieve when the bytes differ from what was submitted and from the reference hash/size', async () => {
    peer.switches.corruptRetrieve = true;
    const r = await run(['fx-rep'], false);
    const retrieve = test(r, 'fx-rep').sections.find((s) => s.name === 'retrieve');
    expect(retrieve?.passed).to.equal(false);
    const whats = retrieve?.steps[0].problems.map((p) => p.what.replace(/^document \S+ /, '')) ?? [];
    expect(whats).to.include.members(['hash', 'size', 'bytes']);
  });

  it('reports a SOAP fault as the failure of that step and stops the section there', async () => {
    peer.switches.faultOn = SoapAction.iti18;
    const r = await run(['fx-reg'], false);
    const evalSection = test(r, 'fx-reg').sections.find((s) => s.name === 'eval');
    expect(evalSection?.steps).to.have.length(1);
    expect(evalSection?.notRun).to.deep.equal(['check']);
    expect(evalSection?.steps[0].problems[0].got).to.match(/SOAP Fault.*not today/);
  });

  it('fails a step whose reply is not valid against the schemas, even when its status is right', async function () {
    this.timeout(20_000);
    peer.switches.invalidRegistryResponse = true;
    const r = await run(['fx-reg']);
    const submit = test(r, 'fx-reg').sections.find((s) => s.name === 'submit');
    expect(submit?.passed).to.equal(false);
    expect(submit?.steps[0].problems.map((p) => p.what)).to.deep.equal(['schema']);
    expect(submit?.steps[0].problems[0].got).to.match(/Bogus/);
    expect(test(r, 'fx-feed').passed).to.equal(true);
  });

  it('tessera conformance: feeds over --pix, prints the table, writes JSON/JUnit/markdown and sets the exit code', async function () {
    this.timeout(20_000);
    const dir = mkdtempSync(join(tmpdir(), 'tessera-conformance-cli-'));
    const pki = testPki();
    for (const [f, pem] of [['ca.pem', pki.ca.cert], ['client.pem', pki.client.cert], ['client-key.pem', pki.client.key]]) writeFileSync(join(dir, f), pem);
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const saved = process.exitCode;
    try {
      process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
      await conformanceCommand().parseAsync(
        ['--registry', `${peer.url}/xds/registry`, '--repository', `${peer.url}/xds/repository`, '--pix', `${peer.url}/pix`,
          '--ca', join(dir, 'ca.pem'), '--cert', join(dir, 'client.pem'), '--key', join(dir, 'client-key.pem'),
          '--corpus', TESTKIT, '--tests', 'fx-reg', '--no-schema', '--report', join(dir, 'r.json'), '--junit', join(dir, 'j.xml'), '--markdown', join(dir, 's.md')],
        { from: 'user' },
      );
      process.stdout.write = write;
      expect(process.exitCode).to.equal(0);
      expect(out.join('')).to.match(/PASS {2}fx-reg/);
      expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).passed).to.equal(2);
      expect(parseXml(readFileSync(join(dir, 'j.xml'), 'utf8')).attrs.failures).to.equal('0');
      expect(readFileSync(join(dir, 's.md'), 'utf8')).to.include('| registry | 1/1 | 100% |');
      expect(peer.requests.filter((a) => a === SoapAction.iti44Add)).to.have.length(4); // main, alternate, SQ patients up front + the fx-feed PIF step
    } finally {
      process.stdout.write = write;
      process.exitCode = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns an unreachable or TLS-refusing peer into a transport problem on the step, not a crash', async () => {
    const pki = testPki();
    const r = await runConformance({
      corpus: TESTKIT,
      registryUrl: `${peer.url}/xds/registry`,
      repositoryUrl: `${peer.url}/xds/repository`,
      tls: { ca: Buffer.from(pki.ca.cert) }, // no client certificate: the peer refuses the handshake
      feed: inProcessFeed(async (cx) => peer.patients.add(cx)),
      tests: ['fx-reg'],
      schemas: false,
    });
    const first = test(r, 'fx-reg').sections[0].steps[0];
    expect(first.passed).to.equal(false);
    expect(first.problems[0].what).to.equal('transport');
    expect(test(r, 'fx-reg').sections.find((s) => s.name === 'eval')?.steps[0].problems[0].what).to.equal('transport');
  });
});
