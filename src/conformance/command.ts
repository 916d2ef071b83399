/**
 * `tessera conformance`: replays the NIST XDS Toolkit test plans of a testkit directory against any XDS.b
 * registry + repository over mutual TLS. Exit code 1 when a test fails (for CI), 2 on bad options.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { runConformance } from './run';
import { iti44Feed, iti8Feed, noFeed, type PatientFeed } from './patient-feed';
import { progressBar, writeReports } from './console';
import { toTable } from './report';
import type { Tls } from './http-client';

interface CliOptions {
  registry: string;
  repository: string;
  pix?: string;
  mllp?: string;
  feed: boolean;
  cert?: string;
  key?: string;
  ca?: string;
  corpus: string;
  tests?: string;
  report?: string;
  junit?: string;
  markdown?: string;
  schemas?: string;
  schema: boolean;
  sourceId?: string;
}

function feedFrom(o: CliOptions, tls: Tls): PatientFeed {
  if (!o.feed) return noFeed();
  if (o.mllp) return iti8Feed(o.mllp, tls);
  if (o.pix) return iti44Feed(o.pix, tls);
  throw new Error('patient feed: give --pix URL (ITI-44), or --no-feed when the server already knows the patients');
}

export function conformanceCommand(): Command {
  return new Command('conformance')
    .description('replay NIST XDS Toolkit test plans (testkit layout) against an XDS.b registry and repository')
    .requiredOption('--registry <url>', 'Document Registry endpoint (ITI-42, ITI-18)')
    .requiredOption('--repository <url>', 'Document Repository endpoint (ITI-41, ITI-43)')
    .option('--pix <url>', 'PIX Manager endpoint for the ITI-44 patient feed')
    .option('--mllp <host:port>', 'ITI-8 patient feed (ADT^A01) over MLLP/TLS')
    .option('--no-feed', 'do not feed patient IDs (the server does not check them, or knows them)')
    .option('--cert <pem>', 'client certificate (PEM)')
    .option('--key <pem>', 'client private key (PEM)')
    .option('--ca <pem>', 'CA bundle that signed the server certificate (PEM)')
    .requiredOption('--corpus <dir>', 'testkit directory: <dir>/<testId>/index.idx, <section>/testplan.xml')
    .option('--tests <ids>', 'comma-separated test ids (their dependencies are added)')
    .option('--report <file>', 'write the JSON report')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--markdown <file>', 'write a markdown summary')
    .option('--schemas <dir>', 'ebRS 3.0 / XDS.b XSD folder (default <corpus>/../schemas/v3)')
    .option('--no-schema', 'do not schema-validate responses')
    .addOption(new Option('--source-id <oid>', 'SubmissionSet.sourceId to stamp').default('1.3.6.1.4.1.21367.4'))
    .action(async (o: CliOptions) => {
      const read = (p?: string) => (p ? readFileSync(p) : undefined);
      const tls: Tls = { cert: read(o.cert), key: read(o.key), ca: read(o.ca) };
      const progress = progressBar();
      const report = await runConformance({
        corpus: o.corpus,
        registryUrl: o.registry,
        repositoryUrl: o.repository,
        tls,
        feed: feedFrom(o, tls),
        tests: o.tests?.split(',').map((s) => s.trim()).filter(Boolean),
        schemas: o.schema ? o.schemas : false,
        sourceId: o.sourceId,
        onStart: progress.onStart,
        onTest: progress.onTest,
      }).finally(() => progress.stop());
      process.stdout.write(toTable(report, process.stdout.columns ?? 160));
      for (const f of await writeReports(report, { json: o.report, junit: o.junit, markdown: o.markdown })) process.stdout.write(`wrote ${f}\n`);
      process.exitCode = report.passed === report.total ? 0 : 1;
    });
}
