/**
 * `tessera identity reviews|link|distinct|unlink|unmerge`: the patient review queue of a running server,
 * through its loopback admin API (src/app/admin-identity.ts). Decisions are audited under `--operator`
 * (default: the OS user). Exit: 0 done, 1 refused by the server (unknown id/item, conflict), 2 bad usage or
 * configuration, 3 server unreachable.
 */
import { userInfo } from 'node:os';
import { Command, CommanderError } from 'commander';
import { checkCx } from '../metadata/hl7-types';
import { adminBaseUrl, adminRequest, AdminUnreachable, AdminUrlError, type AdminResponse } from './admin-client';
import type { CliIo } from './io';
import { formatOutcome, formatReviews } from './identity-format';

export const IDENTITY_EXIT = { ok: 0, refused: 1, usage: 2, unreachable: 3 } as const;

interface CommonOptions {
  readonly adminUrl?: string;
  readonly operator?: string;
}

class Usage extends Error {}

function defaultOperator(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function reviewId(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new Usage(`invalid review id '${value}' (a number from 'tessera identity reviews')`);
  return Number(value);
}

function cxArgument(value: string): string {
  const problem = checkCx(value);
  if (problem !== undefined) throw new Usage(`invalid patient id '${value}': ${problem} (expected id^^^&OID&ISO, e.g. 'P123^^^&1.2.3.4&ISO')`);
  return value;
}

/** Maps the admin API's answer to text and an exit code. */
function report(res: AdminResponse, io: CliIo, ok: (body: Record<string, unknown>) => string): number {
  if (res.status === 200) {
    io.out(ok(res.body));
    return IDENTITY_EXIT.ok;
  }
  const message = typeof res.body.error === 'string' ? res.body.error : JSON.stringify(res.body);
  const usage = res.status === 400 || res.status === 405 || res.status === 413 || res.status === 415;
  io.err(`tessera: ${usage ? 'rejected' : 'refused'} (HTTP ${res.status}): ${message}\n`);
  return usage ? IDENTITY_EXIT.usage : IDENTITY_EXIT.refused;
}

/** Runs one command's request; every failure becomes a message and an exit code. */
async function run(io: CliIo, work: () => Promise<number>): Promise<void> {
  try {
    io.setExitCode(await work());
  } catch (err) {
    if (err instanceof Usage || err instanceof AdminUrlError) {
      io.err(`tessera: ${err.message}\n`);
      io.setExitCode(IDENTITY_EXIT.usage);
    } else if (err instanceof AdminUnreachable) {
      io.err(`tessera: ${err.message}; is the server running? (--admin-url overrides ADMIN_PORT)\n`);
      io.setExitCode(IDENTITY_EXIT.unreachable);
    } else throw err;
  }
}

function withCommon(cmd: Command): Command {
  return cmd
    .option('--admin-url <url>', "the server's admin listener (default http://127.0.0.1:$ADMIN_PORT)")
    .option('--operator <name>', 'who decides, for the audit trail (default: the OS user)');
}

const decide = (o: CommonOptions) => ({ base: adminBaseUrl(o.adminUrl), operator: o.operator ?? defaultOperator() });

export function identityCommand(io: CliIo): Command {
  const identity = new Command('identity')
    .description('patient cross-reference review queue of a running server (admin API on loopback)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    // A usage error of these commands exits 2 like any other bad usage (help still exits 0).
    .exitOverride((err) => {
      throw err.exitCode === 0 ? err : new CommanderError(IDENTITY_EXIT.usage, err.code, err.message);
    });
  withCommon(identity.command('reviews').description('list open review items (ambiguous matches), oldest first'))
    .option('--limit <n>', 'most items to show (1-1000)', '100')
    .option('--after <id>', 'show items after this review id (paging)', '0')
    .action((o: CommonOptions & { limit: string; after: string }) =>
      run(io, async () => {
        if (!/^\d{1,4}$/.test(o.limit) || !/^\d{1,15}$/.test(o.after)) throw new Usage('--limit and --after take whole numbers');
        const res = await adminRequest(adminBaseUrl(o.adminUrl), 'GET', `/identity/reviews?limit=${o.limit}&after=${o.after}`);
        return report(res, io, formatReviews);
      }),
    );
  for (const decision of ['link', 'distinct'] as const) {
    const what = decision === 'link' ? "link the item's record to the candidate's person" : 'mark the pair as two different patients';
    withCommon(identity.command(decision).description(what).argument('<review-id>', 'from tessera identity reviews')).action((id: string, o: CommonOptions) =>
      run(io, async () => {
        const seq = reviewId(id);
        const { base, operator } = decide(o);
        return report(await adminRequest(base, 'POST', `/identity/reviews/${seq}/${decision}`, { operator }), io, formatOutcome);
      }),
    );
  }
  const plain = { unlink: 'detach an identifier from its person (it gets a new enterprise id)', unmerge: 'undo the merge of an identifier (the registry accepts it again)' };
  for (const decision of ['unlink', 'unmerge'] as const) {
    withCommon(identity.command(decision).description(plain[decision]).argument('<cx>', 'patient identifier id^^^&OID&ISO')).action((cx: string, o: CommonOptions) =>
      run(io, async () => {
        const id = cxArgument(cx);
        const { base, operator } = decide(o);
        return report(await adminRequest(base, 'POST', `/identity/${decision}`, { operator, body: { id } }), io, formatOutcome);
      }),
    );
  }
  return identity;
}
