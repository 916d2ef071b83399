/**
 * The stored ebRIM form a registry store keeps (migration 3, BENCHMARKS.md hot spot 3), completed with home and
 * the current status, must be byte for byte what writeRegistryObject writes from the model the store returns:
 * for entries, submission sets, folders and associations, after RPLC deprecation and after a folder's
 * lastUpdateTime changes. Registration keeps none; keepStoredEbrim does, under its guards.
 */
import { expect } from 'chai';
import { readSubmitObjectsRequest } from '../../src/ebxml/read-submit-objects';
import { completeStoredEbrim, writeRegistryObject, writeStoredEbrim } from '../../src/ebxml/write-registry-object';
import type { DocumentEntry, Folder, RegistryObject } from '../../src/metadata/model';
import { storedEbrimOf, type RegistryCommit, type RegistryStore } from '../../src/registry/ports';
import type { Stores } from '../../src/storage/stores';
import { goldenWith } from '../ebxml/golden';
import { forEachBackend } from './backends';
import { assoc, docEntry, folder, PID, subSet, uuid } from './fixtures';

/** The golden submission (every field, extra slots, author details) with XML-special and non-ASCII text. */
function goldenObjects(): RegistryObject[] {
  const s = readSubmitObjectsRequest(goldenWith(), 'registry').submission;
  const tricky = { value: 'Bläh " objectType="x" associationType="y" & <b> \u{1F600}', lang: 'de-CH' };
  const de: DocumentEntry = { ...s.documentEntries[0]!, title: tricky, home: 'urn:oid:1.2.3.99' };
  return [...s.submissionSets, de, ...s.folders, ...s.associations];
}

/** Checks every object that has a stored form, with and without a requested home; returns how many had one. */
function expectSameBytes(objects: readonly RegistryObject[]): number {
  let stored = 0;
  for (const o of objects) {
    const text = storedEbrimOf(o);
    if (typeof text !== 'string') continue;
    stored++;
    expect(completeStoredEbrim(o.kind, text, o.home, o.availabilityStatus), o.id).to.equal(writeRegistryObject(o));
    const home = 'urn:oid:1.2.840.777';
    expect(completeStoredEbrim(o.kind, text, home, o.availabilityStatus), o.id).to.equal(writeRegistryObject({ ...o, home }));
  }
  return stored;
}

/** Query options of a LeafClass answer: the store attaches its stored forms. */
const LEAF = { limit: 100, storedEbrim: true } as const;

const commitOf = (objects: RegistryObject[], o: Partial<RegistryCommit> = {}): RegistryCommit => ({
  objects,
  statusUpdates: [],
  folderUpdates: [],
  preconditions: [],
  fingerprint: objects[0]!.id,
  ...o,
});

/** What handle-iti18.ts does for objects returned without a form. */
const keepAll = (registry: RegistryStore, objects: readonly RegistryObject[]) =>
  registry.keepStoredEbrim(objects.filter((o) => storedEbrimOf(o) === null).map((o) => ({ object: o, ebrim: writeStoredEbrim(o) })));

