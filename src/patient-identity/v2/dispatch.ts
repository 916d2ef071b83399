/**
 * Routes one received HL7 v2 message to its ITI handler and turns every failure into the reply the
 * profile wants: AR for what cannot be processed at all (unparseable, unsupported type 200 / event 201 /
 * version 203), AE for content errors (ERR with the table 0357 code and location). Queries answer their
 * errors in an RSP (QAK-2 AE/AR) rather than a bare ACK. Never throws for message content.
 */
import { parseEr7, type V2Message } from '../../hl7v2/er7';
import { readHeader, sniffHeader, type V2Header } from '../../hl7v2/read-header';
import { ErrorCode, V2Error } from '../../hl7v2/v2-error';
import { writeAck, type AckError } from '../../hl7v2/write-ack';
import { SUPPORTED_VERSIONS } from '../../hl7v2/write-header';
import { writePdqResponse, writePixResponse } from '../../hl7v2/write-rsp';
import { ADT_FEED_EVENTS } from '../../hl7v2/read-adt';
import { IdentityError } from '../identity-error';
import { handleIti8 } from './handle-iti8';
import { handleIti9 } from './handle-iti9';
import { handleCancel, handleIti21 } from './handle-iti21';
import type { V2Context, V2Request } from './v2-context';

type Route = (v2: V2Context, m: V2Message, h: V2Header, req: V2Request) => Promise<string> | string;

const ROUTES: Readonly<Record<string, Readonly<Record<string, Route>>>> = {
  ADT: Object.fromEntries(Object.keys(ADT_FEED_EVENTS).map((e) => [e, handleIti8])),
  QBP: { Q23: handleIti9, Q22: handleIti21 },
  QCN: { J01: (v2, m, h) => handleCancel(v2, m, h) },
};

export interface Inbound {
  readonly text: string;
  readonly peer: V2Request['peer'];
}

const toAckError = (e: V2Error): AckError => ({ code: e.code, text: e.message, location: e.location });

function checkHeader(h: V2Header): void {
  const msh = { segment: 'MSH', seq: 1 };
  if (!h.controlId) throw new V2Error('AR', ErrorCode.requiredFieldMissing, 'MSH-10 message control id is empty', { ...msh, field: 10 });
  if (!SUPPORTED_VERSIONS.includes(h.version)) throw new V2Error('AR', ErrorCode.unsupportedVersion, `version ${h.version || '(none)'} is not supported`, { ...msh, field: 12 });
  const events = ROUTES[h.type];
  if (!events) throw new V2Error('AR', ErrorCode.unsupportedMessageType, `message type ${h.type || '(none)'} is not supported`, { ...msh, field: 9, component: 1 });
  if (!events[h.event]) throw new V2Error('AR', ErrorCode.unsupportedEvent, `event ${h.event || '(none)'} is not supported for ${h.type}`, { ...msh, field: 9, component: 2 });
}

/** Error reply in the shape of the request: RSP for queries, ACK otherwise. */
function errorReply(v2: V2Context, m: V2Message | undefined, h: V2Header, e: V2Error): string {
  const qpd = m?.segment('QPD');
  if (h.type === 'QBP' && (h.event === 'Q23' || h.event === 'Q22')) {
    const r = { ack: e.ack, status: e.ack, errors: [toAckError(e)], queryTag: qpd?.get(2) ?? '', qpdRaw: qpd?.text };
    return h.event === 'Q23' ? writePixResponse(h, v2.reply(), r, []) : writePdqResponse(h, v2.reply(), r, []);
  }
  return writeAck(e.ack, h, v2.reply(), [toAckError(e)]);
}

function asV2Error(v2: V2Context, err: unknown, h: V2Header): V2Error {
  if (err instanceof V2Error) return err;
  if (err instanceof IdentityError) return new V2Error('AE', err.kind === 'conflict' ? ErrorCode.applicationInternal : ErrorCode.unknownKey, err.message, {});
  v2.log.error({ err, controlId: h.controlId, type: h.type, event: h.event }, 'HL7v2 handler failed');
  return new V2Error('AE', ErrorCode.applicationInternal, 'application internal error', {});
}

/**
 * The reply to one message, or undefined when nothing of it can be identified (no MSH): the caller
 * then closes the connection, as there is no one to address an acknowledgement to.
 */
export async function dispatchV2(v2: V2Context, inbound: Inbound): Promise<string | undefined> {
  let m: V2Message | undefined;
  let h: V2Header | undefined;
  try {
    m = parseEr7(inbound.text);
    h = readHeader(m);
    checkHeader(h);
    const route = ROUTES[h.type]![h.event]!;
    return await route(v2, m, h, { peer: inbound.peer, controlId: h.controlId });
  } catch (err) {
    const header = h ?? sniffHeader(inbound.text);
    if (!header) return undefined;
    const e = asV2Error(v2, err, header);
    v2.log.info({ controlId: header.controlId, type: header.type, event: header.event, ack: e.ack, code: e.code }, 'HL7v2 message not accepted');
    return errorReply(v2, h ? m : undefined, header, e);
  }
}
