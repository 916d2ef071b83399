/** registerSubmission against the real SQLite store: what a replay waits for before its Success. */
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { registerSubmission, type RegisterDeps } from '../../src/registry/register-submission';
import type { RegistryCommit, RegistryStore } from '../../src/registry/ports';
import { readSubmitObjectsRequest } from '../../src/ebxml/read-submit-objects';
import { OPEN_AFFINITY_DOMAIN } from '../../src/metadata/affinity-domain';
import { parseCx } from '../../src/metadata/hl7-types';
import { parseXml } from '../../src/soap/xml';
import { openSqliteStores, type SqliteStores } from '../../src/storage/sqlite/open-sqlite';
import { newPatient, singleDoc } from '../support/iti42';

describe('registry registerSubmission: replays', () => {
  let dir: string;
  let stores: SqliteStores;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-reg-'));
    stores = await openSqliteStores(dir);
  });
  after(async () => {
    await stores.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a replay only after a commit that covers the original has settled (durability barrier)', async () => {
    const pid = newPatient();
    await stores.patients.add(parseCx(pid)!);
    const commits: RegistryCommit[] = [];
    let release: (() => void) | undefined;
    const registry: RegistryStore = Object.create(stores.registry) as RegistryStore;
    registry.commit = (change) => {
      commits.push(change);
      if (change.objects.length > 0) return stores.registry.commit(change);
      return new Promise<void>((resolve) => (release = () => void stores.registry.commit(change).then(resolve)));
    };
    const deps: RegisterDeps = { registry, patients: stores.patients, affinity: OPEN_AFFINITY_DOMAIN, patientIdCheck: 'on', now: () => new Date(), newUuid: () => `urn:uuid:${randomUUID()}` };
    const xml = singleDoc({ pid }).xml;
    const submit = () => {
      const { submission, errors } = readSubmitObjectsRequest(parseXml(xml), 'registry');
      return registerSubmission(submission, deps, { transaction: 'ITI-42', actor: 'registry', wireErrors: errors });
    };
    await submit();
    expect(commits.map((c) => c.objects.length)).to.deep.equal([3]);
    let answered = false;
    const replay = submit().then(() => (answered = true));
    for (let i = 0; i < 5 && !release; i++) await new Promise((r) => setImmediate(r));
    expect(commits.map((c) => c.objects.length), 'the replay commits nothing but waits for a commit').to.deep.equal([3, 0]);
    expect(answered, 'no Success before the barrier settled').to.equal(false);
    release!();
    await replay;
    expect(answered).to.equal(true);
    const entries = await stores.registry.findDocumentEntries({ patientIds: [pid] }, { limit: 10 });
    expect(entries).to.have.length(1);
  });
});
