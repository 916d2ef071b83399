/**
 * Placeholder substitution (../shared/conformance/README.md, "Substitution conventions"): plain substring
 * replacement inside element text and attribute values, never inside Report/UseReport/UseId or
 * xdsb:Document. Stored-query parameter names such as `$XDSDocumentEntryPatientId` have no closing `$`
 * and are therefore never matched by a `$name$` token.
 */
import type { Node } from './xml-tree';

export type Substitutions = ReadonlyArray<readonly [string, string]>;

const SKIP = new Set(['Report', 'UseReport', 'UseId']);

export function substituteText(text: string, subs: Substitutions): string {
  let out = text;
  for (const [from, to] of subs) if (from !== '' && out.includes(from)) out = out.split(from).join(to);
  return out;
}

export function substituteTree(node: Node, subs: Substitutions): void {
  if (SKIP.has(node.local) || (node.local === 'Document' && node.ns !== '')) return;
  node.text = substituteText(node.text, subs);
  for (const k of Object.keys(node.attrs)) node.attrs[k] = substituteText(node.attrs[k], subs);
  for (const c of node.children) substituteTree(c, subs);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** DTM in local time, as the toolkit writes $now$ (YYYYMMDDhhmmss). */
export function dtm(d: Date): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

/** $now$, $lastyear$ for messages; $DATE$ (UTC day, as the registry stamps lastUpdateTime) for asserts. */
export function builtins(now: Date): Substitutions {
  const lastYear = new Date(now);
  lastYear.setFullYear(now.getFullYear() - 1);
  const utcDay = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  return [
    ['$now$', dtm(now)],
    ['$lastyear$', dtm(lastYear)],
    ['$DATE$', utcDay],
  ];
}
