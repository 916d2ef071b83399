/**
 * security.md §4.2 R1 for the blob store: a process killed with SIGKILL in the middle of putPending leaves
 * nothing visible, and one sweep removes the leftover. Runs against every available backend.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import type { Stores } from '../../src/storage/stores';
import { tempDir } from './backends';
import { openFromArgs } from './child-stores';
import { filesUnder, spawnUntil } from './child-process';

interface Target {
  readonly name: string;
  readonly args?: () => Promise<string[]>;
  readonly cleanup: (args: readonly string[]) => Promise<void>;
}

const targets: Target[] = [
  {
    name: 'sqlite',
    args: async () => ['sqlite', await tempDir()],
    cleanup: (a) => rm(a[1], { recursive: true, force: true }),
  },
  {
    name: 'mongodb',
    args: process.env.MONGODB_URI ? async () => ['mongodb', process.env.MONGODB_URI!, `tessera_test_${randomBytes(6).toString('hex')}`] : undefined,
    cleanup: async (a) => {
      const client = new MongoClient(a[1]);
      await client.db(a[2]).dropDatabase().finally(() => client.close());
    },
  },
];

const only = process.env.TESSERA_TEST_STORES;
for (const t of targets.filter((x) => !only || x.name === only)) {
  describe(`DocumentStore crash safety on ${t.name}`, function () {
    let args: string[];
    let stores: Stores | undefined;
    before(async function () {
      if (!t.args) {
        console.log('      (skipped: set MONGODB_URI to a replica set to run it)');
        this.skip();
      }
    });
    beforeEach(async () => {
      args = await t.args!();
    });
    afterEach(async () => {
      await stores?.close();
      stores = undefined;
      await t.cleanup(args);
    });

    it('leaves nothing visible after SIGKILL in the middle of putPending, and sweep removes the leftover', async () => {
      const run = spawnUntil('put-pending-child.ts', args, 'streaming');
      await run.ready;
      run.child.kill('SIGKILL');
      expect(await run.exited).to.equal('SIGKILL');
      stores = await openFromArgs(args);
      if (t.name === 'sqlite') expect(await filesUnder(join(args[1], 'documents')), 'the partial upload is on disk').to.have.length(1);
      await new Promise((r) => setTimeout(r, 20));
      expect(await stores.documents.sweep(0)).to.be.at.least(1);
      expect(await stores.documents.sweep(0), 'one sweep is enough').to.equal(0);
      if (t.name === 'sqlite') expect(await filesUnder(join(args[1], 'documents'))).to.deep.equal([]);
    });
  });
}
