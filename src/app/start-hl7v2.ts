/**
 * The HL7v2 side of PIX/PDQ (ITI-8/9/10/21): the MLLP/TLS listener wired to the same cross-reference the
 * HL7v3 handlers use (one CrossReference instance: it serialises feeds in process).
 */
import type { Logger } from 'pino';
import type { Config } from '../config/load-config';
import type { PixHandlers } from '../patient-identity/create-pix-handlers';
import { createHl7v2Service } from '../patient-identity/v2/create-hl7v2-service';
import type { Stores } from '../storage/stores';
import type { TlsMaterial } from './dev-pki';
import { sendMllp, startMllpServer } from './mllp-server';

export interface RunningHl7v2 {
  readonly port: number;
  close(): Promise<void>;
}

export async function startHl7v2(config: Config, tls: TlsMaterial, stores: Stores, pix: PixHandlers, log: Logger): Promise<RunningHl7v2> {
  const service = createHl7v2Service({
    xref: pix.crossReference,
    patients: stores.patients,
    audit: stores.audit,
    log,
    notify: { subscribers: config.pixUpdateSubscribers, send: (to, message) => sendMllp(to, message, tls) },
  });
  const mllp = await startMllpServer({
    port: config.mllpPort,
    tls,
    handle: service.handle,
    log,
    maxMessageBytes: config.mllpMaxMessageBytes,
    idleTimeoutMs: config.mllpIdleTimeoutMs,
  });
  return {
    port: mllp.port,
    async close() {
      await mllp.close();
      await service.idle();
    },
  };
}
