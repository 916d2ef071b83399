import { expect } from 'chai';
import { uuidV7 } from '../../src/app/uuid-v7';

describe('uuidV7 (RFC 9562 §5.7)', () => {
  it('has the UUID shape, version 7 and variant 10', () => {
    for (let i = 0; i < 200; i++) {
      const u = uuidV7();
      expect(u).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('starts with the 48-bit millisecond time, so later ids sort after earlier ones', () => {
    const t = Date.UTC(2026, 10, 25, 1, 2, 3, 456);
    const u = uuidV7(t);
    expect(parseInt(u.slice(0, 8) + u.slice(9, 13), 16)).to.equal(t);
    expect(uuidV7(t + 1) > uuidV7(t)).to.equal(true);
  });

  it('is random after the time', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uuidV7(0)));
    expect(ids.size).to.equal(1000);
  });
});
