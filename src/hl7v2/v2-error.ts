/**
 * An HL7 v2 error to acknowledge: the acknowledgement code (AE = the content is wrong, AR = the message
 * was rejected as a whole: type, version, structure) and the HL7 table 0357 condition code, with the
 * location of the offending value (ERR-2 ERL in v2.5, ERR-1 ELD in v2.3.1).
 */
import { TesseraError } from '../errors';

/** HL7 table 0357 (message error condition codes) as used by the IHE ITI v2 transactions. */
export const ErrorCode = {
  accepted: '0',
  segmentSequence: '100',
  requiredFieldMissing: '101',
  dataType: '102',
  tableValueNotFound: '103',
  unsupportedMessageType: '200',
  unsupportedEvent: '201',
  unsupportedProcessingId: '202',
  unsupportedVersion: '203',
  unknownKey: '204',
  duplicateKey: '205',
  applicationRecordLocked: '206',
  applicationInternal: '207',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_TEXT: Readonly<Record<string, string>> = {
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '204': 'Unknown key identifier',
  '205': 'Duplicate key identifier',
  '206': 'Application record locked',
  '207': 'Application internal error',
};

/** ERL: segment id, segment sequence, field position, field repetition, component, subcomponent. */
export interface ErrorLocation {
  readonly segment?: string;
  readonly seq?: number;
  readonly field?: number;
  readonly rep?: number;
  readonly component?: number;
  readonly subcomponent?: number;
}

export type AckCode = 'AA' | 'AE' | 'AR';

export class V2Error extends TesseraError {
  constructor(
    readonly ack: 'AE' | 'AR',
    readonly code: string,
    message: string,
    readonly location: ErrorLocation = {},
  ) {
    super(message);
  }
}
