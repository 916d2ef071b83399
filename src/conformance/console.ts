/** Console side of a run: the progress bar (cli-progress; plain lines when not a TTY, e.g. in CI) and report files. */
import { writeFile } from 'node:fs/promises';
import { SingleBar, Presets } from 'cli-progress';
import { toJson, toJunit, toMarkdown, type Report, type TestResult } from './report';

export interface Progress {
  onStart(total: number): void;
  onTest(done: number, total: number, t: TestResult): void;
  stop(): void;
}

export function progressBar(stream: NodeJS.WriteStream = process.stderr): Progress {
  const bar = new SingleBar(
    { format: 'conformance [{bar}] {value}/{total} {test}', stream, noTTYOutput: !stream.isTTY, notTTYSchedule: 5000, hideCursor: true },
    Presets.shades_classic,
  );
  let failed = 0;
  return {
    onStart: (total) => bar.start(total, 0, { test: '' }),
    onTest: (done, _total, t) => {
      if (!t.passed) failed++;
      bar.update(done, { test: `${t.id} ${t.passed ? 'pass' : 'FAIL'} (${failed} failed)` });
    },
    stop: () => bar.stop(),
  };
}

export interface ReportFiles {
  readonly json?: string;
  readonly junit?: string;
  readonly markdown?: string;
}

export async function writeReports(r: Report, files: ReportFiles): Promise<string[]> {
  const written: string[] = [];
  const put = async (path: string | undefined, text: string) => {
    if (!path) return;
    await writeFile(path, text);
    written.push(path);
  };
  await put(files.json, toJson(r));
  await put(files.junit, toJunit(r));
  await put(files.markdown, toMarkdown(r));
  return written;
}
