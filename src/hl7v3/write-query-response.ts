/**
 * PRPA_IN201310UV02 (ITI-45 response, ITI TF-2b §3.45.4.2) and PRPA_IN201306UV02 (ITI-47 response,
 * §3.47.4.2): wrapper + acknowledgement, controlActProcess with the subjects, queryAck and the echoed
 * queryByParameter.
 */
import type { XmlElement } from '../soap/xml';
import type { PatientKey } from '../patient-identity/model';
import type { InstanceId } from './read-datatypes';
import type { MessageHeader } from './read-message';
import { INTERACTION_ROOT, Interaction, TriggerEvent } from './vocabulary';
import { echoElement, ii } from './write-datatypes';
import { pdqSubject, pixSubject, type PdqMatch } from './write-patient';
import { acknowledgement, wrapperStart, type AckCode, type AckDetail, type ReplyContext } from './write-wrapper';

export type QueryResponseCode = 'OK' | 'NF' | 'QE' | 'AE';

export interface QueryReply {
  readonly ack: AckCode;
  readonly details: readonly AckDetail[];
  readonly responseCode: QueryResponseCode;
  readonly queryId?: InstanceId;
  readonly queryByParameter?: XmlElement;
  readonly custodianOid: string;
}

export interface Quantities {
  readonly total: number;
  readonly current: number;
  readonly remaining: number;
}

function queryAck(r: QueryReply, q?: Quantities): string {
  const quantities = q
    ? `<resultTotalQuantity value="${q.total}"/><resultCurrentQuantity value="${q.current}"/><resultRemainingQuantity value="${q.remaining}"/>`
    : '';
  const id = r.queryId ? ii('queryId', r.queryId) : '';
  return `<queryAck>${id}<queryResponseCode code="${r.responseCode}"/>${quantities}</queryAck>`;
}

function message(interaction: string, trigger: string, request: MessageHeader, ctx: ReplyContext, r: QueryReply, subjects: string, q?: Quantities): string {
  return (
    wrapperStart(interaction, request, ctx) +
    acknowledgement(r.ack, request, r.details) +
    `<controlActProcess classCode="CACT" moodCode="EVN"><code code="${trigger}" codeSystem="${INTERACTION_ROOT}"/>` +
    subjects +
    queryAck(r, q) +
    (r.queryByParameter ? echoElement(r.queryByParameter) : '') +
    `</controlActProcess></${interaction}>`
  );
}

/** ids: the cross-referenced identifiers (none → no registrationEvent, §3.45.4.2.3 cases 2–5). */
export function writePixResponse(request: MessageHeader, ctx: ReplyContext, r: QueryReply, ids: readonly PatientKey[]): string {
  const subjects = ids.length > 0 ? pixSubject(ids, r.custodianOid) : '';
  return message(Interaction.pixResponse, TriggerEvent.pixResponse, request, ctx, r, subjects);
}

export function writePdqResponse(request: MessageHeader, ctx: ReplyContext, r: QueryReply, matches: readonly PdqMatch[], q?: Quantities): string {
  const subjects = matches.map((m) => pdqSubject(m, r.custodianOid)).join('');
  return message(Interaction.pdqResponse, TriggerEvent.pdqResponse, request, ctx, r, subjects, q);
}
