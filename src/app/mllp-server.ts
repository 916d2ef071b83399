/**
 * MLLP over mutual TLS (ITI TF-2x Appendix C; ATNA ITI-19 profile of src/app/tls.ts): the listener for the
 * HL7 v2 transactions, and `sendMllp`, the client side used for ITI-10 notifications.
 * Per connection: frames are decoded by hl7v2/mllp-frame.ts (partial frames across reads, several per
 * read, bytes outside a frame skipped), handled strictly in order, and every message gets a reply.
 * A frame above `maxMessageBytes` gets an AR (when its MSH can be read) and the connection is closed;
 * a message with no identifiable MSH closes the connection; an idle connection is closed after
 * `idleTimeoutMs`. The handler's errors never reach the socket: they become AR 207.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { decodeMessage, encodeMessage } from '../hl7v2/charset';
import { frame, MllpDecoder } from '../hl7v2/mllp-frame';
import { sniffHeader } from '../hl7v2/read-header';
import { ErrorCode } from '../hl7v2/v2-error';
import { writeAck } from '../hl7v2/write-ack';
import type { NodeIdentity } from '../transactions';
import type { TlsMaterial } from './dev-pki';
import { peerIdentity, TLS_CIPHERS } from './tls';

export interface MllpInbound {
  readonly text: string;
  readonly peer: NodeIdentity;
}

export interface MllpServerOptions {
  readonly port: number;
  readonly host?: string;
  readonly tls: TlsMaterial;
  /** The reply to send, or undefined to close the connection (nothing identifiable to acknowledge). */
  readonly handle: (msg: MllpInbound) => Promise<string | undefined>;
  readonly log: Logger;
  readonly maxMessageBytes: number;
  readonly idleTimeoutMs: number;
  readonly maxConnections?: number;
}

export interface RunningMllpServer {
  readonly port: number;
  close(): Promise<void>;
}

const serverTlsOptions = (tls: TlsMaterial) => ({
  ca: tls.ca,
  cert: tls.cert,
  key: tls.key,
  requestCert: true,
  rejectUnauthorized: true,
  minVersion: 'TLSv1.2' as const,
  ciphers: TLS_CIPHERS,
  honorCipherOrder: true,
  dhparam: 'auto' as const,
  handshakeTimeout: 10_000,
});

/** AR 207 addressed from whatever of the MSH can be read; undefined when there is no MSH. */
function rejectReply(text: string, reason: string): string | undefined {
  const header = sniffHeader(text);
  if (!header) return undefined;
  const ctx = { controlId: randomUUID().replace(/-/g, '').slice(0, 20), now: new Date(), application: 'TESSERA', facility: 'TESSERA' };
  return writeAck('AR', header, ctx, [{ code: ErrorCode.applicationInternal, text: reason, location: {} }]);
}

function serveConnection(socket: TLSSocket, o: MllpServerOptions, inFlight: Set<Promise<void>>): void {
  const peer = peerIdentity(socket);
  const decoder = new MllpDecoder(o.maxMessageBytes);
  let queue: Promise<void> = Promise.resolve();
  let closing = false;
  const send = (reply: string, charset: 'utf8' | 'latin1') => {
    if (!socket.destroyed) socket.write(frame(encodeMessage(reply, charset)));
  };
  const finish = () => {
    closing = true;
    socket.end();
  };
  const handleFrame = async (data: Buffer): Promise<void> => {
    if (closing) return;
    const { text, charset } = decodeMessage(data);
    let reply: string | undefined;
    try {
      reply = await o.handle({ text, peer });
    } catch (err) {
      o.log.error({ err, peer: peer.subject }, 'MLLP handler failed');
      reply = rejectReply(text, 'application internal error');
    }
    if (reply === undefined) return finish();
    send(reply, charset);
  };
  const enqueue = (work: () => Promise<void>) => {
    const run = (queue = queue.then(work).catch((err) => o.log.error({ err }, 'MLLP connection error')));
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
  };
  socket.setTimeout(o.idleTimeoutMs, () => {
    o.log.debug({ peer: peer.subject, partial: decoder.pending }, 'MLLP idle connection closed');
    socket.destroy();
  });
  socket.on('error', (err) => o.log.debug({ err, peer: peer.subject }, 'MLLP socket error'));
  socket.on('data', (chunk: Buffer) => {
    for (const ev of decoder.push(chunk)) {
      if (ev.kind === 'frame') enqueue(() => handleFrame(ev.data));
      else if (ev.kind === 'skipped') o.log.debug({ bytes: ev.bytes, peer: peer.subject }, 'MLLP bytes outside a frame skipped');
      else {
        o.log.warn({ peer: peer.subject, max: o.maxMessageBytes }, 'MLLP message too large');
        enqueue(async () => {
          const { text, charset } = decodeMessage(ev.head);
          const reply = rejectReply(text, `message exceeds ${o.maxMessageBytes} bytes`);
          if (reply) send(reply, charset);
          finish();
        });
      }
    }
  });
}

export function startMllpServer(o: MllpServerOptions): Promise<RunningMllpServer> {
  const sockets = new Set<TLSSocket>();
  const inFlight = new Set<Promise<void>>();
  const server: Server = createServer(serverTlsOptions(o.tls), (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, o, inFlight);
  });
  server.maxConnections = o.maxConnections ?? 256;
  server.on('tlsClientError', (err) => o.log.warn({ err: err.message }, 'MLLP TLS handshake failed'));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      const close = async (): Promise<void> => {
        const closed = new Promise<void>((r) => server.close(() => r()));
        await Promise.allSettled([...inFlight]);
        for (const s of sockets) s.destroy();
        await closed;
      };
      resolve({ port: (server.address() as AddressInfo).port, close });
    });
  });
}

export interface MllpTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * Sends one message over a new mutual-TLS connection and resolves with the first framed reply (ITI-10).
 * The server certificate's host name is checked (FQDN validation option, security.md §1.1).
 */
export function sendMllp(to: MllpTarget, message: string, tls: TlsMaterial, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: to.host, port: to.port, ca: tls.ca, cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2', ciphers: TLS_CIPHERS });
    const decoder = new MllpDecoder(16 * 1024 * 1024);
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no acknowledgement from ${to.host}:${to.port} within ${timeoutMs} ms`)));
    socket.on('error', fail);
    socket.on('secureConnect', () => socket.write(frame(Buffer.from(message, 'utf8'))));
    socket.on('data', (chunk: Buffer) => {
      const got = decoder.push(chunk).find((e) => e.kind === 'frame');
      if (got && got.kind === 'frame') {
        socket.end();
        resolve(decodeMessage(got.data).text);
      }
    });
    socket.on('close', () => reject(new Error('connection closed before an acknowledgement')));
  });
}
