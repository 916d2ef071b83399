/**
 * query:AdhocQueryRequest (ebRS 3.0 §6.3, ITI TF-2a §3.18.4.1.2) → a plain request value.
 *
 * Parameter values follow ITI TF-2a §3.18.4.1.2.3.3: a value is a single-quoted string (a quote inside is
 * doubled), a number, or a parenthesised comma list of those. Values may be spread across several rim:Value
 * elements of one Slot (CP-ITI-295): they are concatenated into one list. A repeated Slot is kept as a
 * separate list, because for EventCodeList/ConfidentialityCode/FolderCodeList repetition means AND.
 * Parsing is strict: anything else is an XDSRegistryError naming the parameter and the value.
 */
import { XdsCode, XdsError } from '../errors';
import { childOf, childrenOf, is, type XmlElement } from '../soap/xml';
import { NS } from './vocabulary';

export type QueryReturnType = 'LeafClass' | 'ObjectRef';

export interface AdhocQueryRequest {
  readonly queryId: string;
  readonly returnType: QueryReturnType;
  readonly returnComposedObjects: boolean;
  /** AdhocQuery@home: the homeCommunityId the consumer addressed. */
  readonly home?: string;
  /** Parameter name → one list of values per Slot occurrence. */
  readonly params: ReadonlyMap<string, readonly (readonly string[])[]>;
}

const fail = (context: string): never => {
  throw XdsError.of(XdsCode.RegistryError, context);
};

export function readAdhocQueryRequest(el: XmlElement): AdhocQueryRequest {
  if (!is(el, NS.query, 'AdhocQueryRequest')) fail(`expected query:AdhocQueryRequest, got {${el.ns}}${el.local}`);
  const option = childOf(el, NS.query, 'ResponseOption');
  if (!option) fail('AdhocQueryRequest has no query:ResponseOption');
  const returnType = option!.attrs.returnType ?? 'RegistryObject';
  if (returnType !== 'LeafClass' && returnType !== 'ObjectRef') {
    fail(`ResponseOption returnType "${returnType}" is not supported (LeafClass or ObjectRef)`);
  }
  const query = childOf(el, NS.rim, 'AdhocQuery');
  if (!query) fail('AdhocQueryRequest has no rim:AdhocQuery');
  const queryId = query!.attrs.id?.trim();
  if (!queryId) fail('rim:AdhocQuery has no id attribute');
  return {
    queryId: queryId!,
    returnType: returnType as QueryReturnType,
    returnComposedObjects: option!.attrs.returnComposedObjects === 'true',
    home: query!.attrs.home?.trim() || undefined,
    params: readSlots(query!),
  };
}

function readSlots(query: XmlElement): Map<string, string[][]> {
  const params = new Map<string, string[][]>();
  for (const slot of childrenOf(query, NS.rim, 'Slot')) {
    const name = slot.attrs.name;
    if (!name) fail('rim:Slot without a name in rim:AdhocQuery');
    const valueList = childOf(slot, NS.rim, 'ValueList');
    const values: string[] = [];
    for (const v of valueList ? childrenOf(valueList, NS.rim, 'Value') : []) {
      values.push(...parseQueryValue(name!, v.text));
    }
    const slots = params.get(name!) ?? [];
    slots.push(values);
    params.set(name!, slots);
  }
  return params;
}

const NUMBER = /^[+-]?\d+(\.\d+)?$/;

/**
 * One rim:Value text → its values. `'a'` → [a]; `20041224` → [20041224]; `('a', 'b''c', 3)` → [a, b'c, 3].
 */
export function parseQueryValue(param: string, raw: string): string[] {
  const text = raw.trim();
  const bad = (why: string): never => fail(`parameter ${param}: malformed value "${raw}" (${why})`);
  if (text.startsWith('(')) {
    if (!text.endsWith(')')) bad('list without closing parenthesis');
    const items: string[] = [];
    let i = 1;
    const end = text.length - 1;
    for (;;) {
      i = skipSpaces(text, i);
      const [item, next] = readAtom(text, i, end, bad);
      items.push(item);
      i = skipSpaces(text, next);
      if (i === end) return items;
      if (text[i] !== ',') bad(`expected "," at position ${i}`);
      i++;
    }
  }
  const [item, next] = readAtom(text, 0, text.length, bad);
  if (next !== text.length) bad('text after the value');
  return [item];
}

function skipSpaces(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/** Reads a quoted string or a number starting at `i` (before `end`); returns the value and the next index. */
function readAtom(text: string, i: number, end: number, bad: (why: string) => never): [string, number] {
  if (text[i] === "'") {
    let out = '';
    let j = i + 1;
    for (;;) {
      const q = text.indexOf("'", j);
      if (q < 0 || q >= end) return bad('unterminated quoted string');
      out += text.slice(j, q);
      if (text[q + 1] === "'" && q + 1 < end) {
        out += "'";
        j = q + 2;
        continue;
      }
      return [out, q + 1];
    }
  }
  let j = i;
  while (j < end && text[j] !== ',' && !/\s/.test(text[j]!)) j++;
  const token = text.slice(i, j);
  if (!NUMBER.test(token)) bad(token === '' ? 'empty value' : `"${token}" is neither a quoted string nor a number`);
  return [token, j];
}
