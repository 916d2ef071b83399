import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import pino from 'pino';
import { openStores } from '../../src/storage/open-stores';
import { tempDir } from './backends';

describe('storage/open-stores', () => {
  it('opens embedded SQLite under dataDir when no MongoDB URI is given, and logs no URI', async () => {
    const dir = join(await tempDir(), 'nested', 'data');
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const stores = await openStores({ dataDir: dir, log });
    try {
      expect(stores.kind).to.equal('sqlite');
      expect(await stores.patients.add({ id: 'x', authority: '1.2' })).to.equal(true);
      expect(lines.some((l) => l.includes('"store":"sqlite"'))).to.equal(true);
    } finally {
      await stores.close();
      await rm(join(dir, '..', '..'), { recursive: true, force: true });
    }
  });
});
