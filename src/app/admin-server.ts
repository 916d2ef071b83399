/**
 * The admin listener: plain HTTP on loopback only, GET /health, GET /metrics, and the patient review queue
 * under /identity/ (admin-identity.ts). Not authenticated, which is why it binds to 127.0.0.1 (a container
 * exposes it only through its own health check): an operator on the host is trusted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ReviewQueue } from '../patient-identity/review-queue';
import { routeIdentity } from './admin-identity';
import type { Metrics } from './metrics';

export interface HealthState {
  /** True once stores are open and listeners are up; false again when shutting down. */
  ready: boolean;
  readonly store: 'sqlite' | 'mongodb';
  readonly startedAt: number;
}

function sendText(res: ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(text);
}

async function route(req: IncomingMessage, res: ServerResponse, state: HealthState, metrics: Metrics, identity: ReviewQueue | undefined): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  if (path.startsWith('/identity/')) return routeIdentity(req, res, identity);
  req.resume();
  if (req.method === 'GET' && path === '/health') {
    const body = {
      status: state.ready ? 'ok' : 'unavailable',
      store: state.store,
      uptime: Math.round((Date.now() - state.startedAt) / 1000),
    };
    return sendText(res, state.ready ? 200 : 503, 'application/json', JSON.stringify(body));
  }
  if (req.method === 'GET' && path === '/metrics') {
    return sendText(res, 200, metrics.registry.contentType, await metrics.registry.metrics());
  }
  sendText(res, 404, 'text/plain; charset=utf-8', 'Not Found\n');
}

/** `identity`: the review queue over the server's cross-reference; absent when the store has none (→ 501). */
export function createAdminServer(state: HealthState, metrics: Metrics, identity?: ReviewQueue, log?: Logger): Server {
  const server = createServer((req, res) => {
    route(req, res, state, metrics, identity).catch((err: unknown) => {
      log?.error({ err, path: (req.url ?? '/').split('?')[0] }, 'admin request failed');
      req.resume();
      if (!res.headersSent) sendText(res, 500, 'text/plain; charset=utf-8', 'Internal Server Error\n');
    });
  });
  server.keepAliveTimeout = 2_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  return server;
}
