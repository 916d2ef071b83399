/**
 * `tessera patient add '<CX>'`: registers a patient identifier (HL7 CX `id^^^&OID&ISO`, ITI TF-3
 * Table 4.2.3.1.7-2) in the configured patient index, so the registry accepts submissions for it.
 */
import { Command } from 'commander';
import { ConfigError, loadProcessConfig, type Config } from '../config/load-config';
import { checkCx, parseCx } from '../metadata/hl7-types';
import { openStores } from '../storage/open-stores';
import { EXIT, type CliIo } from './io';

export interface PatientAddResult {
  readonly added: boolean;
}

/** The command's work, separated from argument parsing so that it can be called directly. */
export async function addPatient(config: Config, cx: string): Promise<PatientAddResult> {
  const key = parseCx(cx);
  if (!key) throw new Error(`invalid patient id: ${checkCx(cx) ?? 'not a CX'}`);
  const stores = await openStores({ dataDir: config.dataDir, mongodbUri: config.mongodbUri });
  try {
    return { added: await stores.patients.add(key) };
  } finally {
    await stores.close();
  }
}

async function run(cx: string, io: CliIo): Promise<number> {
  const problem = checkCx(cx);
  if (problem !== undefined) {
    io.err(`tessera: invalid patient id '${cx}': ${problem} (expected id^^^&OID&ISO, e.g. 'P123^^^&1.2.3.4&ISO')\n`);
    return EXIT.usage;
  }
  let config: Config;
  try {
    config = loadProcessConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`tessera: ${err.message}\n`);
    return EXIT.config;
  }
  const { added } = await addPatient(config, cx);
  io.out(`${added ? 'added' : 'already known'}: ${cx}\n`);
  return EXIT.ok;
}

export function patientCommand(io: CliIo): Command {
  const patient = new Command('patient').description('manage the patient identity index');
  patient
    .command('add')
    .description("register a patient identifier, e.g. tessera patient add 'P123^^^&1.2.3.4&ISO'")
    .argument('<cx>', 'patient identifier in HL7 CX form id^^^&OID&ISO')
    .action(async (cx: string) => {
      io.setExitCode(await run(cx, io));
    });
  return patient;
}
