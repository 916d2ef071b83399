/**
 * XSD validation of HL7v3 messages against the NE2008 schema set (../shared/conformance/schemas/hl7v3/NE2008,
 * used by path). The multicache schemas include `../coreschemas/*.xsd`, so the core schemas are preloaded under
 * that relative name and the multicache siblings under their own; the interaction schema is the root.
 * Schema texts are read once per process; `validateHl7v3Many` compiles the schema once per batch.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateXML, memoryPages, type XMLFileInfo } from 'xmllint-wasm';

export type Hl7v3Interaction =
  | 'MCCI_IN000002UV01'
  | 'PRPA_IN201301UV02'
  | 'PRPA_IN201302UV02'
  | 'PRPA_IN201304UV02'
  | 'PRPA_IN201305UV02'
  | 'PRPA_IN201306UV02'
  | 'PRPA_IN201309UV02'
  | 'PRPA_IN201310UV02'
  | 'QUQI_IN000003UV01';

const ROOT = resolve(__dirname, '../../../shared/conformance/schemas/hl7v3/NE2008');

let files: { core: XMLFileInfo[]; multi: XMLFileInfo[] } | undefined;

function load(): { core: XMLFileInfo[]; multi: XMLFileInfo[] } {
  const read = (dir: string, prefix: string): XMLFileInfo[] =>
    readdirSync(resolve(ROOT, dir))
      .filter((f) => f.endsWith('.xsd'))
      .sort()
      .map((f) => ({ fileName: `${prefix}${f}`, contents: readFileSync(resolve(ROOT, dir, f), 'utf8') }));
  files ??= { core: read('coreschemas', '../coreschemas/'), multi: read('multicacheschemas', '') };
  return files;
}

/** Only the schemas reachable by xs:include/xs:import (compiling all ~200 would cost seconds per run). */
function closure(root: XMLFileInfo, all: readonly XMLFileInfo[]): XMLFileInfo[] {
  const byName = new Map(all.map((f) => [f.fileName, f]));
  const seen = new Set<string>([root.fileName]);
  const queue: { file: XMLFileInfo; dir: string }[] = [{ file: root, dir: '' }];
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const m of String(next.file.contents).matchAll(/schemaLocation="([^"]+)"/g)) {
      // Names are relative to the including file: a core schema including a sibling stays in ../coreschemas/.
      const name = m[1].startsWith('../') ? m[1] : `${next.dir}${m[1]}`;
      const file = byName.get(name);
      if (!file || seen.has(name)) continue;
      seen.add(name);
      queue.push({ file, dir: name.startsWith('../coreschemas/') ? '../coreschemas/' : '' });
    }
  }
  return [...seen].filter((n) => n !== root.fileName).map((n) => byName.get(n)!);
}

/** Validates each XML text against the interaction's schema; one problem list per input (empty = valid). */
export async function validateHl7v3Many(xmls: readonly string[], interaction: Hl7v3Interaction): Promise<string[][]> {
  if (xmls.length === 0) return [];
  const { core, multi } = load();
  const schema = multi.find((f) => f.fileName === `${interaction}.xsd`);
  if (!schema) throw new Error(`schema ${interaction}.xsd not found under ${ROOT}`);
  const xml = xmls.map((contents, i) => ({ fileName: `doc${i}.xml`, contents }));
  const result = await validateXML({
    xml,
    schema,
    preload: closure(schema, [...core, ...multi]),
    maxMemoryPages: 256 * memoryPages.MiB,
  });
  const out: string[][] = xml.map(() => []);
  if (result.valid) return out;
  for (const e of result.errors) {
    const raw = e.rawMessage.trim();
    if (raw === '' || /fails to validate$/.test(raw)) continue;
    const idx = e.loc ? xml.findIndex((f) => f.fileName === e.loc?.fileName) : -1;
    if (idx >= 0) out[idx].push(raw);
    else out.forEach((l) => l.push(raw));
  }
  out.forEach((l, i) => {
    if (l.length === 0 && new RegExp(`doc${i}\\.xml fails to validate`).test(result.rawOutput)) l.push(result.rawOutput.trim());
  });
  return out;
}

export async function validateHl7v3(xml: string, interaction: Hl7v3Interaction): Promise<string[]> {
  const [problems] = await validateHl7v3Many([xml], interaction);
  return problems;
}
