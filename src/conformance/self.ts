/**
 * `npm run conformance:self`: starts Tessera in-process (temp DATA_DIR, ephemeral ports, its development
 * PKI), feeds patients straight into its patient index, replays the whole corpus, writes the reports to a
 * temp folder and compares with the committed baseline (test/conformance/baseline.json, the ids that
 * pass). Exit 1 only when a baseline test fails now; tests that newly pass are listed (--update-baseline
 * rewrites the file). Failing tests stay failing in the report: nothing is skipped or special-cased.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { startTessera } from '../app/start-server';
import { loadConfig } from '../config/load-config';
import { runConformance } from './run';
import { inProcessFeed, parseCx } from './patient-feed';
import { progressBar, writeReports } from './console';
import { toTable, type Report } from './report';

const PROJECT_ROOT = resolve(__dirname, '..', '..');
const BASELINE = join(PROJECT_ROOT, 'test', 'conformance', 'baseline.json');

interface SelfOptions {
  corpus: string;
  tests?: string;
  updateBaseline?: boolean;
  keepData?: boolean;
}

export interface BaselineDiff {
  readonly regressed: string[];
  readonly newlyPassing: string[];
}

export function compareBaseline(baseline: readonly string[], report: Report): BaselineDiff {
  const passing = new Set(report.tests.filter((t) => t.passed).map((t) => t.id));
  const ran = new Set(report.tests.map((t) => t.id));
  return {
    regressed: baseline.filter((id) => ran.has(id) && !passing.has(id)),
    newlyPassing: [...passing].filter((id) => !baseline.includes(id)).sort(),
  };
}

async function selfRun(o: SelfOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const corpus = resolve(o.corpus);
  if (!existsSync(corpus)) {
    process.stdout.write(`conformance corpus ${corpus} not found: nothing to run\n`);
    return 0;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-conformance-data-'));
  const out = await mkdtemp(join(tmpdir(), 'tessera-conformance-report-'));
  // TLS_* blank: the server must use (and we must trust) the development PKI of this temp DATA_DIR.
  const config = loadConfig({ ...env, DATA_DIR: dataDir, PORT: '0', ADMIN_PORT: '0', MLLP_PORT: '0', LOG_LEVEL: 'silent', TLS_CA: '', TLS_CERT: '', TLS_KEY: '' });
  const running = await startTessera(config, { notice: () => undefined });
  const progress = progressBar();
  let report: Report;
  try {
    const pki = (f: string) => readFileSync(join(dataDir, 'pki', f));
    report = await runConformance({
      corpus,
      registryUrl: `${running.url}/xds/registry`,
      repositoryUrl: `${running.url}/xds/repository`,
      tls: { ca: pki('ca.pem'), cert: pki('client.pem'), key: pki('client-key.pem') },
      feed: inProcessFeed((cx) => running.deps.stores.patients.add(parseCx(cx))),
      tests: o.tests?.split(',').map((s) => s.trim()).filter(Boolean),
      onStart: progress.onStart,
      onTest: progress.onTest,
    });
  } finally {
    progress.stop();
    await running.stop();
    if (!o.keepData) await rm(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(toTable(report, process.stdout.columns ?? 200));
  await writeReports(report, { json: join(out, 'report.json'), junit: join(out, 'junit.xml'), markdown: join(out, 'summary.md') });
  process.stdout.write(`reports in ${out}\n`);
  return baselineVerdict(report, o.updateBaseline === true);
}

function baselineVerdict(report: Report, update: boolean): number {
  const baseline: string[] = existsSync(BASELINE) ? JSON.parse(readFileSync(BASELINE, 'utf8')) : [];
  const diff = compareBaseline(baseline, report);
  if (diff.newlyPassing.length > 0) process.stdout.write(`newly passing (not in the baseline): ${diff.newlyPassing.join(', ')}\n`);
  if (update) {
    const passing = report.tests.filter((t) => t.passed).map((t) => t.id).sort();
    writeFileSync(BASELINE, `${JSON.stringify(passing, null, 2)}\n`);
    process.stdout.write(`baseline rewritten: ${passing.length} tests (${BASELINE})\n`);
    return 0;
  }
  if (diff.regressed.length > 0) {
    process.stdout.write(`REGRESSION: baseline tests failing now: ${diff.regressed.join(', ')}\n`);
    return 1;
  }
  process.stdout.write(`baseline holds (${baseline.length} tests)\n`);
  return 0;
}

export function selfCommand(env: NodeJS.ProcessEnv): Command {
  return new Command('conformance:self')
    .description('run the NIST corpus against an in-process Tessera and compare with the baseline')
    .option('--corpus <dir>', 'testkit directory', join(PROJECT_ROOT, '..', 'shared', 'conformance', 'nist'))
    .option('--tests <ids>', 'comma-separated test ids (dependencies are added)')
    .option('--update-baseline', 'rewrite test/conformance/baseline.json with the tests that pass now')
    .option('--keep-data', 'keep the temporary DATA_DIR')
    .action(async (o: SelfOptions) => {
      process.exitCode = await selfRun(o, env);
    });
}

if (require.main === module) {
  // Entry point (like src/main.ts): the environment is handed to loadConfig, never read elsewhere.
  selfCommand(process.env)
    .parseAsync(process.argv)
    .catch((e: unknown) => {
      process.stderr.write(`conformance:self: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 2;
    });
}
