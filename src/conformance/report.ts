/**
 * Report model and writers: JSON (everything), JUnit XML (one testcase per NIST test, for CI), a short
 * markdown summary (pass rate per collection) and the console table.
 */
import { escapeXml } from '../soap/xml';
import type { StepResult } from './context';

export interface SectionResult {
  readonly name: string;
  readonly passed: boolean;
  readonly steps: readonly StepResult[];
  readonly notRun: readonly string[];
}

export interface TestResult {
  readonly id: string;
  readonly collection: string;
  readonly transaction?: string;
  readonly passed: boolean;
  readonly durationMs: number;
  readonly sections: readonly SectionResult[];
}

export interface CollectionSummary {
  readonly total: number;
  readonly passed: number;
  readonly passRate: number;
}

export interface Report {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly corpus: string;
  readonly registryUrl: string;
  readonly repositoryUrl: string;
  readonly patients: Readonly<Record<string, string>>;
  readonly total: number;
  readonly passed: number;
  readonly passRate: number;
  readonly collections: Readonly<Record<string, CollectionSummary>>;
  readonly tests: readonly TestResult[];
}

const rate = (p: number, t: number) => (t === 0 ? 0 : Math.round((p / t) * 1000) / 10);

export function summarize(i: {
  started: Date;
  corpus: string;
  registryUrl: string;
  repositoryUrl: string;
  patients: Record<string, string>;
  tests: TestResult[];
}): Report {
  const finished = new Date();
  const collections: Record<string, CollectionSummary> = {};
  for (const t of i.tests) {
    const c = collections[t.collection] ?? { total: 0, passed: 0, passRate: 0 };
    const total = c.total + 1;
    const passed = c.passed + (t.passed ? 1 : 0);
    collections[t.collection] = { total, passed, passRate: rate(passed, total) };
  }
  const passed = i.tests.filter((t) => t.passed).length;
  return {
    startedAt: i.started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - i.started.getTime(),
    corpus: i.corpus,
    registryUrl: i.registryUrl,
    repositoryUrl: i.repositoryUrl,
    patients: i.patients,
    total: i.tests.length,
    passed,
    passRate: rate(passed, i.tests.length),
    collections,
    tests: i.tests,
  };
}

export const toJson = (r: Report): string => JSON.stringify(r, null, 2);

/** The first failing step of a test, as "section/step: what: expected X, got Y". */
export function failureLines(t: TestResult): string[] {
  const out: string[] = [];
  for (const s of t.sections) {
    for (const st of s.steps) {
      for (const p of st.problems) out.push(`${s.name}/${st.step}: ${p.what}: expected ${p.expected}; got ${p.got}`);
    }
  }
  return out;
}

export function toJunit(r: Report): string {
  const byCollection = new Map<string, TestResult[]>();
  for (const t of r.tests) byCollection.set(t.collection, [...(byCollection.get(t.collection) ?? []), t]);
  const suites = [...byCollection].map(([name, tests]) => {
    const failures = tests.filter((t) => !t.passed).length;
    const time = tests.reduce((a, t) => a + t.durationMs, 0) / 1000;
    const cases = tests
      .map((t) => {
        const head = `<testcase classname="conformance.${escapeXml(name)}" name="${escapeXml(t.id)}" time="${t.durationMs / 1000}"`;
        if (t.passed) return `${head}/>`;
        const lines = failureLines(t);
        return `${head}><failure message="${escapeXml(lines[0] ?? 'failed')}">${escapeXml(lines.join('\n'))}</failure></testcase>`;
      })
      .join('\n    ');
    return `  <testsuite name="${escapeXml(name)}" tests="${tests.length}" failures="${failures}" time="${time}">\n    ${cases}\n  </testsuite>`;
  });
  const failures = r.tests.filter((t) => !t.passed).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="tessera-conformance" tests="${r.total}" failures="${failures}" time="${r.durationMs / 1000}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export function toMarkdown(r: Report): string {
  const rows = Object.entries(r.collections).map(([c, s]) => `| ${c} | ${s.passed}/${s.total} | ${s.passRate}% |`);
  const failed = r.tests.filter((t) => !t.passed).map((t) => `- **${t.id}**: ${(failureLines(t)[0] ?? 'failed').replace(/\|/g, '\\|')}`);
  return [
    `# Conformance run ${r.startedAt}`,
    '',
    `Registry ${r.registryUrl}, repository ${r.repositoryUrl}. Passed **${r.passed}/${r.total}** (${r.passRate}%).`,
    '',
    '| Collection | Passed | Rate |',
    '| --- | --- | --- |',
    ...rows,
    '',
    failed.length > 0 ? '## Failures' : '',
    ...failed,
    '',
  ].join('\n');
}

/** Console table: one line per test, and under each failure its step, expectation and answer. */
export function toTable(r: Report, width = 160): string {
  const cut = (s: string) => (s.length > width ? `${s.slice(0, width - 1)}…` : s);
  const lines = r.tests.map((t) => {
    const head = `${t.passed ? 'PASS' : 'FAIL'}  ${t.id.padEnd(26)} ${t.collection.padEnd(13)} ${(t.durationMs / 1000).toFixed(1).padStart(6)}s`;
    return t.passed ? head : [head, ...failureLines(t).map((l) => cut(`      ${l}`))].join('\n');
  });
  const coll = Object.entries(r.collections).map(([c, s]) => `${c} ${s.passed}/${s.total} (${s.passRate}%)`).join(', ');
  return `${lines.join('\n')}\n\nPassed ${r.passed}/${r.total} (${r.passRate}%) — ${coll}\n`;
}
