/**
 * ITI-10 PIX Update Notification (ITI TF-2a §3.10): when the identifiers cross-referenced for a person
 * change (a feed linked a new identifier, a merge), every subscriber gets ADT^A31 with the person's
 * identifiers in the domains it asked for. Sending is asynchronous (the feed's ACK does not wait for the
 * subscribers) and serial per notifier; a failed delivery is logged, never retried in a loop.
 * The transport (MLLP over mutual TLS) is injected: src/app/mllp-server.ts `sendMllp`.
 */
import type { Logger } from 'pino';
import { writeA31 } from '../../hl7v2/write-a31';
import type { ReplyContext } from '../../hl7v2/write-header';
import type { CrossReference } from '../cross-reference';

export interface Subscriber {
  readonly host: string;
  readonly port: number;
  /** MSH-5/MSH-6 of the notifications. */
  readonly application: string;
  readonly facility: string;
  /** Domains (OIDs) whose identifiers the subscriber wants; empty = all. */
  readonly domains: readonly string[];
}

/** Sends one framed message and resolves with the peer's acknowledgement text. */
export type MllpSend = (to: Subscriber, message: string) => Promise<string>;

export interface NotifierOptions {
  readonly xref: CrossReference;
  readonly subscribers: readonly Subscriber[];
  readonly send: MllpSend;
  readonly reply: () => ReplyContext;
  readonly log: Logger;
}

export class Iti10Notifier {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly o: NotifierOptions) {}

  personChanged(personId: string): void {
    if (this.o.subscribers.length === 0) return;
    this.queue = this.queue.then(() => this.notify(personId)).catch((err) => this.o.log.error({ err }, 'ITI-10 notification failed'));
  }

  /** Resolves when every notification queued so far has been attempted (for shutdown and tests). */
  idle(): Promise<void> {
    return this.queue;
  }

  private async notify(personId: string): Promise<void> {
    const all = await this.o.xref.identifiers(personId);
    for (const s of this.o.subscribers) {
      const ids = s.domains.length === 0 ? all : all.filter((k) => s.domains.includes(k.authority));
      if (ids.length === 0) continue;
      const message = writeA31(ids, { application: s.application, facility: s.facility }, this.o.reply());
      try {
        const ack = await this.o.send(s, message);
        const code = /\rMSA\|([A-Z]{2})/.exec(`\r${ack.replace(/\n/g, '\r')}`)?.[1] ?? '?';
        this.o.log.info({ subscriber: `${s.host}:${s.port}`, ack: code, ids: ids.length }, 'ITI-10 notification sent');
      } catch (err) {
        this.o.log.warn({ err, subscriber: `${s.host}:${s.port}` }, 'ITI-10 notification not delivered');
      }
    }
  }
}
