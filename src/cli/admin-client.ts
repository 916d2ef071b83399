/**
 * JSON requests to a running server's loopback admin listener (src/app/admin-server.ts). The base URL is the
 * `--admin-url` option, else `http://<adminHost>:<ADMIN_PORT>` from the same environment as the server.
 */
import { ConfigError, loadProcessConfig } from '../config/load-config';

/** The server could not be reached (refused, timed out, DNS): the CLI exits 3. */
export class AdminUnreachable extends Error {}

/** The admin URL could not be determined (bad `--admin-url` or environment): the CLI exits 2. */
export class AdminUrlError extends Error {}

export interface AdminResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export function adminBaseUrl(override: string | undefined): string {
  if (override !== undefined) {
    if (!/^https?:\/\/[^/\s]+\/?$/.test(override) || !URL.canParse(override)) {
      throw new AdminUrlError(`--admin-url must be http://host:port, got '${override}'`);
    }
    return override.replace(/\/$/, '');
  }
  try {
    const config = loadProcessConfig();
    return `http://${config.adminHost}:${config.adminPort}`;
  } catch (err) {
    if (err instanceof ConfigError) throw new AdminUrlError(err.message);
    throw err;
  }
}

export async function adminRequest(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  o: { readonly operator?: string; readonly body?: object; readonly timeoutMs?: number } = {},
): Promise<AdminResponse> {
  const headers: Record<string, string> = {};
  if (o.operator !== undefined) headers['X-Tessera-Operator'] = o.operator;
  if (o.body) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: o.body ? JSON.stringify(o.body) : undefined,
      signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new AdminUnreachable(`cannot reach the server's admin listener at ${base} (${cause?.code ?? cause?.message ?? (err as Error).message})`);
  }
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { error: text.trim() || res.statusText };
  }
  return { status: res.status, body };
}
