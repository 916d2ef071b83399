/**
 * Serialisation cost of a 1,000-entry LeafClass response (B4's heavy-patient budget, performance.md §4):
 * CPU time of building the AdhocQueryResponse from 1,000 rich DocumentEntries (~9.5 KB each), best of 10,
 * two ways: serialising every entry (`writeDocumentEntry`), and completing the ebRIM a store kept at
 * registration (`completeStoredEbrim`, what handle-iti18.ts does for stored objects). Then the UTF-8 encoding
 * the reply path adds, and the per-registration cost of producing the stored form.
 *
 *   npm run bench -- serialise
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseXml } from '../src/soap/xml';
import { readSubmitObjectsRequest } from '../src/ebxml/read-submit-objects';
import { completeStoredEbrim, writeDocumentEntry, writeStoredEbrim } from '../src/ebxml/write-registry-object';
import { writeAdhocQueryResponse } from '../src/ebxml/write-registry-response';

const golden = readSubmitObjectsRequest(
  parseXml(readFileSync(join(__dirname, '../fixtures/ebxml/golden-submission.xml'), 'utf8')),
  'registry',
).submission.documentEntries[0]!;
const list = Array.from({ length: 1000 }, (_, i) => ({
  ...golden,
  id: `urn:uuid:${i.toString(16).padStart(8, '0')}-1d3f-4e6a-9b8c-7d6e5f4a3b2c`,
  uniqueId: `1.2.42.${i}`,
  availabilityStatus: 'Approved' as const,
}));
const stored = list.map((d) => writeStoredEbrim(d));

const respond = (objectsXml: string): string => {
  const xml = writeAdhocQueryResponse({ status: 'Success', objectsXml, errors: [] });
  return xml + (xml.charCodeAt(xml.length >> 1) > 0 ? '' : ' '); // flatten the rope as sending would
};
const fresh = () => {
  let out = '';
  for (const d of list) out += writeDocumentEntry(d);
  return respond(out);
};
const fromStored = () => {
  let out = '';
  for (let i = 0; i < list.length; i++) out += completeStoredEbrim('DocumentEntry', stored[i]!, undefined, list[i]!.availabilityStatus);
  return respond(out);
};

function best(f: () => unknown, rounds = 10): number {
  for (let i = 0; i < 3; i++) f();
  let ms = Infinity;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    ms = Math.min(ms, (c.user + c.system) / 1000);
  }
  return ms;
}

const response = fresh();
if (fromStored() !== response) throw new Error('stored-form response differs from the fresh serialisation');
const mb = (Buffer.byteLength(response) / 1e6).toFixed(1);
const out = [
  `LeafClass 1,000 DocumentEntries (${mb} MB), CPU best of 10:`,
  `  serialise every entry:      ${best(fresh).toFixed(1)} ms`,
  `  complete the stored ebRIM:  ${best(fromStored).toFixed(1)} ms`,
  `  UTF-8 encode the response:  ${best(() => Buffer.from(response, 'utf8')).toFixed(1)} ms`,
  `  writeStoredEbrim per entry: ${(best(() => list.forEach((d) => writeStoredEbrim(d))) / list.length).toFixed(3)} ms (registration)`,
];
process.stdout.write(`${out.join('\n')}\n`);
