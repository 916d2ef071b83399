/** MCCI_IN000002UV01 Accept Acknowledgement (ITI TF-2b §3.44.4.2: the reply to every ITI-44 feed). */
import type { MessageHeader } from './read-message';
import { Interaction } from './vocabulary';
import { acknowledgement, wrapperStart, type AckCode, type AckDetail, type ReplyContext } from './write-wrapper';

export function writeAck(code: AckCode, request: MessageHeader, ctx: ReplyContext, details: readonly AckDetail[] = []): string {
  return `${wrapperStart(Interaction.ack, request, ctx)}${acknowledgement(code, request, details)}</${Interaction.ack}>`;
}
