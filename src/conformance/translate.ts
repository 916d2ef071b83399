/**
 * ebRS/ebRIM 2.1 → 3.0 translation of a SubmitObjectsRequest, as the NIST toolkit does it at send time
 * (../shared/conformance/README.md, "Translating the ebRS 2.1 submissions to 3.0"). Every copied NIST
 * submission is written in 2.1; XDS.b (ITI TF-3 §4.2.3) requires 3.0 on the wire.
 */
import { NS, StatusPrefix, AssociationTypePrefix, ObjectType } from '../ebxml/vocabulary';
import { type Node, XML_NS } from './xml-tree';

/** ebRIM 3.0 content order inside a RegistryObject (rim.xsd: RegistryObjectType sequence). */
const ORDER = ['Slot', 'Name', 'Description', 'VersionInfo', 'Classification', 'ExternalIdentifier'];
const IHE_ASSOCIATIONS = new Set(['APND', 'XFRM', 'RPLC', 'XFRM_RPLC', 'signs']);
const OBJECT_TYPES: Readonly<Record<string, string>> = {
  RegistryPackage: ObjectType.registryPackage,
  Association: ObjectType.association,
  Classification: ObjectType.classification,
  ExternalIdentifier: ObjectType.externalIdentifier,
};

export const isEbrs21 = (root: Node): boolean => root.ns === NS.rs21 || root.ns === NS.rim21;

/** Returns a new 3.0 `lcm:SubmitObjectsRequest`; the input is left untouched. */
export function translateSubmitObjectsRequest(root: Node): Node {
  if (!isEbrs21(root)) return root;
  const list = root.children.find((c) => c.local === 'LeafRegistryObjectList');
  let n = 0;
  const nextId = () => `id_${++n}`;
  const objects = (list?.children ?? []).filter((c) => c.local !== 'ObjectRef').map((c) => convert(c, nextId, undefined));
  const registryObjectList: Node = { ns: NS.rim, local: 'RegistryObjectList', prefix: 'rim', attrs: {}, children: objects, text: '' };
  return { ns: NS.lcm, local: 'SubmitObjectsRequest', prefix: 'lcm', attrs: {}, children: [registryObjectList], text: '' };
}

function convert(el: Node, nextId: () => string, owner: Node | undefined): Node {
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(el.attrs)) {
    if (k === 'majorVersion' || k === 'minorVersion') continue;
    if (k === 'lang') attrs[`{${XML_NS}}lang`] = v;
    else if (k === 'status' && !v.includes(':')) attrs[k] = StatusPrefix + v;
    else if (k === 'associationType' && !v.includes(':')) attrs[k] = associationType(v);
    else attrs[k] = v;
  }
  if ((el.local === 'Association' || el.local === 'Classification' || el.local === 'ExternalIdentifier') && !attrs.id) {
    attrs.id = nextId();
  }
  if (el.local === 'ExternalIdentifier' && owner && !attrs.registryObject) attrs.registryObject = owner.attrs.id ?? '';
  const type = OBJECT_TYPES[el.local];
  if (type && !attrs.objectType) attrs.objectType = type;
  const node: Node = { ns: el.ns === NS.rim21 ? NS.rim : el.ns, local: el.local, prefix: 'rim', attrs, children: [], text: el.text };
  node.children = reorder(el.children.filter((c) => c.local !== 'ObjectRef')).map((c) => convert(c, nextId, node));
  return node;
}

function associationType(v: string): string {
  return (IHE_ASSOCIATIONS.has(v) ? AssociationTypePrefix.ihe2007 : AssociationTypePrefix.HasMember) + v;
}

function reorder(children: readonly Node[]): Node[] {
  const rank = (c: Node) => {
    const i = ORDER.indexOf(c.local);
    return i < 0 ? ORDER.length : i;
  };
  // Stable: equal ranks keep their document order.
  return children.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((x) => x.c);
}
