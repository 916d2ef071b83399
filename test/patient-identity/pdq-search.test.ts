/**
 * PDQ search narrowed on the indexed name + birth date columns (IdentityStore.searchCandidates) must answer
 * exactly what a full scan answers: same persons, same confidences, for exact, prefix, given-only, birth-only,
 * fuzzy (SRCH) and two-name queries.
 */
import { expect } from 'chai';
import { CrossReference } from '../../src/patient-identity/cross-reference';
import { DEFAULT_IDENTITY_DOMAINS } from '../../src/patient-identity/domains';
import type { IdentityStore } from '../../src/patient-identity/identity-ports';
import { searchPatients } from '../../src/patient-identity/pdq-search';
import type { PdqCriteria } from '../../src/hl7v3/read-pdq-query';
import type { PatientName } from '../../src/patient-identity/model';
import { openIdentityDb } from './support';

const T = '2026-01-01T00:00:00.000Z';
const FAMILY = ['Johnson', 'Johnston', 'Jones', 'Smith', 'Smythe', 'Müller', 'Miller'];
const GIVEN = ['Margaret', 'Mark', 'Anna', 'Ann', 'Peter', 'Zoë'];

const criteria = (names: PatientName[], birthTime?: string): PdqCriteria => ({ names, birthTime, addresses: [], ids: [], telecoms: [] });

describe('PDQ search on indexed name + birth date columns', () => {
  it('answers like a full scan', async () => {
    const { db, identity } = openIdentityDb();
    const records = [];
    for (let i = 0; i < 300; i++) {
      const patient = {
        ids: [{ id: `p${i}`, authority: '1.2.3' }],
        otherIds: [],
        names: [{ family: [FAMILY[i % FAMILY.length]!], given: [GIVEN[(i * 5) % GIVEN.length]!] }],
        birthTime: `19${60 + (i % 7)}0${1 + (i % 3)}1${i % 10}`,
        addresses: [],
        telecoms: [],
      };
      records.push({ key: patient.ids[0]!, personId: `P${i}`, patient, updated: T });
    }
    await identity.commit({ records });
    // The same store with every narrowing replaced by a full scan: the oracle.
    const plain = new Proxy(identity, {
      get: (t, k) => (k === 'searchCandidates' ? (_b: unknown, limit: number) => t.scan(limit) : (Reflect.get(t, k) as (...a: unknown[]) => unknown).bind(t)),
    }) as unknown as IdentityStore;
    const options = { domains: DEFAULT_IDENTITY_DOMAINS, newId: () => 'x', now: () => new Date() };
    const indexed = new CrossReference(identity, options);
    const fallback = new CrossReference(plain, options);
    const queries: PdqCriteria[] = [
      criteria([{ family: ['Johnson'], given: ['Margaret'] }], '19600110'),
      criteria([{ family: ['johns'], given: [] }], '1961'),
      criteria([{ family: [], given: ['Zoe'] }]),
      criteria([], '196202'),
      criteria([{ family: ['Muller'], given: [] }]),
      criteria([{ family: ['Jonson'], given: [], use: 'SRCH' }], '1960'),
      criteria([{ family: ['Smith'], given: [] }, { family: ['Miller'], given: [] }]),
    ];
    try {
      for (const q of queries) {
        const a = (await searchPatients(indexed, q)).map((h) => [h.personId, h.confidence]);
        const b = (await searchPatients(fallback, q)).map((h) => [h.personId, h.confidence]);
        expect(a, JSON.stringify(q)).to.deep.equal(b);
        expect(a.length, JSON.stringify(q)).to.be.greaterThan(0);
      }
    } finally {
      db.close();
    }
  });
});
