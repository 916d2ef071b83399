/**
 * ITI-46 PIX Update Notification (ITI TF-2b §3.46): when the identifiers cross-referenced for a person change
 * (a feed linked a new identifier, a merge, an unmerge — CrossReference.onPersonChanged), every configured
 * PIX Consumer gets PRPA_IN201302UV02 with the person's current identifiers (all domains, or the domains it
 * asked for, §3.46.4.1.1) and answers MCCI_IN000002UV01. The web-services binding is ITI TF-2x Appendix V:
 * SOAP 1.2 with WS-Addressing, over mutual TLS (ATNA secure node, ITI TF-2a §3.19).
 *
 * As for ITI-10 (v2/notify-iti10.ts): sending is asynchronous (the feed's acknowledgement never waits for a
 * consumer) and serial per notifier; a failed delivery or a non-AA answer is logged, never retried in a loop.
 * Logs carry the subscriber URL, message id, ack code and identifier count — never the identifiers.
 */
import { randomUUID } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import type { Logger } from 'pino';
import { SoapAction } from '../ebxml/vocabulary';
import { HL7_NS, Interaction } from '../hl7v3/vocabulary';
import { writeUpdateNotification } from '../hl7v3/write-update-notification';
import { SOAP12_NS, WSA_ANONYMOUS, WSA_NS } from '../soap/namespaces';
import { childOf, escapeXml, parseXml } from '../soap/xml';
import type { CrossReference } from './cross-reference';
import type { PatientKey } from './model';

/** ITI-46 uses the revise interaction, so its wsa:Action is the one of an ITI-44 revise (Appendix V). */
export const ITI46_ACTION = SoapAction.iti44Revise;

export interface Iti46Subscriber {
  /** The PIX Consumer's endpoint, https://host:port/path. */
  readonly url: string;
  /** Domains (OIDs) whose identifiers the subscriber wants; absent or empty = all. */
  readonly domains?: readonly string[];
}

/** PEM texts: the CA the consumers' certificates chain to, and this node's client certificate and key. */
export interface ClientTls {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export interface Iti46Options {
  readonly xref: CrossReference;
  readonly subscribers: readonly Iti46Subscriber[];
  readonly tls: ClientTls;
  readonly log: Logger;
  /** sender/device/id and custodian: the PIX Manager's own (PixHandlers.deviceOid / custodianOid). */
  readonly deviceOid: string;
  readonly custodianOid: string;
  readonly now?: () => Date;
  readonly newId?: () => string;
  readonly timeoutMs?: number;
  /** Cap on a consumer's reply. Default 1 MiB (an acknowledgement is small). */
  readonly maxResponseBytes?: number;
}

interface Reply {
  readonly status: number;
  readonly text: string;
}

function envelope(url: string, messageId: string, body: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP12_NS}" xmlns:wsa="${WSA_NS}"><soap:Header>` +
    `<wsa:Action soap:mustUnderstand="true">${ITI46_ACTION}</wsa:Action>` +
    `<wsa:MessageID>urn:uuid:${messageId}</wsa:MessageID>` +
    `<wsa:ReplyTo><wsa:Address>${WSA_ANONYMOUS}</wsa:Address></wsa:ReplyTo>` +
    `<wsa:To soap:mustUnderstand="true">${escapeXml(url)}</wsa:To>` +
    `</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

function post(url: string, xml: string, tls: ClientTls, timeoutMs: number, cap: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: 'POST',
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        timeout: timeoutMs,
        headers: { 'Content-Type': `application/soap+xml; charset=UTF-8; action="${ITI46_ACTION}"` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > cap) res.destroy(new Error('consumer reply too large'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('consumer did not answer in time')));
    req.on('error', reject);
    req.end(xml);
  });
}

/** The acknowledgement code of an MCCI_IN000002UV01 in a SOAP 1.2 reply, or undefined when it is not one. */
export function readAckCode(text: string): string | undefined {
  try {
    const body = childOf(parseXml(text), SOAP12_NS, 'Body');
    const ack = body ? childOf(body, HL7_NS, Interaction.ack) : undefined;
    const typeCode = ack ? childOf(childOf(ack, HL7_NS, 'acknowledgement') ?? ack, HL7_NS, 'typeCode') : undefined;
    return typeCode?.attrs.code;
  } catch {
    return undefined;
  }
}

export class Iti46Notifier {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly o: Iti46Options) {}

  /** The listener for CrossReference.onPersonChanged. */
  readonly personChanged = (personId: string): void => {
    if (this.o.subscribers.length === 0) return;
    this.queue = this.queue.then(() => this.notify(personId)).catch((err) => this.o.log.error({ err }, 'ITI-46 notification failed'));
  };

  /** Resolves when every notification queued so far has been attempted (for shutdown and tests). */
  idle(): Promise<void> {
    return this.queue;
  }

  private async notify(personId: string): Promise<void> {
    const all = await this.o.xref.identifiers(personId);
    for (const s of this.o.subscribers) {
      const ids = s.domains && s.domains.length > 0 ? all.filter((k) => s.domains!.includes(k.authority)) : all;
      // Nothing in the subscriber's domains: it has nothing to learn (§3.46.4.1.1 domains of interest).
      if (ids.length > 0) await this.deliver(s, ids);
    }
  }

  private async deliver(s: Iti46Subscriber, ids: readonly PatientKey[]): Promise<void> {
    const messageId = (this.o.newId ?? randomUUID)();
    const deviceOid = this.o.deviceOid;
    const message = writeUpdateNotification(ids, {
      messageId,
      now: (this.o.now ?? (() => new Date()))(),
      deviceOid,
      custodianOid: this.o.custodianOid,
      receiverUrl: s.url,
    });
    const where = { subscriber: s.url, messageId, ids: ids.length };
    try {
      const reply = await post(s.url, envelope(s.url, messageId, message), this.o.tls, this.o.timeoutMs ?? 10_000, this.o.maxResponseBytes ?? 1024 * 1024);
      const ack = readAckCode(reply.text);
      if (ack === 'AA') this.o.log.info({ ...where, ack }, 'ITI-46 notification sent');
      else this.o.log.warn({ ...where, ack: ack ?? 'none', status: reply.status }, 'ITI-46 notification not accepted');
    } catch (err) {
      this.o.log.warn({ ...where, err }, 'ITI-46 notification not delivered');
    }
  }
}
