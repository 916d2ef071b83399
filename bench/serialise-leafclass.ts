/**
 * Serialisation cost of a 1,000-entry LeafClass response (B4's heavy-patient budget, performance.md §4):
 * CPU time of building the AdhocQueryResponse from 1,000 rich DocumentEntries (~9.5 KB each), best of 10,
 * two ways: serialising every entry (`writeDocumentEntry`), and completing the ebRIM a store kept
 * (`completeStoredEbrim`). Then the UTF-8 encoding the reply path adds, and the per-registration cost of
 * producing the stored form. Last, stored forms → response bytes for 1,000 / 100 / 10 entries: one string
 * flattened and encoded whole (session 2) against the parts path (handle-iti18.ts → write-response.ts
 * bodyStream, including the Content-Length count).
 *
 *   npm run bench -- serialise
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseXml } from '../src/soap/xml';
import { readSubmitObjectsRequest } from '../src/ebxml/read-submit-objects';
import { completeStoredEbrim, completeStoredEbrimParts, writeDocumentEntry, writeStoredEbrim } from '../src/ebxml/write-registry-object';
import { writeAdhocQueryResponse } from '../src/ebxml/write-registry-response';
import { bodyBuffer, bodyByteLength, bodyStream, bodyText, type BodyParts } from '../src/soap/write-response';

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
const fresh = (n: number) => () => {
  let out = '';
  for (let i = 0; i < n; i++) out += writeDocumentEntry(list[i]!);
  return respond(out);
};
const fromStored = (n: number) => () => {
  let out = '';
  for (let i = 0; i < n; i++) out += completeStoredEbrim('DocumentEntry', stored[i]!, undefined, list[i]!.availabilityStatus);
  return respond(out);
};
/** Session 2's reply path: the rope flattened and UTF-8 encoded whole. */
const asOneBuffer = (n: number) => () => Buffer.from(fromStored(n)(), 'utf8');
/** The parts reply path (handle-iti18.ts + write-response.ts): pieces, packed into 64 KiB chunks as read. */
const partsOf = (n: number): BodyParts => {
  const template = writeAdhocQueryResponse({ status: 'Success', objectsXml: '\u0000', errors: [] });
  const at = template.indexOf('\u0000');
  const out: string[] = [template.slice(0, at)];
  for (let i = 0; i < n; i++) completeStoredEbrimParts('DocumentEntry', stored[i]!, undefined, list[i]!.availabilityStatus, out);
  out.push(template.slice(at + 1));
  return out;
};
const asChunks = (n: number) => () => {
  const parts = partsOf(n);
  const length = bodyByteLength(parts);
  const s = bodyStream(parts);
  let bytes = 0;
  for (let c = s.read() as Buffer | null; c !== null; c = s.read() as Buffer | null) bytes += c.length;
  if (bytes !== length) throw new Error('length mismatch');
  return bytes;
};

/** The same, as soap-route.ts sends an answer of up to 1 MiB: one Buffer of the counted length. */
const asOneBufferFromParts = (n: number) => () => {
  const parts = partsOf(n);
  return bodyBuffer(parts, bodyByteLength(parts)).length;
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

const response = fresh(list.length)();
if (fromStored(list.length)() !== response) throw new Error('stored-form response differs from the fresh serialisation');
if (bodyText(partsOf(list.length)) !== response) throw new Error('parts response differs from the fresh serialisation');
const mb = (Buffer.byteLength(response) / 1e6).toFixed(1);
const out = [
  `LeafClass 1,000 DocumentEntries (${mb} MB), CPU best of 10:`,
  `  serialise every entry:      ${best(fresh(1000)).toFixed(1)} ms`,
  `  complete the stored ebRIM:  ${best(fromStored(1000)).toFixed(1)} ms`,
  `  UTF-8 encode the response:  ${best(() => Buffer.from(response, 'utf8')).toFixed(1)} ms`,
  `  writeStoredEbrim per entry: ${(best(() => list.forEach((d) => writeStoredEbrim(d))) / list.length).toFixed(3)} ms (registration)`,
  `Stored forms to reply bytes (CPU best of 10): one string encoded whole (session 2) → parts in 64 KiB chunks / parts in one Buffer:`,
  ...[1000, 100, 10].map(
    (n) => `  ${String(n).padStart(4)} entries: ${best(asOneBuffer(n)).toFixed(2)} ms → ${best(asChunks(n)).toFixed(2)} ms / ${best(asOneBufferFromParts(n)).toFixed(2)} ms`,
  ),
];
process.stdout.write(`${out.join('\n')}\n`);
