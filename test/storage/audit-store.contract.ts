/** AuditStore contract: append-only, recent() newest first. */
import { expect } from 'chai';
import type { AuditRecord } from '../../src/security/ports';
import type { Stores } from '../../src/storage/stores';
import type { OpenStores } from './backends';

const rec = (n: number): AuditRecord => ({
  eventId: '110107',
  eventTypeCode: 'ITI-42',
  action: 'C',
  outcome: 0,
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  sourceNode: 'CN=node-a',
  messageId: `urn:uuid:m${n}`,
  objects: [{ type: 'patient', id: `p${n}^^^&1.2&ISO` }],
});

export function auditStoreContract(open: OpenStores): void {
  let s: Stores;
  beforeEach(async () => {
    s = await open();
  });
  afterEach(async () => {
    await s.close();
  });

  it('appends records and returns the latest first', async () => {
    expect(await s.audit.recent(10)).to.deep.equal([]);
    for (let n = 0; n < 5; n++) await s.audit.append(rec(n));
    expect(await s.audit.recent(2)).to.deep.equal([rec(4), rec(3)]);
    expect(await s.audit.recent(10)).to.have.length(5);
  });
}
