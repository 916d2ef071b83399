/**
 * XDSRepositoryOutOfResources (ITI TF-3 Table 4.2.4.1-2: "the repository ... does not have the resources
 * to store the document") for a full disk or exhausted quota while a document is being stored. The
 * submission is then refused as a whole: nothing is registered and the pending blobs are removed, so the
 * Document Source can retry later; the server itself keeps serving.
 */
import { XdsCode, XdsError } from '../errors';
import { StorageFullFault, isOutOfSpace } from '../soap/mime-read';

export { isOutOfSpace };

/** `what` names the document (e.g. "xdsb:Document Document01"); the OS error stays as the cause for the log. */
export const outOfResources = (what: string, cause: unknown): XdsError =>
  new XdsError(
    { errorCode: XdsCode.RepositoryOutOfResources, codeContext: `${what}: no storage space left to store the document`, severity: 'Error' },
    { cause },
  );

/**
 * For the SOAP endpoint: when reading an MTOM request failed because an attachment could not be stored
 * for lack of space, the XDS error to answer with (a RegistryResponse) instead of the 507 fault.
 */
export function outOfResourcesOfRead(err: unknown): XdsError | undefined {
  if (!(err instanceof StorageFullFault)) return undefined;
  return outOfResources(`the document in MIME part <${err.contentId}>`, err.cause);
}
