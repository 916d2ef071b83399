/**
 * The transport's fault vocabulary in one place. Messages are static (never echo request content):
 * they end up in the fault's Reason text.
 */
import { SoapFaultError } from '../errors';

export const senderFault = (message: string, subcode?: string, cause?: unknown): SoapFaultError =>
  new SoapFaultError('Sender', message, subcode, 400, cause === undefined ? undefined : { cause });

/** HTTP 413: a size cap was crossed (security.md X11). */
export const tooLarge = (what: string): SoapFaultError =>
  new SoapFaultError('Sender', `${what} exceeds the size limit`, undefined, 413);

/** HTTP 415: a media type or content coding we do not speak (security.md X10). */
export const unsupportedMedia = (message: string): SoapFaultError =>
  new SoapFaultError('Sender', message, undefined, 415);

/** SOAP 1.2 Part 1 §5.4.7. */
export const versionMismatch = (): SoapFaultError =>
  new SoapFaultError('VersionMismatch', 'Only SOAP 1.2 envelopes are accepted');

export const receiverFault = (message: string, cause?: unknown): SoapFaultError =>
  new SoapFaultError('Receiver', message, undefined, 500, cause === undefined ? undefined : { cause });
