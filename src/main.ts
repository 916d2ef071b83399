/**
 * Composition root for `npm start`: load the config (invalid → one line, exit 2), start Tessera, log the
 * bound ports, and stop gracefully on SIGTERM/SIGINT (exit 0).
 */
import pino from 'pino';
import { ConfigError, loadProcessConfig, type Config } from './config/load-config';
import { startTessera } from './app/start-server';

export const EXIT_CONFIG = 2;

function configOrExit(): Config {
  try {
    return loadProcessConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tessera: ${err.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw err;
  }
}

export async function main(): Promise<void> {
  const config = configOrExit();
  const log = pino({ level: config.logLevel, base: { name: 'tessera' } });
  const running = await startTessera(config, { log });
  log.info(
    { url: running.url, adminUrl: running.adminUrl, port: Number(new URL(running.url).port), adminPort: Number(new URL(running.adminUrl).port), mllpPort: running.mllpPort, store: running.deps.stores.kind },
    'tessera listening',
  );
  const shutdown = (signal: string): void => {
    log.info({ signal }, 'shutting down');
    running.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`tessera: start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
