import { expect } from 'chai';
import { dtmKey, optionalDtmKey } from '../../src/storage/dtm-key';

describe('storage/dtm-key', () => {
  it('right-pads every precision to 14 digits', () => {
    expect(dtmKey('2024')).to.equal('20240000000000');
    expect(dtmKey('202401')).to.equal('20240100000000');
    expect(dtmKey('20240102')).to.equal('20240102000000');
    expect(dtmKey('2024010203')).to.equal('20240102030000');
    expect(dtmKey('202401020304')).to.equal('20240102030400');
    expect(dtmKey('20240102030405')).to.equal('20240102030405');
  });

  it('drops fractions and zone offsets beyond seconds', () => {
    expect(dtmKey('20240102030405.123')).to.equal('20240102030405');
    expect(dtmKey('20240102030405+0100')).to.equal('20240102030405');
    expect(dtmKey('202401+0100')).to.equal('20240100000000');
  });

  it('orders keys like instants at the start of each period', () => {
    expect(dtmKey('2024') < dtmKey('20240101000001')).to.equal(true);
    expect(dtmKey('2024') === dtmKey('20240101')).to.equal(false);
    expect(dtmKey('20231231235959') < dtmKey('2024')).to.equal(true);
  });

  it('keeps absent values absent', () => {
    expect(optionalDtmKey(undefined)).to.equal(undefined);
    expect(optionalDtmKey('2024')).to.equal('20240000000000');
  });
});
