/** Entry of bin/tessera.js: parses argv and runs the command. */
import { buildCli } from './build-cli';

buildCli()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`tessera: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
