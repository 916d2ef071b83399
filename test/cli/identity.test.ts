/**
 * `tessera identity ...` in-process (buildCli with a captured CliIo) against a real started server: a review
 * item from real ITI-44 feeds of an ambiguous pair → link via the CLI → ITI-45 returns both ids; an ITI-44
 * merge → unmerge via the CLI → ITI-42 accepts the obsolete id again. Exit codes 0/1/2/3.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CommanderError } from 'commander';
import { buildCli } from '../../src/cli/build-cli';
import { SoapAction } from '../../src/ebxml/vocabulary';
import { feedMessage, pixQueryMessage } from '../hl7v3/messages';
import { sendPix } from '../patient-identity/review-support';
import { parseRegistryResponse, singleDoc } from '../support/iti42';
import { postSoap, soapRequest, startTestServer, type TestServer } from '../support/server';

const A = '1.2.840.1.1';
const B = '1.2.840.1.2';
const cx = (id: string, authority: string) => `${id}^^^&${authority}&ISO`;

/** A loopback port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

interface Run {
  readonly code: number | undefined;
  readonly out: string;
  readonly err: string;
}

async function tessera(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  let code: number | undefined;
  const cli = buildCli({ out: (t) => out.push(t), err: (t) => err.push(t), setExitCode: (c) => (code = c) });
  try {
    await cli.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode;
  }
  return { code, out: out.join(''), err: err.join('') };
}

describe('cli: tessera identity (against a running server)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let dataDir: string;
  let url: string[];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tessera-cli-id-'));
    server = await startTestServer({ dataDir });
    url = ['--admin-url', server.adminUrl];
  });
  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const feed = async (kind: 'PRPA_IN201301UV02' | 'PRPA_IN201304UV02', spec: Parameters<typeof feedMessage>[1], obsolete?: { id: string; authority: string }) => {
    const action = kind === 'PRPA_IN201301UV02' ? SoapAction.iti44Add : SoapAction.iti44Merge;
    expect((await sendPix(server, action, feedMessage(kind, spec, obsolete))).ack).to.equal('AA');
  };
  const register = async (pid: string) => parseRegistryResponse((await postSoap(server, '/xds/registry', soapRequest(SoapAction.iti42, singleDoc({ pid }).xml))).text);
  const margaret = { family: 'Johnson', given: 'Margaret', gender: 'F', street: '12 Elm Street' };

  it('ambiguous ITI-44 pair → reviews → link → ITI-45 returns both ids; the decision is audited under --operator', async () => {
    await feed('PRPA_IN201301UV02', { id: 'm1', authority: A, birth: '19650412', ...margaret });
    await feed('PRPA_IN201301UV02', { id: 'm2', authority: B, birth: '19650430', ...margaret });
    const before = await sendPix(server, SoapAction.iti45, pixQueryMessage({ id: 'm1', authority: A }, [B]));
    expect(before.responseCode).to.equal('NF');

    const list = await tessera('identity', 'reviews', ...url);
    expect(list.code, list.err).to.equal(0);
    const seq = /^review (\d+) /m.exec(list.out)![1]!;
    expect(list.out).to.contain(`record    ${cx('m2', B)}`);
    expect(list.out).to.contain(`candidate ${cx('m1', A)}`);
    expect(list.out).to.contain('JOHNSON, Margaret  born 19650430  sex F  addr 12 Elm Street');
    expect(list.out).to.contain('1 open item(s)');

    const link = await tessera('identity', 'link', seq, ...url, '--operator', 'bob');
    expect(link.code, link.err).to.equal(0);
    expect(link.out).to.match(new RegExp(`^review ${seq}: linked m2\\^\\^\\^&1\\.2\\.840\\.1\\.2&ISO to m1`));

    const after = await sendPix(server, SoapAction.iti45, pixQueryMessage({ id: 'm1', authority: A }, [B]));
    expect([after.ack, after.responseCode]).to.deep.equal(['AA', 'OK']);
    expect(after.patients[0]!.ids).to.deep.equal([{ id: 'm2', authority: B }]);
    const [audit] = (await server.deps.stores.audit.recent(20)).filter((r) => r.eventTypeCode === 'identity-link');
    expect(audit!.objects).to.deep.include({ type: 'operator', id: 'bob' });

    const again = await tessera('identity', 'link', seq, ...url);
    expect(again.code).to.equal(1);
    expect(again.err).to.match(/refused \(HTTP 409\): review item \d+ was already resolved \(link by bob/);
    expect((await tessera('identity', 'reviews', ...url)).out).to.equal('no open review items\n');
  });

  it('ITI-44 merge → ITI-42 refuses the obsolete id → unmerge via the CLI → ITI-42 accepts it again', async () => {
    await feed('PRPA_IN201301UV02', { id: 'u1', authority: A, family: 'Survivor', given: 'Sam', birth: '19500101', gender: 'M' });
    await feed('PRPA_IN201301UV02', { id: 'u0', authority: A, family: 'Obsolete', given: 'Olga', birth: '19000101', gender: 'F' });
    expect((await register(cx('u0', A))).status).to.equal('Success');
    await feed('PRPA_IN201304UV02', { id: 'u1', authority: A, family: 'Survivor', given: 'Sam', birth: '19500101', gender: 'M' }, { id: 'u0', authority: A });
    expect((await register(cx('u0', A))).errors.map((e) => e.errorCode)).to.deep.equal(['XDSUnknownPatientId']);

    const run = await tessera('identity', 'unmerge', cx('u0', A), ...url);
    expect(run.code, run.err).to.equal(0);
    expect(run.out).to.match(/^unmerged u0\^\^\^&1\.2\.840\.1\.1&ISO \(was merged into u1\^\^\^&1\.2\.840\.1\.1&ISO\): person /);
    expect((await register(cx('u0', A))).status).to.equal('Success');

    const twice = await tessera('identity', 'unmerge', cx('u0', A), ...url);
    expect([twice.code, twice.err]).to.deep.equal([1, `tessera: refused (HTTP 409): the identifier is not merged: ${cx('u0', A)}\n`]);
  });

  it('unlink and distinct print what was done or refused', async () => {
    await feed('PRPA_IN201301UV02', { id: 'k1', authority: A, family: 'Kay', given: 'Kim', birth: '19800101', gender: 'F', otherIds: [{ id: 'k2', authority: B }] });
    const unlink = await tessera('identity', 'unlink', cx('k2', B), ...url);
    expect(unlink.code, unlink.err).to.equal(0);
    expect(unlink.out).to.match(/^unlinked k2\^\^\^&1\.2\.840\.1\.2&ISO from .+: new person .+&ISO\n$/);
    expect((await tessera('identity', 'unlink', cx('k2', B), ...url)).code).to.equal(1);
    const distinct = await tessera('identity', 'distinct', '987654', ...url);
    expect([distinct.code, distinct.err]).to.deep.equal([1, 'tessera: refused (HTTP 404): no review item 987654\n']);
  });

  it('exit 2 for bad usage or configuration, 3 when the server is unreachable', async () => {
    const badCx = await tessera('identity', 'unlink', 'k2^^^1.2', ...url);
    expect(badCx.code).to.equal(2);
    expect(badCx.err).to.contain("invalid patient id 'k2^^^1.2'");
    expect((await tessera('identity', 'link', 'abc', ...url)).code).to.equal(2);
    const missing = await tessera('identity', 'link');
    expect(missing.code).to.equal(2);
    expect(missing.err).to.match(/missing required argument/);
    expect((await tessera('identity', 'reviews', '--limit', 'x', ...url)).code).to.equal(2);
    expect((await tessera('identity', 'reviews', '--admin-url', 'ftp://x')).code).to.equal(2);
    const port = await freePort();
    const down = await tessera('identity', 'reviews', '--admin-url', `http://127.0.0.1:${port}`);
    expect(down.code).to.equal(3);
    expect(down.err).to.contain(`cannot reach the server's admin listener at http://127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('without --admin-url it uses ADMIN_PORT from the environment (bad environment: exit 2)', async () => {
    const saved = { ADMIN_PORT: process.env.ADMIN_PORT, LOG_LEVEL: process.env.LOG_LEVEL };
    try {
      process.env.ADMIN_PORT = new URL(server.adminUrl).port;
      const ok = await tessera('identity', 'reviews');
      expect(ok.code, ok.err).to.equal(0);
      process.env.LOG_LEVEL = 'loud';
      const bad = await tessera('identity', 'reviews');
      expect(bad.code).to.equal(2);
      expect(bad.err).to.match(/LOG_LEVEL/);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
