import { expect } from 'chai';
import { likeToRegExp } from '../../src/storage/like-pattern';

const like = (pattern: string, value: string): boolean => likeToRegExp(pattern).test(value);

describe('storage/like-pattern', () => {
  it('% matches any run, _ exactly one character, and the pattern is anchored', () => {
    expect(like('%Smith%', '^Smith^John')).to.equal(true);
    expect(like('Smith%', '^Smith^John')).to.equal(false);
    expect(like('^Smit_^%', '^Smith^John')).to.equal(true);
    expect(like('^Smit_^%', '^Smit^John')).to.equal(false);
    expect(like('%', '')).to.equal(true);
    expect(like('_', '')).to.equal(false);
    expect(like('a%', 'a\nb')).to.equal(true);
  });

  it('treats regular-expression characters literally', () => {
    expect(like('a.c', 'abc')).to.equal(false);
    expect(like('a.c', 'a.c')).to.equal(true);
    expect(like('(x)+[y]*$^|?{1}/\\\\', '(x)+[y]*$^|?{1}/\\')).to.equal(true);
  });

  it('honours backslash escapes for % and _', () => {
    expect(like('100\\%', '100%')).to.equal(true);
    expect(like('100\\%', '1000')).to.equal(false);
    expect(like('a\\_b', 'a_b')).to.equal(true);
    expect(like('a\\_b', 'axb')).to.equal(false);
  });

  it('is case-sensitive and counts a non-BMP character as one', () => {
    expect(like('%smith%', 'Smith')).to.equal(false);
    expect(like('_', '😀')).to.equal(true);
  });
});
