import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIdentityDomains } from '../../src/config/identity-domains';
import { ConfigError, loadConfig } from '../../src/config/load-config';
import { spawnTessera } from '../support/child-server';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'identity-domains.json');
const example = (): Record<string, unknown> => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;

/** The ConfigError message for a file with this content (or undefined when it is valid). */
function problem(content: unknown): string | undefined {
  try {
    parseIdentityDomains(typeof content === 'string' ? content : JSON.stringify(content), 'domains.json');
    return undefined;
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as ConfigError).variable).to.equal('IDENTITY_DOMAINS');
    return (err as ConfigError).message;
  }
}

describe('config: IDENTITY_DOMAINS file', () => {
  it('reads the example fixture into a closed set of domains with their feed sources', () => {
    const d = loadConfig({ IDENTITY_DOMAINS: FIXTURE }).identityDomains!;
    expect(d.enterprise).to.deep.equal({ oid: '1.3.6.1.4.1.21367.13.20.1000', name: 'HIE', feedSources: ['mpi'] });
    expect(d.acceptAny).to.equal(false);
    expect(d.domains.map((x) => [x.name, x.feedSources])).to.deep.equal([
      ['HOSP_A', ['hospital-a']],
      ['HOSP_B', ['hospital-b']],
      ['LAB_C', 'any'],
    ]);
    expect(d.sources!.map((s) => [s.name, s.translateLocalIds])).to.deep.equal([
      ['mpi', false],
      ['hospital-a', true],
      ['hospital-b', false],
    ]);
    expect(d.sources![1]!.hl7v2Senders).to.deep.equal([{ application: 'EPIC_ADT', facility: 'HOSP_A' }]);
    expect(Object.isFrozen(d)).to.equal(true);
  });

  it('keeps the open default when the variable is unset or empty', () => {
    expect(loadConfig({}).identityDomains).to.equal(undefined);
    expect(loadConfig({ IDENTITY_DOMAINS: ' ' }).identityDomains).to.equal(undefined);
  });

  it('names the variable, the file and the JSON path of the first problem', () => {
    const cases: [string, (f: Record<string, unknown>) => unknown, RegExp][] = [
      ['not JSON', () => '{ "enterprise": ', /domains\.json is not valid JSON/],
      ['bad OID', (f) => ({ ...f, enterprise: { oid: '1.2.x', name: 'E', feedSources: 'any' } }), /enterprise\.oid: must be an OID/],
      ['missing feedSources', (f) => ({ ...f, domains: [{ oid: '1.2.3', name: 'X' }] }), /domains\[0\]\.feedSources/],
      ['unknown source', (f) => ({ ...f, domains: [{ oid: '1.2.3', name: 'X', feedSources: ['nobody'] }] }), /domains\[0\]\.feedSources\[0\]: nobody is not a source listed in sources/],
      ['duplicate OID', (f) => ({ ...f, domains: [{ oid: '1.3.6.1.4.1.21367.13.20.1000', name: 'X', feedSources: 'any' }] }), /domains\[0\]\.oid: .* is listed twice/],
      ['duplicate name', (f) => ({ ...f, domains: [{ oid: '1.2.3', name: 'HIE', feedSources: 'any' }] }), /domains\[0\]\.name: HIE is used twice/],
      ['typo key', (f) => ({ ...f, source: [] }), /\(top level\): .*source/i],
      ['tls without a field', (f) => ({ ...f, sources: [{ name: 'a', tls: {} }] }), /sources\[0\]\.tls: needs subject, commonName or fingerprint256/],
      ['bad fingerprint', (f) => ({ ...f, sources: [{ name: 'a', tls: { fingerprint256: 'AB:CD' } }] }), /sources\[0\]\.tls\.fingerprint256: must be a SHA-256 fingerprint/],
      ['duplicate source', (f) => ({ ...f, sources: [{ name: 'mpi', tls: { commonName: 'a' } }, { name: 'mpi', tls: { commonName: 'b' } }] }), /sources\[1\]\.name: mpi is used twice/],
    ];
    for (const [what, edit, expected] of cases) {
      const message = problem(edit(example()));
      expect(message, what).to.match(/^invalid configuration: IDENTITY_DOMAINS: /);
      expect(message, what).to.match(expected);
      expect(message!.split('\n'), what).to.have.length(1);
    }
  });

  it('an unreadable file is a configuration error naming the variable', () => {
    expect(() => loadConfig({ IDENTITY_DOMAINS: '/nonexistent/domains.json' })).to.throw(ConfigError, /IDENTITY_DOMAINS: cannot read \/nonexistent\/domains\.json \(ENOENT\)/);
    const injected = loadConfig({ IDENTITY_DOMAINS: 'x.json' }, () => JSON.stringify(example()));
    expect(injected.identityDomains!.domains).to.have.length(3);
  });

  describe('npm start', function () {
    this.timeout(60_000);
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'tessera-domains-'));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('exits with code 2 and one line naming IDENTITY_DOMAINS when the file is invalid', async () => {
      const file = join(dir, 'domains.json');
      await writeFile(file, JSON.stringify({ ...example(), domains: [{ oid: '1.2.3', name: 'X', feedSources: ['ghost'] }] }));
      const bad = spawnTessera({ PORT: '0', ADMIN_PORT: '0', MLLP_PORT: '0', DATA_DIR: join(dir, 'data'), IDENTITY_DOMAINS: file });
      expect(await bad.exit).to.equal(2);
      const lines = bad.stderr().trim().split('\n');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(/IDENTITY_DOMAINS: .*domains\.json: domains\[0\]\.feedSources\[0\]: ghost is not a source listed in sources/);
    });
  });
});
