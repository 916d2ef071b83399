/**
 * XPath 1.0 over step logs, for `Report` (string value) and `Assertions` (boolean), the way the toolkit
 * evaluates them over its log file (README "Checks on the response", item 4). The log is rebuilt as
 * `<TestResults><TestStep id=…><XxxTransaction><InputMetadata/><Result/></XxxTransaction></TestStep>…`.
 */
import { DOMParser } from '@xmldom/xmldom';
import * as xpath from 'xpath';
import type { StepRecord } from './run-log';

function stripDecl(xml: string | undefined): string {
  return (xml ?? '').replace(/^\s*<\?xml[^>]*\?>/, '');
}

export function stepLogXml(r: StepRecord): string {
  return (
    `<TestStep id="${r.step}"><${r.txName}><InputMetadata>${stripDecl(r.input)}</InputMetadata>` +
    `<Result>${stripDecl(r.result)}</Result></${r.txName}></TestStep>`
  );
}

function parse(xml: string): Document {
  return new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
}

/** String value of `expr` over one block (InputMetadata or Result) of a step. */
export function reportValue(r: StepRecord, block: string, expr: string): string {
  const xml = block === 'InputMetadata' ? r.input : r.result;
  if (!xml) return '';
  return String(xpath.select(`string(${expr.trim()})`, parse(`<${block}>${stripDecl(xml)}</${block}>`) as unknown as Node));
}

/** Boolean value of an assertion over the section log so far. */
export function assertTrue(records: readonly StepRecord[], expr: string): boolean {
  const doc = parse(`<TestResults>${records.map(stepLogXml).join('')}</TestResults>`);
  return Boolean(xpath.select(`boolean(${expr.trim()})`, doc as unknown as Node));
}
