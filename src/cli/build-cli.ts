/**
 * The `tessera` command line. Each command lives in its own module and is registered here; to add one,
 * write `xyzCommand(io): Command` and `.addCommand` it below.
 */
import { Command } from 'commander';
import { main as startServer } from '../main';
import { processIo, type CliIo } from './io';
import { patientCommand } from './patient-add';
import { identityCommand } from './identity';
import { conformanceCommand } from '../conformance/command';

export function buildCli(io: CliIo = processIo): Command {
  const program = new Command('tessera')
    .description('Tessera HIE server: IHE XDS.b registry/repository, PIX/PDQ over mutual TLS')
    .showHelpAfterError();
  program
    .command('start')
    .description('start the server (same as npm start; configured by environment variables)')
    .action(async () => {
      await startServer();
    });
  program.addCommand(patientCommand(io));
  program.addCommand(identityCommand(io));
  program.addCommand(conformanceCommand());
  return program;
}
