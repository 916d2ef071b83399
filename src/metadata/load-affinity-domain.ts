/**
 * Reads an affinity-domain code list in the NIST XDS Toolkit `codes.xml` format:
 * `<Codes><CodeType name=… classScheme=…><Code code=… codingScheme=… display=…/></CodeType>…</Codes>`,
 * where the CodeType named `mimeType` lists the allowed MIME types (its Codes carry only `code`).
 * Pure: the caller reads the file. CodeTypes without a classScheme (other than mimeType) are ignored.
 */
import { parseXml, type XmlElement } from '../soap/xml';
import type { AffinityDomain, CodeValue, Strictness } from './affinity-domain';

const elements = (el: XmlElement, local: string): XmlElement[] => el.children.filter((c) => c.local === local && c.ns === '');

function codeValue(el: XmlElement, typeName: string): CodeValue {
  const { code, codingScheme, display } = el.attrs;
  if (code === undefined || code === '' || codingScheme === undefined || codingScheme === '') {
    throw new Error(`codes.xml: a Code in CodeType ${typeName} lacks code or codingScheme`);
  }
  return display === undefined ? { code, codingScheme } : { code, codingScheme, display };
}

export function loadAffinityDomain(xmlText: string, strictness: Strictness): AffinityDomain {
  const root = parseXml(xmlText);
  if (root.local !== 'Codes') throw new Error(`codes.xml: root element is ${root.local}, expected Codes`);
  const codes = new Map<string, CodeValue[]>();
  const mimeTypes: string[] = [];
  for (const type of elements(root, 'CodeType')) {
    const name = type.attrs.name ?? '';
    if (name === 'mimeType') {
      for (const c of elements(type, 'Code')) if (c.attrs.code) mimeTypes.push(c.attrs.code);
      continue;
    }
    const scheme = type.attrs.classScheme;
    if (scheme === undefined || scheme === '') continue;
    const list = codes.get(scheme) ?? [];
    for (const c of elements(type, 'Code')) list.push(codeValue(c, name));
    codes.set(scheme, list);
  }
  return { strictness, codes, mimeTypes };
}
