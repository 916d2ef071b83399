import { expect } from 'chai';
import { join } from 'node:path';
import { SoapAction } from '../../src/ebxml/vocabulary';
import { runConformance, collectionOf } from '../../src/conformance/run';
import { inProcessFeed } from '../../src/conformance/patient-feed';
import { loadTestkit } from '../../src/conformance/testkit';
import type { Report, TestResult } from '../../src/conformance/report';
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
});
