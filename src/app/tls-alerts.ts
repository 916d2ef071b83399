/**
 * A failed TLS handshake (no client certificate, unknown CA, TLS 1.0, bad suite: security.md X13) is a
 * security alert: logged with the peer address and OpenSSL's reason, and recorded as an ATNA Security Alert
 * (DCM 110113, action Execute, outcome 8 "serious failure"; DICOM PS3.15 A.5.3.11).
 */
import type { Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { AuditStore } from '../security/ports';

export function watchTlsFailures(server: Server, audit: AuditStore, log: Logger): void {
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
    const address = socket.remoteAddress;
    const reason = err.code ?? err.message;
    log.warn({ alert: 'tls-handshake-failed', address, reason }, 'security alert: TLS handshake failed');
    audit
      .append({
        eventId: '110113',
        action: 'E',
        outcome: 8,
        time: new Date().toISOString(),
        sourceNode: address,
        objects: [{ type: 'tls-failure', id: String(reason).slice(0, 200) }],
      })
      .catch((e: unknown) => log.error({ err: e }, 'could not record the TLS security alert'));
  });
}
