/** `tessera` CLI through bin/tessera.js (a real process), and the patient add command's effect on the store. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { buildCli } from '../../src/cli/build-cli';
import { addPatient } from '../../src/cli/patient-add';
import { loadConfig } from '../../src/config/load-config';
import { openStores } from '../../src/storage/open-stores';
import { childEnv, spawnNode } from '../support/child-server';

const CX = 'PID-1^^^&1.3.6.1.4.1.21367.2005.13.20.1000&ISO';

async function tessera(args: string[], vars: Record<string, string>) {
  const run = spawnNode(['bin/tessera.js', ...args], childEnv(vars));
  const code = await run.exit;
  return { code, out: run.stdout(), err: run.stderr() };
}

describe('cli: tessera', function () {
  this.timeout(60_000);
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tessera-cli-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('registers start and patient add, so more commands can be added beside them', () => {
    const cli = buildCli();
    expect(cli.name()).to.equal('tessera');
    expect(cli.commands.map((c) => c.name())).to.include.members(['start', 'patient']);
    const patient = cli.commands.find((c) => c.name() === 'patient')!;
    expect(patient.commands.map((c) => c.name())).to.deep.equal(['add']);
  });

  it('patient add registers the identifier, then reports it as already known', async () => {
    const first = await tessera(['patient', 'add', CX], { DATA_DIR: dataDir });
    expect(first.code, first.err).to.equal(0);
    expect(first.out).to.equal(`added: ${CX}\n`);
    const second = await tessera(['patient', 'add', CX], { DATA_DIR: dataDir });
    expect(second.code, second.err).to.equal(0);
    expect(second.out).to.equal(`already known: ${CX}\n`);
    const stores = await openStores({ dataDir });
    try {
      expect(await stores.patients.status({ id: 'PID-1', authority: '1.3.6.1.4.1.21367.2005.13.20.1000' })).to.deep.equal({ state: 'active' });
    } finally {
      await stores.close();
    }
  });

  it("patient add rejects a malformed CX with exit 1 and a clear message (process)", async () => {
    const r = await tessera(['patient', 'add', 'PID-1^^^1.2.3'], { DATA_DIR: dataDir });
    expect(r.code).to.equal(1);
    expect(r.out).to.equal('');
    expect(r.err).to.contain("invalid patient id 'PID-1^^^1.2.3'");
    expect(r.err).to.contain('id^^^&OID&ISO');
  });

  for (const bad of ['PID-1', 'PID-1^^^&1.2.3&DNS', '^^^&1.2.3&ISO', 'PID-1^x^^&1.2.3&ISO', 'PID-1^^^&1.2.x&ISO']) {
    it(`patient add rejects '${bad}' with exit 1 before touching any store`, async () => {
      const out: string[] = [];
      const err: string[] = [];
      let code: number | undefined;
      const cli = buildCli({ out: (t) => out.push(t), err: (t) => err.push(t), setExitCode: (c) => (code = c) });
      await cli.parseAsync(['patient', 'add', bad], { from: 'user' });
      expect(code).to.equal(1);
      expect(out).to.deep.equal([]);
      expect(err.join('')).to.contain(`invalid patient id '${bad}'`);
    });
  }

  it('patient add with an invalid configuration exits 2 naming the variable', async () => {
    const r = await tessera(['patient', 'add', CX], { DATA_DIR: dataDir, LOG_LEVEL: 'loud' });
    expect(r.code).to.equal(2);
    expect(r.err).to.match(/LOG_LEVEL/);
  });

  it('addPatient works in-process against the configured stores', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(await addPatient(config, 'X9^^^&1.2.3&ISO')).to.deep.equal({ added: true });
    expect(await addPatient(config, 'X9^^^&1.2.3&ISO')).to.deep.equal({ added: false });
  });

  it('start runs the server like npm start and stops on SIGTERM', async () => {
    const run = spawnNode(['bin/tessera.js', 'start'], childEnv({ PORT: '0', ADMIN_PORT: '0', MLLP_PORT: '0', DATA_DIR: dataDir }));
    const { port } = await run.ready;
    expect(port).to.be.greaterThan(0);
    run.child.kill('SIGTERM');
    expect(await run.exit).to.equal(0);
  });
});
