/** mime-read's classification of a sink failure as "no space left" (→ HTTP 507 / XDSRepositoryOutOfResources). */
import { expect } from 'chai';
import { StorageFullFault, isOutOfSpace } from '../../src/soap/mime-read';

describe('soap/mime-read: storage full', () => {
  it('isOutOfSpace: ENOSPC, EDQUOT, SQLITE_FULL, also as a cause; not other errors', () => {
    const coded = (code: string) => Object.assign(new Error(code), { code });
    expect(isOutOfSpace(coded('ENOSPC'))).to.equal(true);
    expect(isOutOfSpace(coded('EDQUOT'))).to.equal(true);
    expect(isOutOfSpace(coded('SQLITE_FULL'))).to.equal(true);
    expect(isOutOfSpace(new Error('wrapped', { cause: coded('ENOSPC') }))).to.equal(true);
    expect(isOutOfSpace(coded('EIO'))).to.equal(false);
    expect(isOutOfSpace(new Error('x'))).to.equal(false);
    expect(isOutOfSpace('ENOSPC')).to.equal(false);
  });

  it('StorageFullFault is a 507 Receiver fault with a static reason, keeping the part and the cause', () => {
    const cause = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const f = new StorageFullFault('doc<1>@x', cause);
    expect(f).to.include({ code: 'Receiver', httpStatus: 507, contentId: 'doc<1>@x' });
    expect(f.message).to.not.contain('doc');
    expect(f.cause).to.equal(cause);
  });
});
