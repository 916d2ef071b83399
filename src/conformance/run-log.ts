/**
 * What each executed step leaves behind for later steps (../shared/conformance/README.md §4): the values
 * the runner assigned, the reports it published, the request it sent and the response it got. UseId and
 * UseReport look things up here; section/test folders are addressed as the toolkit does (relative paths).
 */
import { posix } from 'node:path';
import type { Node } from './xml-tree';
import type { Assignments } from './stamp';

export type AssignedSection = 'AssignedUids' | 'AssignedUuids' | 'AssignedPatientId' | 'AssignedSourceId';

export interface StepRecord {
  readonly testId: string;
  readonly section: string;
  readonly step: string;
  readonly txName: string;
  readonly assigned: Record<AssignedSection, Assignments>;
  readonly reports: Record<string, string>;
  input?: string;
  result?: string;
  resultTree?: Node;
  /** Bytes submitted per document uniqueId (P&R), to compare with what Retrieve returns. */
  readonly documents: Map<string, Buffer>;
}

export function newRecord(testId: string, section: string, step: string, txName: string): StepRecord {
  return {
    testId,
    section,
    step,
    txName,
    assigned: { AssignedUids: {}, AssignedUuids: {}, AssignedPatientId: {}, AssignedSourceId: {} },
    reports: {},
    documents: new Map(),
  };
}

export class RunLog {
  private readonly records = new Map<string, StepRecord>();

  put(r: StepRecord): void {
    this.records.set(`${r.testId}\u0000${r.section}\u0000${r.step}`, r);
  }

  get(testId: string, section: string, step: string): StepRecord | undefined {
    return this.records.get(`${testId}\u0000${section}\u0000${step}`);
  }

  /** Steps of one section so far, in execution order (for Assertions). */
  section(testId: string, section: string): StepRecord[] {
    return [...this.records.values()].filter((r) => r.testId === testId && r.section === section);
  }

  /** Every submitted document's bytes, by uniqueId, across the run. */
  submittedDocument(uniqueId: string): Buffer | undefined {
    for (const r of this.records.values()) {
      const d = r.documents.get(uniqueId);
      if (d) return d;
    }
    return undefined;
  }
}

/**
 * Resolves a `testdir` relative to the current section folder: `../submit` → same test, `../../12346/x`
 * → another test, empty → the current section. `submit` without `../` (12021/retrieve quirk) is taken as
 * a sibling section.
 */
export function resolveTestdir(testId: string, section: string, testdir: string | undefined): { testId: string; section: string } {
  if (!testdir) return { testId, section };
  const parts = posix.normalize(posix.join(testId, section, testdir)).split('/');
  if (parts.length === 2) return { testId: parts[0], section: parts[1] };
  if (parts.length === 1) return { testId, section: parts[0] };
  return { testId: parts[0], section: parts[parts.length - 1] };
}

export class LinkError extends Error {}

/** UseId: a value from an earlier step's assignment block, or a literal (`value=`). */
export function resolveUseId(log: RunLog, here: { testId: string; section: string }, attrs: Readonly<Record<string, string>>): string {
  if (attrs.value !== undefined) return attrs.value;
  const where = resolveTestdir(here.testId, here.section, attrs.testdir);
  const rec = log.get(where.testId, where.section, attrs.step ?? '');
  if (!rec) throw new LinkError(`UseId ${attrs.symbol}: no log for ${where.testId}/${where.section}/${attrs.step}`);
  const block = rec.assigned[(attrs.section ?? 'AssignedUids') as AssignedSection] ?? {};
  const v = block[attrs.id ?? ''];
  if (v === undefined) throw new LinkError(`UseId ${attrs.symbol}: ${attrs.section} of ${where.testId}/${where.section}/${attrs.step} has no ${attrs.id}`);
  return v;
}

/** UseReport: a report published by an earlier step (default test = this one; section THIS = current). */
export function resolveUseReport(log: RunLog, here: { testId: string; section: string }, attrs: Readonly<Record<string, string>>): string {
  const testId = attrs.test ?? here.testId;
  const section = !attrs.section || attrs.section === 'THIS' ? here.section : attrs.section;
  const rec = log.get(testId, section, attrs.step ?? '');
  if (!rec) throw new LinkError(`UseReport ${attrs.reportName}: no log for ${testId}/${section}/${attrs.step}`);
  const v = rec.reports[attrs.reportName ?? ''];
  if (v === undefined) throw new LinkError(`UseReport: ${testId}/${section}/${attrs.step} published no report ${attrs.reportName}`);
  return v;
}
