/** Replays fixtures/iti18/*.xml through handleIti18 against the seeded store; see fixtures/iti18/README.md. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pino from 'pino';
import { XdsError } from '../../../src/errors';
import { OPEN_AFFINITY_DOMAIN } from '../../../src/metadata/affinity-domain';
import { handleIti18, iti18ErrorBody } from '../../../src/registry/handle-iti18';
import { NS, SoapAction } from '../../../src/ebxml/vocabulary';
import { childOf, childrenOf, escapeXml, parseXml } from '../../../src/soap/xml';
import type { Deps } from '../../../src/transactions';
import { bodyText } from '../../../src/soap/write-response';
import { validateXmlMany } from '../../support/schema';
import { ID, openSeeded, P1, type Seeded } from './seed';

const DIR = resolve(__dirname, '../../../fixtures/iti18');
interface Case {
  readonly file: string;
  readonly status: 'Success' | 'Failure';
  readonly objects?: number;
  readonly errorCode?: string;
}
const cases = JSON.parse(readFileSync(resolve(DIR, 'expected.json'), 'utf8')) as Case[];

const fill = (xml: string): string =>
  xml.replace(/\$P1\$/g, escapeXml(P1)).replace(/\$ID:(\w+)\$/g, (_, n: string) => ID[n as keyof typeof ID]);

describe('fixtures/iti18 replay', () => {
  let seeded: Seeded;
  const bodies: string[] = [];
  before(async () => {
    seeded = await openSeeded();
  });
  after(() => seeded.close());

  const run = async (xml: string): Promise<string> => {
    const log = pino({ level: 'silent' });
    const deps = {
      stores: seeded.stores,
      registry: { patientIdCheck: 'on', maxQueryResults: 100, affinity: OPEN_AFFINITY_DOMAIN },
      log,
      now: () => new Date(),
    } as unknown as Deps;
    const body = parseXml(xml);
    try {
      const soap = { envelope: body, body, action: SoapAction.iti18, attachments: new Map(), mtom: false };
      return bodyText((await handleIti18(soap, deps, { peer: { subject: 'CN=t' }, log })).body);
    } catch (e) {
      if (e instanceof XdsError) return iti18ErrorBody(e.errors);
      throw e;
    }
  };

  for (const c of cases) {
    it(`${c.file} → ${c.status} ${c.errorCode ?? `${c.objects} objects`}`, async () => {
      const out = await run(fill(readFileSync(resolve(DIR, c.file), 'utf8')));
      bodies.push(out);
      const root = parseXml(out);
      expect(root.attrs.status).to.match(new RegExp(`:${c.status}$`));
      const objects = childOf(root, NS.rim, 'RegistryObjectList')!.children;
      expect(objects).to.have.length(c.objects ?? 0);
      const errors = childOf(root, NS.rs, 'RegistryErrorList');
      const codes = errors ? childrenOf(errors, NS.rs, 'RegistryError').map((e) => e.attrs.errorCode) : [];
      expect(codes).to.deep.equal(c.errorCode ? [c.errorCode] : []);
    });
  }

  it('all replayed responses validate against query.xsd', async () => {
    expect((await validateXmlMany(bodies, 'query.xsd')).flat()).to.deep.equal([]);
  });
});