forEachBackend('Stored ebRIM', (open) => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await open();
  });
  afterEach(async () => stores.close());

  it('is not written at registration; once kept, every object kind completes to the fresh serialisation', async () => {
    const objects = goldenObjects();
    await stores.registry.commit(commitOf(objects));
    const first = await stores.registry.getByIds(objects.map((o) => o.id));
    expect(first.map((o) => storedEbrimOf(o))).to.deep.equal(objects.map(() => null));
    await keepAll(stores.registry, first);
    const back = await stores.registry.getByIds(objects.map((o) => o.id));
    expect(back.map((o) => o.kind).sort()).to.deep.equal(objects.map((o) => o.kind).sort());
    expect(expectSameBytes(back)).to.equal(objects.length);
    // The model read back serialises as the submitted one did (nothing lost in the stored JSON either).
    for (const o of back) {
      const submitted = objects.find((x) => x.id === o.id)!;
      expect(writeRegistryObject(o)).to.equal(writeRegistryObject({ ...submitted, availabilityStatus: o.availabilityStatus }));
    }
  });

  it('shows the current status after RPLC deprecation; a folder update drops the folder form, a stale keep is refused', async () => {
    const original = docEntry();
    const f = folder({ lastUpdateTime: '20200101000000' });
    const ss1 = subSet();
    await stores.registry.commit(
      commitOf([ss1, original, f, assoc('HasMember', ss1.id, original.id), assoc('HasMember', ss1.id, f.id), assoc('HasMember', f.id, original.id)]),
    );
    const all = async () => [
      ...(await stores.registry.findDocumentEntries({ patientIds: [PID] }, LEAF)),
      ...(await stores.registry.findSubmissionSets({ patientIds: [PID] }, LEAF)),
      ...(await stores.registry.findFolders({ patientIds: [PID] }, LEAF)),
      ...(await stores.registry.findAssociations({ endpointIds: [original.id, f.id] }, LEAF)),
    ];
    const beforeUpdate = await all();
    await keepAll(stores.registry, beforeUpdate);
    const staleFolder = beforeUpdate.find((o) => o.id === f.id)!;

    const replacement = docEntry();
    const ss2 = subSet();
    const member = { ...assoc('HasMember', f.id, replacement.id), id: uuid() };
    await stores.registry.commit(
      commitOf([ss2, replacement, assoc('HasMember', ss2.id, replacement.id), assoc('RPLC', replacement.id, original.id), member], {
        statusUpdates: [{ id: original.id, status: 'Deprecated' }],
        folderUpdates: [{ id: f.id, lastUpdateTime: '20251124223000' }],
        preconditions: [{ id: original.id, status: 'Approved' }],
      }),
    );
    const [folderBack] = await stores.registry.findFolders({ ids: [f.id] }, LEAF);
    expect((folderBack as Folder).lastUpdateTime).to.equal('20251124223000');
    expect(storedEbrimOf(folderBack!)).to.equal(null);
    // A form computed before the update must not be stored after it.
    await stores.registry.keepStoredEbrim([{ object: staleFolder, ebrim: writeStoredEbrim(staleFolder) }]);
    expect(storedEbrimOf((await stores.registry.findFolders({ ids: [f.id] }, LEAF))[0]!)).to.equal(null);

    const [old] = await stores.registry.findDocumentEntries({ ids: [original.id] }, LEAF);
    expect(old!.availabilityStatus).to.equal('Deprecated');
    expect(completeStoredEbrim('DocumentEntry', storedEbrimOf(old!)!, undefined, old!.availabilityStatus)).to.contain(
      'status="urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated"',
    );
    await keepAll(stores.registry, await all());
    const everything = await all();
    expect(storedEbrimOf(everything.find((o) => o.id === f.id)!)).to.contain('<rim:Value>20251124223000</rim:Value>');
    expect(expectSameBytes(everything)).to.equal(everything.length).and.to.be.greaterThan(9);
  });

  it('keeps nothing twice and nothing for a copy: a copy of a returned object is not the store’s any more', async () => {
    const de = docEntry();
    await stores.registry.commit(commitOf([subSet(), de]));
    const [back] = await stores.registry.findDocumentEntries({ ids: [de.id] }, LEAF);
    expect(storedEbrimOf(back!)).to.equal(null);
    expect(storedEbrimOf({ ...back!, title: { value: 'changed' } })).to.equal(undefined);
    expect(JSON.stringify(back)).not.to.contain('rim:');
    await stores.registry.keepStoredEbrim([{ object: back!, ebrim: writeStoredEbrim(back!) }]);
    await stores.registry.keepStoredEbrim([{ object: back!, ebrim: '<wrong/>' }]);
    const [again] = await stores.registry.findDocumentEntries({ ids: [de.id] }, LEAF);
    expect(storedEbrimOf(again!)).to.equal(writeStoredEbrim(back!));
    // Without storedEbrim (ObjectRef answers) the store neither reads nor attaches the form.
    const [plain] = await stores.registry.findDocumentEntries({ ids: [de.id] }, { limit: 10 });
    expect(storedEbrimOf(plain!)).to.equal(undefined);
  });
});
