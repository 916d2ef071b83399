/** MongoDB-only properties (run when MONGODB_URI points at a replica set): query plans, two clients racing. */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { MongoClient, type Document } from 'mongodb';
import { openMongoStores } from '../../../src/storage/mongodb/open-mongodb';
import { documentEntryFilter } from '../../../src/storage/mongodb/registry-query-mongodb';
import type { Stores } from '../../../src/storage/stores';
import { PID, docEntry, submission } from '../fixtures';

/** Every stage name of a winning plan, depth first. */
function stages(plan: Document): string[] {
  const children = [plan.inputStage, ...((plan.inputStages as Document[] | undefined) ?? [])].filter(Boolean) as Document[];
  return [String(plan.stage), ...children.flatMap(stages)];
}

describe('MongoDB stores', function () {
  const uri = process.env.MONGODB_URI;
  let dbName: string;
  let opened: Stores[] = [];
  before(function () {
    if (!uri) {
      console.log('      (skipped: set MONGODB_URI to a replica set to run it)');
      this.skip();
    }
  });
  beforeEach(() => {
    dbName = `tessera_test_${randomBytes(6).toString('hex')}`;
  });
  afterEach(async () => {
    for (const s of opened) await s.close();
    opened = [];
    const client = new MongoClient(uri!);
    await client.db(dbName).dropDatabase().finally(() => client.close());
  });
  const open = async (): Promise<Stores> => {
    const s = await openMongoStores(uri!, dbName);
    opened.push(s);
    return s;
  };

  it('answers patient-scoped queries from the patient index, never a collection scan', async () => {
    const s = await open();
    for (let i = 0; i < 20; i++) await s.registry.commit(submission([docEntry({ patientId: `p${i}^^^&1.2&ISO` })]));
    const client = new MongoClient(uri!);
    try {
      const filter = documentEntryFilter({ patientIds: [PID], statuses: ['Approved', 'Deprecated'], classCode: { anyOf: [{ code: 'c' }] } });
      const explained = await client.db(dbName).collection('objects').find(filter).sort({ seq: 1 }).limit(11).explain('queryPlanner');
      const winning = (explained.queryPlanner as Document).winningPlan as Document;
      const all = stages((winning.queryPlan as Document | undefined) ?? winning);
      expect(all, JSON.stringify(winning)).to.include('IXSCAN');
      expect(all, JSON.stringify(winning)).to.not.include('COLLSCAN');
    } finally {
      await client.close();
    }
  });

  it('lets exactly one of two clients committing different content under one uniqueId win', async () => {
    const [a, b] = [await open(), await open()];
    const uid = docEntry().uniqueId!;
    const results = await Promise.allSettled([
      a.registry.commit(submission([docEntry({ uniqueId: uid, hash: 'a'.repeat(40), size: '1' })])),
      b.registry.commit(submission([docEntry({ uniqueId: uid, hash: 'b'.repeat(40), size: '1' })])),
    ]);
    expect(results.map((r) => r.status).sort()).to.deep.equal(['fulfilled', 'rejected']);
    expect(await a.registry.findDocumentEntries({ uniqueIds: [uid] }, { limit: 5 })).to.have.length(1);
  });
});
