/**
 * First pass over rim:RegistryObjectList: gathers the ExtrinsicObjects, RegistryPackages and Associations,
 * checks ids are unique, and attaches the Classifications and ExternalIdentifiers that sit at top level
 * (ebRIM 3.0 allows them beside their object, referencing it by id; the SubmissionSet node classification
 * is usually sent that way, ITI TF-3 §4.2.3.3) to the object they name.
 */
import { childrenOf, type XmlElement } from '../soap/xml';
import type { Problems } from './read-rim-parts';
import { NS } from './vocabulary';

export interface RawObject {
  readonly el: XmlElement;
  readonly id: string;
  readonly classifications: XmlElement[];
  readonly externalIds: XmlElement[];
}

const OBJECTS = new Set(['ExtrinsicObject', 'RegistryPackage', 'Association']);

/** Which attribute of a Classification / ExternalIdentifier names its target object. */
const TARGET_ATTR: Readonly<Record<string, string>> = { Classification: 'classifiedObject', ExternalIdentifier: 'registryObject' };

/** A nested classification/identifier must name its parent, if it names anything (the attribute is required by rim.xsd). */
function checkNested(parent: XmlElement, id: string, nested: readonly XmlElement[], p: Problems): void {
  for (const n of nested) {
    const target = n.attrs[TARGET_ATTR[n.local]];
    if (target !== undefined && target !== id) {
      p.error(`${parent.local} ${id}: nested ${n.local} ${n.attrs.id ?? ''} has ${TARGET_ATTR[n.local]} ${target}, not its parent`);
    }
  }
}

/**
 * Ids of top-level objects must be unique: associations and top-level classifications resolve through them.
 * Nested Classification/ExternalIdentifier ids are not checked: nothing references them, the registry assigns
 * fresh ones, and NIST's own messages reuse them across entries (ReposAcceptanceTest-1113 two_doc.xml).
 */
function checkDuplicateIds(objects: readonly RawObject[], loose: readonly XmlElement[], p: Problems): void {
  const uses = new Map<string, string[]>();
  const note = (id: string | undefined, what: string) => {
    if (!id) return;
    const list = uses.get(id) ?? [];
    list.push(what);
    uses.set(id, list);
  };
  for (const o of objects) note(o.id, o.el.local);
  for (const n of loose) note(n.attrs.id, n.local);
  for (const [id, what] of uses) {
    if (what.length > 1) p.error(`object id ${id} is used ${what.length} times in the message (${what.join(', ')})`);
  }
}

function attachLoose(byId: ReadonlyMap<string, RawObject>, loose: readonly XmlElement[], p: Problems): void {
  for (const n of loose) {
    const attr = TARGET_ATTR[n.local];
    const target = n.attrs[attr];
    const owner = target === undefined ? undefined : byId.get(target);
    if (!owner) {
      const scheme = n.attrs.classificationScheme ?? n.attrs.classificationNode ?? n.attrs.identificationScheme ?? '';
      p.error(`${n.local} ${n.attrs.id ?? ''} (scheme ${scheme}): ${attr} ${target ?? '(none)'} is not an object in the message`);
      continue;
    }
    (n.local === 'Classification' ? owner.classifications : owner.externalIds).push(n);
  }
}

/** Objects in document order, with their nested and top-level classifications/identifiers. */
export function collectObjects(list: XmlElement, p: Problems): RawObject[] {
  const objects: RawObject[] = [];
  const loose: XmlElement[] = [];
  for (const child of list.children) {
    if (child.ns === NS.rim && OBJECTS.has(child.local)) {
      const id = child.attrs.id;
      if (!id) {
        p.error(`${child.local} without id in RegistryObjectList`);
        continue;
      }
      const classifications = childrenOf(child, NS.rim, 'Classification');
      const externalIds = childrenOf(child, NS.rim, 'ExternalIdentifier');
      checkNested(child, id, [...classifications, ...externalIds], p);
      objects.push({ el: child, id, classifications, externalIds });
    } else if (child.ns === NS.rim && (child.local === 'Classification' || child.local === 'ExternalIdentifier')) {
      loose.push(child);
    } else if (!(child.ns === NS.rim && child.local === 'ObjectRef')) {
      // ObjectRef only points at objects already in the registry; anything else has no XDS meaning.
      p.error(`RegistryObjectList: element {${child.ns}}${child.local} ${child.attrs.id ?? ''} is not an XDS object`);
    }
  }
  checkDuplicateIds(objects, loose, p);
  const byId = new Map<string, RawObject>();
  for (const o of objects) if (!byId.has(o.id)) byId.set(o.id, o);
  attachLoose(byId, loose, p);
  return objects;
}
