/**
 * The admin listener: plain HTTP on loopback only, GET /health and GET /metrics. Not authenticated, which
 * is why it binds to 127.0.0.1 (a container exposes it only through its own health check).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

async function route(req: IncomingMessage, res: ServerResponse, state: HealthState, metrics: Metrics): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
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

export function createAdminServer(state: HealthState, metrics: Metrics): Server {
  const server = createServer((req, res) => {
    req.resume();
    route(req, res, state, metrics).catch(() => sendText(res, 500, 'text/plain; charset=utf-8', 'Internal Server Error\n'));
  });
  server.keepAliveTimeout = 2_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  return server;
}
