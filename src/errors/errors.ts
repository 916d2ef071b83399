import type { XdsCode } from './codes';

/** Base of every error the server raises on purpose; `cause` keeps the original. */
export class TesseraError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export type Severity = 'Error' | 'Warning';

/** One entry of an rs:RegistryErrorList. `codeContext` names the object, the field and the bad value. */
export interface RegistryErrorEntry {
  readonly errorCode: XdsCode | string;
  readonly codeContext: string;
  readonly severity: Severity;
  readonly location?: string;
}

/** An XDS-level failure: becomes a RegistryResponse with status Failure, never a SOAP fault. */
export class XdsError extends TesseraError {
  readonly errors: readonly RegistryErrorEntry[];
  constructor(errors: readonly RegistryErrorEntry[] | RegistryErrorEntry, options?: { cause?: unknown }) {
    const list = Array.isArray(errors) ? errors : [errors as RegistryErrorEntry];
    super(list.map((e) => `${e.errorCode}: ${e.codeContext}`).join('; '), options);
    this.errors = list;
  }
  static of(errorCode: XdsCode | string, codeContext: string, location?: string): XdsError {
    return new XdsError({ errorCode, codeContext, severity: 'Error', location });
  }
}

export type FaultCode = 'Sender' | 'Receiver' | 'MustUnderstand' | 'VersionMismatch' | 'DataEncodingUnknown';

/** A transport/envelope problem: becomes a SOAP 1.2 Fault (or an HTTP status when no SOAP can be read). */
export class SoapFaultError extends TesseraError {
  constructor(
    readonly code: FaultCode,
    message: string,
    readonly subcode?: string, // QName such as 'wsa:ActionNotSupported'
    readonly httpStatus: number = code === 'Sender' || code === 'MustUnderstand' || code === 'VersionMismatch' ? 400 : 500,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** HL7v3 application error: becomes an MCCI acknowledgement with AE/AR. */
export class Hl7v3Error extends TesseraError {
  constructor(
    readonly ackCode: 'AE' | 'AR',
    message: string,
    readonly detailCode?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Storage-level conflict (unique index or precondition); handlers turn it into the right XDS code. */
export class ConflictError extends TesseraError {
  constructor(
    readonly kind: 'uniqueId' | 'entryUuid' | 'precondition',
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`conflict on ${kind} ${key}`, options);
  }
}
