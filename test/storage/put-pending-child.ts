/**
 * Child process for the crash test: streams an endless document into putPending and reports "streaming"
 * once data is flowing; the parent then kills it with SIGKILL.
 */
import { Readable } from 'node:stream';
import { childArgs, openFromArgs } from './child-stores';

async function main(): Promise<void> {
  const stores = await openFromArgs(childArgs());
  let sent = 0;
  const chunk = Buffer.alloc(64 * 1024, 7);
  const source = new Readable({
    read() {
      sent++;
      if (sent === 50) process.stdout.write('streaming\n');
      this.push(chunk);
    },
  });
  await stores.documents.putPending(source);
  process.stdout.write('finished unexpectedly\n');
}

main().catch((err: unknown) => {
  process.stdout.write(`error ${String(err)}\n`);
  process.exit(1);
});
