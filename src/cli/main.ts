/** Entry of bin/tessera.js: parses argv and runs the command. */
import { CommanderError } from 'commander';
import { buildCli } from './build-cli';

buildCli()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    // Commands with exitOverride (identity) throw CommanderError after commander printed the message.
    if (err instanceof CommanderError) process.exit(err.exitCode);
    process.stderr.write(`tessera: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
