/**
 * Programmatic entry: `runConformance(options)` loads the testkit, allocates fresh patient IDs, feeds them,
 * runs the tests in dependency order (README "Dependencies and run order") and returns a Report.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadTestkit, type TestDef } from './testkit';
import { RunLog } from './run-log';
import { newPatientId, type PatientFeed } from './patient-feed';
import { createSchemaChecker } from './schema-check';
import { executeStep } from './execute-step';
import type { Tls } from './http-client';
import type { RunContext, SectionState, StepResult } from './context';
import type { Problem } from './checks';
import { summarize, type Report, type TestResult, type SectionResult } from './report';

export interface ConformanceOptions {
  readonly corpus: string;
  readonly registryUrl: string;
  readonly repositoryUrl: string;
  readonly tls: Tls;
  readonly feed: PatientFeed;
  readonly tests?: readonly string[];
  /** XSD folder; default `<corpus>/../schemas/v3`. `false` turns response validation off. */
  readonly schemas?: string | false;
  /** SubmissionSet.sourceId stamped on every submission (NIST default 1.3.6.1.4.1.21367.4). */
  readonly sourceId?: string;
  readonly onTest?: (done: number, total: number, test: TestResult) => void;
  readonly onStart?: (total: number) => void;
}

/** Fresh uniqueIds: `2.25.<128-bit UUID as integer>` (ITU-T X.667), never reused across runs. */
export const newUniqueId = (): string => `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;

/** Which patient a test's $patientid$ run parameter is (README: 15817 main, 15817b alternate, 15818 SQ data). */
function patientFor(t: TestDef, p: { main: string; alt: string; sq: string }): string {
  if (t.id === '15817b') return p.alt;
  if (t.id === '15818' || t.dependsOn.includes('15818')) return p.sq;
  return p.main;
}

export async function runConformance(o: ConformanceOptions): Promise<Report> {
  const started = new Date();
  const tests = loadTestkit(o.corpus, o.tests);
  const patients = { main: newPatientId(), alt: newPatientId(), sq: newPatientId() };
  // The PIF tests feed these too; feeding up front also serves testkits without PIF tests.
  for (const cx of Object.values(patients)) await o.feed.add(cx);
  const ctx: RunContext = {
    log: new RunLog(),
    registryUrl: o.registryUrl,
    repositoryUrl: o.repositoryUrl,
    tls: o.tls,
    feed: o.feed,
    schema: o.schemas === false ? undefined : createSchemaChecker(o.schemas ?? join(o.corpus, '..', 'schemas', 'v3')),
    sourceId: o.sourceId ?? '1.3.6.1.4.1.21367.4',
    now: () => new Date(),
    newUid: newUniqueId,
    newUuid: () => `urn:uuid:${randomUUID()}`,
    newPatientId,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    schemaQueue: [],
  };
  o.onStart?.(tests.length);
  const results: TestResult[] = [];
  for (const t of tests) {
    const r = await runTest(ctx, t, patientFor(t, patients), patients.alt);
    results.push(r);
    o.onTest?.(results.length, tests.length, r);
  }
  const checked = ctx.schema ? await applySchemaChecks(ctx, results) : results;
  return summarize({ started, corpus: o.corpus, registryUrl: o.registryUrl, repositoryUrl: o.repositoryUrl, patients, tests: checked });
}

/**
 * Validates every queued reply in one xmllint run and fails the steps whose reply is not schema-valid.
 * Unlike NIST, a schema problem therefore does not stop its section; it still fails the step and test.
 */
async function applySchemaChecks(ctx: RunContext, results: readonly TestResult[]): Promise<TestResult[]> {
  const queue = ctx.schemaQueue;
  const problems = await (ctx.schema as NonNullable<RunContext['schema']>).checkMany(queue.map((q) => q.xml));
  const byStep = new Map<string, Problem[]>();
  queue.forEach((q, i) => {
    if (problems[i].length === 0) return;
    const shown = problems[i].slice(0, 5).map((p) => ({ what: 'schema', expected: `${q.root} valid against the ebRS 3.0 / XDS.b schemas`, got: p }));
    byStep.set(`${q.testId}/${q.section}/${q.step}`, shown);
  });
  return results.map((t) => {
    const sections = t.sections.map((s) => {
      const steps = s.steps.map((st) => {
        const extra = byStep.get(`${t.id}/${s.name}/${st.step}`);
        return extra ? { ...st, passed: false, problems: [...st.problems, ...extra] } : st;
      });
      return { ...s, steps, passed: s.passed && steps.every((x) => x.passed) };
    });
    return { ...t, sections, passed: sections.every((s) => s.passed) };
  });
}

async function runTest(ctx: RunContext, t: TestDef, patientId: string, altPatientId: string): Promise<TestResult> {
  const started = Date.now();
  const sections: SectionResult[] = [];
  for (const s of t.sections) {
    const st: SectionState = { testId: t.id, section: s.name, dir: s.dir, patientId, altPatientId };
    const steps: StepResult[] = [];
    for (const step of s.steps) {
      const r = await executeStep(ctx, st, step);
      steps.push(r);
      if (!r.passed) break; // a section stops at its first failing step
    }
    const ran = new Set(steps.map((x) => x.step));
    sections.push({
      name: s.name,
      passed: steps.every((x) => x.passed) && steps.length === s.steps.length,
      steps,
      notRun: s.steps.map((x) => x.id).filter((id) => !ran.has(id)),
    });
  }
  return {
    id: t.id,
    collection: collectionOf(t),
    transaction: t.transaction,
    passed: sections.every((s) => s.passed),
    durationMs: Date.now() - started,
    sections,
  };
}

/** registry = ITI-42, repository = ITI-41/43, stored query = ITI-18, setup = patient feeds. */
export function collectionOf(t: TestDef): string {
  const tx = t.transaction ?? '';
  if (tx.startsWith('ITI-8')) return 'setup';
  if (tx === 'ITI-42') return 'registry';
  if (tx === 'ITI-41' || tx === 'ITI-43') return 'repository';
  if (tx === 'ITI-18') return 'stored query';
  const c = t.collections;
  if (c.includes('SQ.b')) return 'stored query';
  if (c.some((x) => x === 'PR.b' || x === 'Ret.b' || x === 'rep')) return 'repository';
  if (c.some((x) => x === 'R.b' || x.startsWith('reg'))) return 'registry';
  return 'other';
}
