/**
 * XSD validation of what the server answers, as the NIST toolkit does (README "Checks on the response",
 * item 2), against the ebRS 3.0 / XDS.b schemas of the corpus (`<corpus>/../schemas/v3` or --schemas).
 *
 * xmllint-wasm starts a wasm worker and compiles the schemas on every call (2–3 s on a busy machine), so
 * responses are validated in ONE batch: a wrapper schema imports rs.xsd, query.xsd and the XDS.b
 * repository schema, which makes every global element of those namespaces a valid root, and each
 * response is a separate file of the same xmllint run. Sibling schemas are preloaded under their own
 * names so `xs:import schemaLocation="rim.xsd"` resolves in xmllint's in-memory file system.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML, memoryPages, type XMLFileInfo } from 'xmllint-wasm';
import { NS } from '../ebxml/vocabulary';

export interface SchemaChecker {
  /** Problems per document, in order (empty list = valid). */
  checkMany(xmls: readonly string[]): Promise<string[][]>;
}

const WRAPPER: XMLFileInfo = {
  fileName: 'tessera-conformance-all.xsd',
  contents:
    `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">` +
    `<xs:import namespace="${NS.rs}" schemaLocation="rs.xsd"/>` +
    `<xs:import namespace="${NS.query}" schemaLocation="query.xsd"/>` +
    `<xs:import namespace="${NS.lcm}" schemaLocation="lcm.xsd"/>` +
    `<xs:import namespace="${NS.xdsb}" schemaLocation="XDS.b_DocumentRepository.xsd"/>` +
    `</xs:schema>`,
};

export function createSchemaChecker(schemaDir: string): SchemaChecker {
  if (!existsSync(schemaDir)) throw new Error(`schema folder ${schemaDir} does not exist (use --schemas)`);
  const preload: XMLFileInfo[] = readdirSync(schemaDir)
    .filter((f) => f.endsWith('.xsd'))
    .sort()
    .map((fileName) => ({ fileName, contents: readFileSync(join(schemaDir, fileName), 'utf8') }));
  return {
    async checkMany(xmls) {
      if (xmls.length === 0) return [];
      const files = xmls.map((contents, i) => ({ fileName: `response${i}.xml`, contents }));
      const result = await validateXML({ xml: files, schema: WRAPPER, preload, maxMemoryPages: 1024 * memoryPages.MiB });
      const out: string[][] = files.map(() => []);
      if (result.valid) return out;
      for (const e of result.errors) {
        const msg = e.rawMessage.trim();
        if (msg === '' || /fails to validate$/.test(msg)) continue;
        const i = files.findIndex((f) => f.fileName === e.loc?.fileName);
        if (i >= 0) out[i].push(msg);
        else out.forEach((list) => list.push(msg)); // e.g. a schema compile error: every document is affected
      }
      out.forEach((list, i) => {
        if (list.length === 0 && result.rawOutput.includes(`${files[i].fileName} fails to validate`)) list.push(result.rawOutput.trim());
      });
      return out;
    },
  };
}
