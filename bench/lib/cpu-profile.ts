/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self and inclusive time per function, keyed by
 * `name file:line`, so a hot spot can be reported with its source location.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  /** Microseconds on the monotonic clock (the clock of `process.hrtime`). */
  readonly startTime: number;
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface HotSpot {
  readonly fn: string;
  readonly ms: number;
  readonly share: number;
}

export function summariseProfile(file: string, top = 25): { totalMs: number; self: HotSpot[]; inclusive: HotSpot[] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*?\/(src|bench|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  const perNode = new Map<number, number>();
  p.samples.forEach((s, i) => perNode.set(s, (perNode.get(s) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  for (const [id, us] of perNode) {
    total += us;
    const k = key(byId.get(id)!);
    if (k.startsWith('(idle)')) continue;
    self.set(k, (self.get(k) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const ck = key(byId.get(cur)!);
      if (!seen.has(ck)) incl.set(ck, (incl.get(ck) ?? 0) + us);
      seen.add(ck);
    }
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      // (program) stays: it is native work outside JS (OpenSSL, libuv, SQLite), the bulk of large-body CPU.
      .filter(([k]) => !k.startsWith('(root)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({ fn, ms: us / 1000, share: us / total }));
  return { totalMs: total / 1000, self: rank(self), inclusive: rank(incl) };
}

/** The last profile read, kept: the tail tool asks for stretches, gaps and timelines of one file (tens of MB). */
let lastParsed: { file: string; p: Profile } | undefined;
function parsed(file: string): Profile {
  if (lastParsed?.file !== file) lastParsed = { file, p: JSON.parse(readFileSync(file, 'utf8')) as Profile };
  return lastParsed.p;
}

/**
 * A profile with a labeller for its samples: the innermost frame of our code or a dependency (src/ or
 * node_modules/), named by `name`; else the leaf's own name (`(garbage collector)`, `(program)`, `(idle)`, natives).
 */
function sampled(file: string, name: (f: ProfileNode['callFrame']) => string): { p: Profile; label: (id: number) => string } {
  const p = parsed(file);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (id: number): string => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (/\/(src|node_modules)\//.test(f.url)) return name(f);
    }
    return byId.get(id)!.callFrame.functionName;
  };
  return { p, label };
}

export interface BusyStretch {
  /** Milliseconds since the profile started. */
  readonly atMs: number;
  /** The same instant on the monotonic clock, in ms (compare with `process.hrtime` of another process). */
  readonly monoMs: number;
  readonly ms: number;
  /** The functions sampled most in the stretch (innermost frame under src/ or node_modules/, else the leaf), with ms. */
  readonly top: readonly { fn: string; ms: number }[];
}

/**
 * Stretches of the main thread that never went idle for `minMs` or longer: what holds the event loop when an
 * open-loop p99 shows a stall. A sample's time is its delta to the next one; a stretch ends at an `(idle)` sample.
 */
export function busyStretches(file: string, minMs = 15, top = 4): BusyStretch[] {
  const { p, label } = sampled(file, (f) => `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*?\/(src|node_modules)\//, '$1/')}:${f.lineNumber + 1}`);
  const out: BusyStretch[] = [];
  let t = 0;
  let start = -1;
  let counts = new Map<string, number>();
  const close = (end: number) => {
    if (start >= 0 && end - start >= minMs * 1000) {
      const ranked = [...counts].sort((a, b) => b[1] - a[1]).slice(0, top).map(([fn, us]) => ({ fn, ms: us / 1000 }));
      out.push({ atMs: start / 1000, monoMs: (p.startTime + start) / 1000, ms: (end - start) / 1000, top: ranked });
    }
    start = -1;
    counts = new Map();
  };
  p.samples.forEach((s, i) => {
    const dt = p.timeDeltas[i + 1] ?? 0;
    const k = label(s);
    if (k === '(idle)') close(t);
    else {
      if (start < 0) start = t;
      counts.set(k, (counts.get(k) ?? 0) + dt);
    }
    t += dt;
  });
  close(t);
  return out;
}

/**
 * Gaps of `minMs` or more between two samples (the sampler runs every ~1 ms): the thread was not running at
 * all, because other threads or the kernel held its core. Monotonic ms of the gap's start, and its length.
 */
export function samplerGaps(file: string, minMs = 4): { monoMs: number; ms: number }[] {
  const p = parsed(file);
  const out: { monoMs: number; ms: number }[] = [];
  let t = p.startTime;
  for (const dt of p.timeDeltas) {
    if (dt >= minMs * 1000) out.push({ monoMs: t / 1000, ms: dt / 1000 });
    t += dt;
  }
  return out;
}

/**
 * What the thread did between two instants (monotonic ms), as runs of the same innermost src/node_modules
 * frame (or V8's own: `(garbage collector)`, `(program)`, `(idle)`), with gaps between samples shown as `gap`.
 */
export function timeline(file: string, fromMono: number, toMono: number): string {
  const { p, label } = sampled(file, (f) => f.functionName || f.url.replace(/^.*\//, ''));
  const runs: { what: string; ms: number }[] = [];
  let t = p.startTime;
  p.samples.forEach((s, i) => {
    const dt = p.timeDeltas[i + 1] ?? 0;
    const at = t / 1000;
    t += dt;
    if (at < fromMono || at > toMono) return;
    const what = dt > 3000 ? `${label(s)}+gap` : label(s);
    const last = runs.at(-1);
    if (last && last.what === what) last.ms += dt / 1000;
    else runs.push({ what, ms: dt / 1000 });
  });
  return runs.map((r) => `${r.what} ${r.ms.toFixed(1)}`).join(' | ');
}
