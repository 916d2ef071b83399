/** Replays fixtures/hl7v3/pix-pdq-flow (see its README): each request schema-valid, each reply as expected. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCx } from '../../src/metadata/hl7-types';
import { keyToCx } from '../../src/patient-identity/model';
import type { PixHandlers } from '../../src/patient-identity/create-pix-handlers';
import { validateHl7v3Many, type Hl7v3Interaction } from '../hl7v3/hl7v3-schema';
import { parseReply } from '../hl7v3/responses';
import { openIdentityEnv, type IdentityEnv } from './support';

const DIR = resolve(__dirname, '../../fixtures/hl7v3/pix-pdq-flow');

interface Step {
  readonly file: string;
  readonly handler: keyof Pick<PixHandlers, 'iti44' | 'iti45' | 'iti47' | 'iti47Continue' | 'iti47Cancel'>;
  readonly interaction: string;
  readonly ack: string;
  readonly responseCode?: string;
  readonly detailCode?: string;
  readonly ids?: readonly string[];
  readonly quantities?: { total: number; current: number; remaining: number };
  readonly registry?: Readonly<Record<string, string>>;
  /** Size of the review table after the step. */
  readonly reviews?: number;
}

const steps = (JSON.parse(readFileSync(resolve(DIR, 'expected.json'), 'utf8')) as { steps: Step[] }).steps;

describe('fixtures/hl7v3/pix-pdq-flow', () => {
  let env: IdentityEnv;
  before(async () => {
    env = await openIdentityEnv();
  });
  after(async () => env.close());

  const read = (file: string) => readFileSync(resolve(DIR, file), 'utf8');

  it('every request validates against its NE2008 schema', async function () {
    this.timeout(60_000);
    const byRoot = new Map<Hl7v3Interaction, string[]>();
    for (const s of steps) {
      const xml = read(s.file);
      const root = /<(\w+) /.exec(xml.replace(/^<\?xml[^>]*>\s*/, ''))![1] as Hl7v3Interaction;
      byRoot.set(root, [...(byRoot.get(root) ?? []), xml]);
    }
    for (const [root, xmls] of byRoot) expect(await validateHl7v3Many(xmls, root), root).to.deep.equal(xmls.map(() => []));
  });

  for (const step of steps) {
    it(step.file, async () => {
      const xml = read(step.file);
      const reply = parseReply(await env.call(env.pix[step.handler], xml));
      expect(reply.interaction).to.equal(step.interaction);
      expect(reply.ack).to.equal(step.ack);
      if (step.responseCode) expect(reply.responseCode).to.equal(step.responseCode);
      if (step.detailCode) expect(reply.details.map((d) => d.code)).to.include(step.detailCode);
      if (step.ids) expect(reply.patients.flatMap((p) => p.ids.map(keyToCx))).to.deep.equal(step.ids);
      if (step.quantities) expect(reply.quantities).to.deep.equal(step.quantities);
      if (step.reviews !== undefined) expect(await env.identity.reviews(100)).to.have.length(step.reviews);
      for (const [cx, state] of Object.entries(step.registry ?? {})) {
        expect((await env.stores.patients.status(parseCx(cx)!)).state).to.equal(state);
      }
    });
  }
});
