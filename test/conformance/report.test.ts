import { expect } from 'chai';
import { parseXml, childrenOf } from '../../src/soap/xml';
import { summarize, toJson, toJunit, toMarkdown, toTable, type TestResult } from '../../src/conformance/report';
import { compareBaseline } from '../../src/conformance/self';

const step = (passed: boolean) => ({
  section: 's',
  step: 'st',
  transaction: 'RegisterTransaction',
  passed,
  expectedStatus: ['Success'],
  problems: passed ? [] : [{ what: 'status', expected: 'Success', got: 'Failure <&> "x"' }],
  durationMs: 12,
});
const test = (id: string, collection: string, passed: boolean): TestResult => ({
  id,
  collection,
  passed,
  durationMs: 30,
  sections: [{ name: 's', passed, steps: [step(passed)], notRun: [] }],
});

describe('conformance: reports', () => {
  const report = summarize({
    started: new Date(Date.now() - 1000),
    corpus: '/c',
    registryUrl: 'https://r',
    repositoryUrl: 'https://p',
    patients: { main: 'P^^^&1.2&ISO' },
    tests: [test('1', 'registry', true), test('2', 'registry', false), test('3', 'stored query', true), test('4', 'repository', false)],
  });

  it('summarises pass rates overall and per collection', () => {
    expect([report.total, report.passed, report.passRate]).to.deep.equal([4, 2, 50]);
    expect(report.collections).to.deep.equal({
      registry: { total: 2, passed: 1, passRate: 50 },
      'stored query': { total: 1, passed: 1, passRate: 100 },
      repository: { total: 1, passed: 0, passRate: 0 },
    });
  });

  it('JSON parses back to the same report', () => {
    expect(JSON.parse(toJson(report))).to.deep.equal(report);
  });

  it('JUnit XML parses back with one suite per collection and one failure per failed test', () => {
    const root = parseXml(toJunit(report));
    expect(root.local).to.equal('testsuites');
    expect(root.attrs.tests).to.equal('4');
    expect(root.attrs.failures).to.equal('2');
    const suites = childrenOf(root, '', 'testsuite');
    expect(suites.map((s) => s.attrs.name)).to.deep.equal(['registry', 'stored query', 'repository']);
    const failed = suites[0].children.find((c) => c.attrs.name === '2');
    const failure = failed ? childrenOf(failed, '', 'failure')[0] : undefined;
    expect(failure?.attrs.message).to.equal('s/st: status: expected Success; got Failure <&> "x"');
    expect(suites[0].children.find((c) => c.attrs.name === '1')?.children).to.deep.equal([]);
  });

  it('markdown and console table show rates and the failing step with expected vs got', () => {
    const md = toMarkdown(report);
    expect(md).to.include('| registry | 1/2 | 50% |');
    expect(md).to.include('**2**: s/st: status: expected Success; got Failure');
    const table = toTable(report);
    expect(table).to.match(/FAIL {2}2 /);
    expect(table).to.include('s/st: status: expected Success; got Failure');
    expect(table).to.include('Passed 2/4 (50%)');
  });

  it('baseline: a baseline test failing now is a regression; new passes are listed', () => {
    expect(compareBaseline(['1', '2', '9'], report)).to.deep.equal({ regressed: ['2'], newlyPassing: ['3'] });
  });
});
