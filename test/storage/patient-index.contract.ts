/** PatientIndex contract: add, status, merge (transitive, cycle refusal), unmerge, aliases. */
import { expect } from 'chai';
import type { PatientKey } from '../../src/patient-identity/ports';
import type { Stores } from '../../src/storage/stores';
import type { OpenStores } from './backends';

const AUTH = '1.2.840.113619.6.197';
const k = (id: string, authority = AUTH): PatientKey => ({ id, authority });
const sortKeys = (keys: PatientKey[]): string[] => keys.map((x) => `${x.id}@${x.authority}`).sort();

export function patientIndexContract(open: OpenStores): void {
  let s: Stores;
  beforeEach(async () => {
    s = await open();
  });
  afterEach(async () => {
    await s.close();
  });

  it('adds identifiers idempotently, compared by id and authority', async () => {
    expect(await s.patients.status(k('A'))).to.deep.equal({ state: 'unknown' });
    expect(await s.patients.add(k('A'))).to.equal(true);
    expect(await s.patients.add(k('A'))).to.equal(false);
    expect(await s.patients.status(k('A'))).to.deep.equal({ state: 'active' });
    expect(await s.patients.status(k('A', '1.2.3'))).to.deep.equal({ state: 'unknown' });
    expect(await s.patients.add(k('A', '1.2.3'))).to.equal(true);
  });

  it('merges transitively: status names the final survivor, aliases collect every merged id', async () => {
    for (const id of ['A', 'B', 'C', 'D']) await s.patients.add(k(id));
    await s.patients.merge(k('A'), k('B'));
    await s.patients.merge(k('B'), k('C'));
    await s.patients.merge(k('D'), k('C'));
    expect(await s.patients.status(k('A'))).to.deep.equal({ state: 'merged', survivor: k('C') });
    expect(await s.patients.status(k('B'))).to.deep.equal({ state: 'merged', survivor: k('C') });
    expect(await s.patients.status(k('C'))).to.deep.equal({ state: 'active' });
    expect(sortKeys(await s.patients.aliases(k('C')))).to.deep.equal(sortKeys([k('A'), k('B'), k('C'), k('D')]));
    expect(sortKeys(await s.patients.aliases(k('B')))).to.deep.equal(sortKeys([k('A'), k('B')]));
    expect(sortKeys(await s.patients.aliases(k('X')))).to.deep.equal(sortKeys([k('X')]));
  });

  it('registers unknown identifiers named by a merge', async () => {
    await s.patients.merge(k('old'), k('new'));
    expect(await s.patients.status(k('new'))).to.deep.equal({ state: 'active' });
    expect(await s.patients.status(k('old'))).to.deep.equal({ state: 'merged', survivor: k('new') });
    await s.patients.merge(k('old'), k('new')); // a repeated message changes nothing
  });

  it('refuses merges that would form a cycle', async () => {
    await s.patients.merge(k('A'), k('B'));
    await s.patients.merge(k('B'), k('C'));
    let refused = 0;
    await s.patients.merge(k('C'), k('A')).catch(() => refused++);
    await s.patients.merge(k('B'), k('A')).catch(() => refused++);
    await s.patients.merge(k('A'), k('A')).catch(() => refused++);
    expect(refused).to.equal(3);
    expect(await s.patients.status(k('C'))).to.deep.equal({ state: 'active' });
  });

  it('unmerges: the identifier is active again and no longer an alias of the survivor', async () => {
    await s.patients.merge(k('A'), k('B'));
    await s.patients.unmerge(k('A'));
    expect(await s.patients.status(k('A'))).to.deep.equal({ state: 'active' });
    expect(sortKeys(await s.patients.aliases(k('B')))).to.deep.equal(sortKeys([k('B')]));
    await s.patients.unmerge(k('A')); // not merged any more: a no-op
    await s.patients.merge(k('A'), k('B')); // and it can be merged again
    expect(await s.patients.status(k('A'))).to.deep.equal({ state: 'merged', survivor: k('B') });
  });

}
