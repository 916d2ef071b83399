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
