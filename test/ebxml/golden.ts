/** Shared test data for test/ebxml: the golden submission and a wrapper for written rim objects. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NS } from '../../src/ebxml/vocabulary';
import { parseXml, type XmlElement } from '../../src/soap/xml';

export const GOLDEN_PATH = resolve(__dirname, '../../fixtures/ebxml/golden-submission.xml');
export const goldenText = (): string => readFileSync(GOLDEN_PATH, 'utf8');

/** Parses golden-submission.xml after applying text edits (each `from` must occur). */
export function goldenWith(...edits: readonly (readonly [string, string])[]): XmlElement {
  let text = goldenText();
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`test edit does not apply: ${from}`);
    text = text.replace(from, to);
  }
  return parseXml(text);
}

/** Wraps rim:* text as a SubmitObjectsRequest so the reader can read it back. */
export const asSubmitObjectsRequest = (objectsXml: string): string =>
  `<lcm:SubmitObjectsRequest xmlns:lcm="${NS.lcm}" xmlns:rim="${NS.rim}"><rim:RegistryObjectList>${objectsXml}</rim:RegistryObjectList></lcm:SubmitObjectsRequest>`;

export const NIST_1111 = resolve(__dirname, '../../../shared/conformance/nist/ReposAcceptanceTest-1111');
export const NIST_12346 = resolve(__dirname, '../../../shared/conformance/nist/12346');
