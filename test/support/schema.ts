/**
 * XSD validation for tests: `validateXml(xml, rootXsd)` → list of messages (empty = valid).
 *
 * Uses xmllint-wasm (../shared/reference/libraries.md §2) against the official ebRS 3.0 / XDS.b schemas in
 * ../shared/conformance/schemas/v3 (used by path, never copied into the project). xmllint resolves
 * `xs:import schemaLocation="rim.xsd"` inside its in-memory file system, so every sibling schema is passed
 * as a `preload` file under its own relative name; the root schema is passed as `schema`.
 *
 * Cost: every call starts a wasm worker and compiles the schemas (~150–250 ms). What can be cached is
 * cached: the schema texts are read from disk once per process. To validate many documents, prefer
 * `validateXmlMany`, which compiles the schema once for the whole batch.
 *
 * Usage:
 *   const problems = await validateXml(xmlText, 'query.xsd');
 *   expect(problems).to.deep.equal([]);
 *
 * The XML must be UTF-8 text with the root element of one of the root schema's global elements (for
 * 'rim.xsd' a single rim:ExtrinsicObject, rim:RegistryPackage … is fine). Messages look like
 * `doc.xml:12: Schemas validity error : Element '…': …`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateXML, memoryPages, type XMLFileInfo } from 'xmllint-wasm';

export type RootXsd = 'rs.xsd' | 'query.xsd' | 'lcm.xsd' | 'rim.xsd' | 'XDS.b_DocumentRepository.xsd';

/** The shared conformance corpus sits beside the repository (…/main and …/shared). */
export const SCHEMA_DIR = resolve(__dirname, '../../../shared/conformance/schemas/v3');

let schemaFiles: readonly XMLFileInfo[] | undefined;

function loadSchemas(): readonly XMLFileInfo[] {
  schemaFiles ??= readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.xsd'))
    .sort()
    .map((fileName) => ({ fileName, contents: readFileSync(resolve(SCHEMA_DIR, fileName), 'utf8') }));
  return schemaFiles;
}

function schemaArgs(rootXsd: RootXsd): { schema: XMLFileInfo; preload: XMLFileInfo[] } {
  const all = loadSchemas();
  const schema = all.find((f) => f.fileName === rootXsd);
  if (!schema) throw new Error(`schema ${rootXsd} not found in ${SCHEMA_DIR}`);
  return { schema, preload: all.filter((f) => f !== schema) };
}

/**
 * xmllint-wasm starts one worker per call; tests that fire many validations at once (Promise.all) would start
 * them all together on a 2-core machine. Calls are run one after another instead.
 */
let queue: Promise<unknown> = Promise.resolve();
function serially<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

/** Memory for large documents (a 1,000-entry query response is several MB): 256 MiB ceiling. */
const MAX_PAGES = 256 * memoryPages.MiB;

/**
 * Validates several documents against one root schema in a single xmllint run. Returns one message list per
 * input, in order. A document that is not well-formed gets its parser messages.
 */
export async function validateXmlMany(xmls: readonly string[], rootXsd: RootXsd): Promise<string[][]> {
  if (xmls.length === 0) return [];
  const files = xmls.map((contents, i) => ({ fileName: `doc${i}.xml`, contents }));
  const { schema, preload } = schemaArgs(rootXsd);
  const result = await serially(() => validateXML({ xml: files, schema, preload, maxMemoryPages: MAX_PAGES }));
  const out: string[][] = files.map(() => []);
  if (result.valid) return out;
  for (const e of result.errors) {
    const raw = e.rawMessage.trim();
    if (raw === '' || /fails to validate$/.test(raw)) continue;
    const idx = e.loc ? files.findIndex((f) => f.fileName === e.loc?.fileName) : -1;
    // A message xmllint could not attribute to a file (e.g. a schema compile error) is reported for all.
    if (idx >= 0) out[idx].push(raw);
    else out.forEach((list) => list.push(raw));
  }
  // xmllint said "invalid" but produced only summary lines: keep the raw output so the failure shows.
  out.forEach((list, i) => {
    if (list.length === 0 && new RegExp(`doc${i}\\.xml fails to validate`).test(result.rawOutput)) {
      list.push(result.rawOutput.trim());
    }
  });
  return out;
}

/** Validates one document; resolves to the list of problems (empty = valid). Never rejects on invalid XML. */
export async function validateXml(xml: string, rootXsd: RootXsd): Promise<string[]> {
  const [problems] = await validateXmlMany([xml], rootXsd);
  return problems;
}
