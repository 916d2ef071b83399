/**
 * A small mutable XML tree for the runner. Test-plan messages must be rewritten in place (patient ID,
 * uniqueIds, UUIDs, ebRS 2.1 → 3.0), which the read-only `XmlElement` of src/soap/xml.ts cannot do; we parse
 * with that reader and copy into this shape, then serialise with string templates (design.md, convention 5).
 */
import { parseXml, escapeXml, type XmlElement } from '../soap/xml';
import { NS, XML_NS } from '../ebxml/vocabulary';

export interface Node {
  ns: string;
  local: string;
  prefix: string;
  attrs: Record<string, string>;
  children: Node[];
  text: string;
}

export { XML_NS };

export function toNode(el: XmlElement): Node {
  return { ns: el.ns, local: el.local, prefix: el.prefix, attrs: { ...el.attrs }, children: el.children.map(toNode), text: el.text };
}

/** Parses XML text (test material: generous limits, it is our own input) into a mutable tree. */
export function parseTree(text: string): Node {
  return toNode(parseXml(text.replace(/^\uFEFF/, ''), { maxDepth: 200, maxAttributes: 1024 }));
}

export function walk(node: Node, visit: (n: Node, parent?: Node) => void, parent?: Node): void {
  visit(node, parent);
  for (const c of node.children) walk(c, visit, node);
}

export function findAll(node: Node, local: string): Node[] {
  const out: Node[] = [];
  walk(node, (n) => {
    if (n.local === local) out.push(n);
  });
  return out;
}

export const child = (n: Node, local: string): Node | undefined => n.children.find((c) => c.local === local);
export const kids = (n: Node, local: string): Node[] => n.children.filter((c) => c.local === local);

/** Preferred prefixes so that what we send reads like a normal XDS.b message. */
const PREFERRED: Readonly<Record<string, string>> = {
  [NS.soap12]: 's',
  [NS.wsa]: 'a',
  [NS.xop]: 'xop',
  [NS.rim]: 'rim',
  [NS.rs]: 'rs',
  [NS.lcm]: 'lcm',
  [NS.query]: 'query',
  [NS.xdsb]: 'xdsb',
  [NS.rim21]: 'rim21',
  [NS.rs21]: 'rs21',
  'urn:hl7-org:v3': 'hl7',
  'http://www.w3.org/2001/XMLSchema-instance': 'xsi',
};

/** Serialises a tree; every namespace used is declared once on the root element. */
export function serialize(root: Node, opts: { declaration?: boolean } = {}): string {
  const prefixes = new Map<string, string>();
  let counter = 0;
  const prefixFor = (ns: string): string => {
    let p = prefixes.get(ns);
    if (p === undefined) {
      p = PREFERRED[ns] ?? `ns${counter++}`;
      prefixes.set(ns, p);
    }
    return p;
  };
  walk(root, (n) => {
    if (n.ns) prefixFor(n.ns);
    for (const k of Object.keys(n.attrs)) {
      const m = /^\{(.*)\}/.exec(k);
      if (m && m[1] !== XML_NS) prefixFor(m[1]);
    }
  });
  const decls = [...prefixes].map(([ns, p]) => ` xmlns:${p}="${escapeXml(ns)}"`).join('');
  const body = write(root, prefixes, decls);
  return opts.declaration ? `<?xml version="1.0" encoding="UTF-8"?>${body}` : body;
}

function write(n: Node, prefixes: Map<string, string>, decls: string): string {
  const name = n.ns ? `${prefixes.get(n.ns)}:${n.local}` : n.local;
  let attrs = decls;
  for (const [k, v] of Object.entries(n.attrs)) {
    const m = /^\{(.*)\}(.*)$/.exec(k);
    const an = m ? `${m[1] === XML_NS ? 'xml' : prefixes.get(m[1])}:${m[2]}` : k;
    attrs += ` ${an}="${escapeXml(v)}"`;
  }
  const text = n.children.length === 0 ? escapeXml(n.text) : n.text.trim() ? escapeXml(n.text.trim()) : '';
  const inner = text + n.children.map((c) => write(c, prefixes, '')).join('');
  return inner === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${inner}</${name}>`;
}

/** Namespace-blind plain text of a test-plan element (trimmed). */
export const textOf = (n: Node | undefined): string => (n ? n.text.trim() : '');
