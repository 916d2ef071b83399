/** Builds AdhocQueryRequest XML the way consumers send it (NIST test messages), for the query tests. */
import { escapeXml, parseXml } from '../../../src/soap/xml';
import { readAdhocQueryRequest, type AdhocQueryRequest } from '../../../src/ebxml/read-adhoc-query';

/** One Slot: its name and the raw text of each rim:Value (e.g. `'pid'`, `('a','b')`, `20041224`). */
export type SlotSpec = readonly [name: string, ...values: string[]];

export const APPROVED = "('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')";
export const APPROVED_DEPRECATED =
  "('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved','urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated')";
export const STABLE = 'urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1';
export const ON_DEMAND = 'urn:uuid:34268e47-fdf5-41a6-ba33-82133c465248';

export const quote = (v: string): string => `'${v.replace(/'/g, "''")}'`;
export const list = (...vs: string[]): string => `(${vs.map(quote).join(',')})`;

export function adhocQueryXml(
  queryId: string,
  slots: readonly SlotSpec[],
  returnType = 'ObjectRef',
  home?: string,
): string {
  const slotXml = slots
    .map(
      ([name, ...values]) =>
        `<rim:Slot name="${escapeXml(name)}"><rim:ValueList>${values
          .map((v) => `<rim:Value>${escapeXml(v)}</rim:Value>`)
          .join('')}</rim:ValueList></rim:Slot>`,
    )
    .join('');
  return (
    `<query:AdhocQueryRequest xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" ` +
    `xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">` +
    `<query:ResponseOption returnComposedObjects="true" returnType="${returnType}"/>` +
    `<rim:AdhocQuery id="${queryId}"${home ? ` home="${home}"` : ''}>${slotXml}</rim:AdhocQuery>` +
    `</query:AdhocQueryRequest>`
  );
}

export const adhocQuery = (queryId: string, slots: readonly SlotSpec[], returnType = 'ObjectRef'): AdhocQueryRequest =>
  readAdhocQueryRequest(parseXml(adhocQueryXml(queryId, slots, returnType)));
