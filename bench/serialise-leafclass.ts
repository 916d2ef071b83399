/**
 * Serialisation cost of a 1,000-entry LeafClass response (B4's heavy-patient budget, performance.md §4):
 * CPU time of building the AdhocQueryResponse from 1,000 rich DocumentEntries (~9.5 KB each), best of 10.
 *
 *   npm run bench -- serialise
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseXml } from '../src/soap/xml';
import { readSubmitObjectsRequest } from '../src/ebxml/read-submit-objects';
import { writeDocumentEntry } from '../src/ebxml/write-registry-object';
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
const build = () => {
  let out = '';
  for (const d of list) out += writeDocumentEntry(d);
  const xml = writeAdhocQueryResponse({ status: 'Success', objectsXml: out, errors: [] });
  return xml.charCodeAt(xml.length >> 1) + xml.length; // flatten the rope as sending would
};
for (let i = 0; i < 3; i++) build();
let best = Infinity;
let size = 0;
for (let r = 0; r < 10; r++) {
  const c0 = process.cpuUsage();
  size = build();
  const c = process.cpuUsage(c0);
  best = Math.min(best, (c.user + c.system) / 1000);
}
process.stdout.write(`LeafClass 1,000 DocumentEntries: ${(size / 1e6).toFixed(1)} MB in ${best.toFixed(1)} ms CPU (best of 10)\n`);
