/**
 * Graceful stop of an HTTP(S) server: stop accepting, let in-flight requests finish (closing keep-alive
 * connections as soon as they go idle), and destroy whatever is still open after `timeoutMs`.
 */
import type { Server } from 'node:http';

export function closeGracefully(server: Server, timeoutMs: number): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    // Connections that finish their response become idle; sweep them so close() can complete.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
