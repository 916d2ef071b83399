/**
 * ebRS 3.0 response roots (rs.xsd, query.xsd): rs:RegistryResponse for ITI-41/42 (and ITI-43's error part)
 * and query:AdhocQueryResponse for ITI-18. Each root declares the namespaces its content uses, so the text
 * can be dropped into a SOAP Body as is.
 *
 * Status (ITI TF-3 §4.2.4.2; xds.md): submissions are all or nothing, so errors → Failure and warnings ride
 * inside Success; a query may also answer PartialSuccess, which the caller decides.
 */
import type { RegistryErrorEntry } from '../errors';
import { escapeXml } from '../soap/xml';
import { ErrorSeverity, NS, ResponseStatus } from './vocabulary';

export type QueryResponseStatus = keyof typeof ResponseStatus;

const hasError = (errors: readonly RegistryErrorEntry[]): boolean => errors.some((e) => e.severity === 'Error');

/** rs:RegistryErrorList, or '' when there is nothing to report. Requires prefix `rs` in scope. */
export function writeRegistryErrorList(errors: readonly RegistryErrorEntry[]): string {
  if (errors.length === 0) return '';
  let s = `<rs:RegistryErrorList highestSeverity="${hasError(errors) ? ErrorSeverity.Error : ErrorSeverity.Warning}">`;
  for (const e of errors) {
    const location = e.location === undefined ? '' : ` location="${escapeXml(e.location)}"`;
    s +=
      `<rs:RegistryError errorCode="${escapeXml(e.errorCode)}" codeContext="${escapeXml(e.codeContext)}"` +
      ` severity="${ErrorSeverity[e.severity]}"${location}/>`;
  }
  return s + '</rs:RegistryErrorList>';
}

/** ITI-41/42 response: Success when no entry has severity Error (warnings included), else Failure. */
export function writeRegistryResponse(errors: readonly RegistryErrorEntry[]): string {
  const status = hasError(errors) ? ResponseStatus.Failure : ResponseStatus.Success;
  return `<rs:RegistryResponse xmlns:rs="${NS.rs}" status="${status}">${writeRegistryErrorList(errors)}</rs:RegistryResponse>`;
}

export interface AdhocQueryResponseInput {
  readonly status: QueryResponseStatus;
  /** Concatenated rim:* objects (write-registry-object.ts) or rim:ObjectRef elements; '' for none. */
  readonly objectsXml: string;
  readonly errors: readonly RegistryErrorEntry[];
}

/** ITI-18 response: rim:RegistryObjectList is always present (query.xsd), possibly empty. */
export function writeAdhocQueryResponse(o: AdhocQueryResponseInput): string {
  const list = o.objectsXml === '' ? '<rim:RegistryObjectList/>' : `<rim:RegistryObjectList>${o.objectsXml}</rim:RegistryObjectList>`;
  return (
    `<query:AdhocQueryResponse xmlns:query="${NS.query}" xmlns:rs="${NS.rs}" xmlns:rim="${NS.rim}" status="${ResponseStatus[o.status]}">` +
    writeRegistryErrorList(o.errors) +
    list +
    '</query:AdhocQueryResponse>'
  );
}
