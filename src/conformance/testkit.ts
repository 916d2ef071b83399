/**
 * Reads a NIST-layout testkit: DIR/<testId>/index.idx lists the sections to run, each section folder has a
 * testplan.xml (../shared/conformance/README.md, "How a NIST test is built"). Plans are kept as trees
 * and interpreted when a step runs; this module only finds them, orders them and derives dependencies.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { type Node, parseTree, kids, child, textOf, findAll } from './xml-tree';

export interface StepDef {
  readonly id: string;
  readonly node: Node; // the <TestStep> element
  /** The transaction element (RegisterTransaction, NullTransaction, …) or undefined for bare steps. */
  readonly tx?: Node;
}

export interface SectionDef {
  readonly name: string;
  readonly dir: string;
  readonly steps: readonly StepDef[];
}

export interface TestDef {
  readonly id: string;
  readonly dir: string;
  readonly sections: readonly SectionDef[];
  readonly dependsOn: readonly string[];
  readonly collections: readonly string[];
  /** From manifest.json when present: ITI-42, ITI-41, ITI-18, ITI-43, ITI-8 (PIF). */
  readonly transaction?: string;
  readonly actor?: string;
}

interface ManifestEntry {
  readonly id: string;
  readonly transaction?: string;
  readonly actor?: string;
  readonly dependsOn?: readonly string[];
}

const isTransaction = (n: Node) => n.local.endsWith('Transaction');

function loadSection(testDir: string, name: string): SectionDef | undefined {
  const file = join(testDir, name, 'testplan.xml');
  if (!existsSync(file)) return undefined;
  const plan = parseTree(readFileSync(file, 'utf8'));
  const steps = kids(plan, 'TestStep').map((node) => ({ id: node.attrs.id ?? '', node, tx: node.children.find(isTransaction) }));
  return { name, dir: join(testDir, name), steps };
}

/** Tests referenced by UseReport test=… and UseId testdir=../../<test>/… */
function referencedTests(id: string, sections: readonly SectionDef[]): string[] {
  const out = new Set<string>();
  for (const s of sections) {
    for (const step of s.steps) {
      for (const u of findAll(step.node, 'UseReport')) if (u.attrs.test && u.attrs.test !== id) out.add(u.attrs.test);
      for (const u of findAll(step.node, 'UseId')) {
        const parts = posix.normalize(posix.join(id, s.name, u.attrs.testdir ?? '')).split('/');
        if (parts.length >= 2 && parts[0] !== id && parts[0] !== '..') out.add(parts[0]);
      }
    }
  }
  return [...out];
}

function readLines(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}

export function loadTest(corpus: string, id: string, manifest?: ManifestEntry): TestDef {
  const dir = join(corpus, id);
  const sections = readLines(join(dir, 'index.idx'))
    .map((name) => loadSection(dir, name))
    .filter((s): s is SectionDef => s !== undefined);
  const dependsOn = [...new Set([...(manifest?.dependsOn ?? []), ...referencedTests(id, sections)])];
  return {
    id,
    dir,
    sections,
    dependsOn,
    collections: readLines(join(dir, 'collections.txt')),
    transaction: manifest?.transaction,
    actor: manifest?.actor,
  };
}

/**
 * Loads every test of the corpus (or the selected ones plus their transitive dependencies), in run
 * order: dependencies first, otherwise manifest order (or name order without a manifest).
 */
export function loadTestkit(corpus: string, selected?: readonly string[]): TestDef[] {
  const manifestFile = join(corpus, '..', 'manifest.json');
  const manifest: ManifestEntry[] = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : [];
  const byId = new Map(manifest.map((m) => [m.id, m]));
  const ids = readdirSync(corpus).filter((d) => existsSync(join(corpus, d, 'index.idx')) && statSync(join(corpus, d)).isDirectory());
  const rank = (id: string) => {
    const i = manifest.findIndex((m) => m.id === id);
    return i < 0 ? manifest.length : i;
  };
  ids.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const all = new Map(ids.map((id) => [id, loadTest(corpus, id, byId.get(id))]));
  const wanted = new Set<string>();
  const want = (id: string) => {
    const t = all.get(id);
    if (!t || wanted.has(id)) return;
    wanted.add(id);
    t.dependsOn.forEach(want);
  };
  (selected && selected.length > 0 ? selected : ids).forEach((id) => {
    if (!all.has(id)) throw new Error(`test ${id} not found in ${corpus}`);
    want(id);
  });
  return topoOrder(ids.filter((id) => wanted.has(id)).map((id) => all.get(id) as TestDef));
}

function topoOrder(tests: readonly TestDef[]): TestDef[] {
  const out: TestDef[] = [];
  const placed = new Set<string>();
  const present = new Set(tests.map((t) => t.id));
  const visiting = new Set<string>();
  const place = (t: TestDef) => {
    if (placed.has(t.id) || visiting.has(t.id)) return;
    visiting.add(t.id);
    for (const d of t.dependsOn) {
      const dep = tests.find((x) => x.id === d);
      if (dep && present.has(d)) place(dep);
    }
    placed.add(t.id);
    out.push(t);
  };
  tests.forEach(place);
  return out;
}

export const stepExpectedStatus = (step: StepDef): string[] =>
  textOf(child(step.node, 'ExpectedStatus')).split(',').map((s) => s.trim()).filter((s) => s !== '');
