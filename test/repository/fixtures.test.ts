/** The wire fixtures of fixtures/iti41 and fixtures/iti43 sent as they are, replies compared element by element. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCx } from '../../src/metadata/hl7-types';
import { parseXml, type XmlElement } from '../../src/soap/xml';
import { startTestServer, type TestServer } from '../support/server';
import { newOid, newPatient } from '../support/iti42';
import { post, repositoryTransactions } from './pnr';

const FIX = join(__dirname, '../../fixtures');
const read = (p: string) => readFileSync(join(FIX, p), 'utf8');
const fill = (text: string, vars: Record<string, string>) => Object.entries(vars).reduce((t, [k, v]) => t.replaceAll(`$${k}$`, v), text);

interface Canon {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly text: string;
  readonly children: readonly Canon[];
}
const canon = (el: XmlElement): Canon => ({ name: `{${el.ns}}${el.local}`, attrs: el.attrs, text: el.text.trim(), children: el.children.map(canon) });
const xmlOf = (text: string) => canon(parseXml(text.replace(/<!--[\s\S]*?-->\s*/g, '')));

describe('repository wire fixtures', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer({}, { transactions: repositoryTransactions() });
  });
  after(async () => server?.stop());

  it('iti41/inline-single-doc → iti41 reply; iti43/retrieve-two → iti43 reply with the document part', async () => {
    const pid = newPatient();
    await server.deps.stores.patients.add(parseCx(pid)!);
    const vars = { PID: pid.replaceAll('&', '&amp;'), SSUID: newOid(), DOCUID: newOid(), MISSINGUID: newOid(), REPOUID: server.deps.repository.repositoryUniqueId };
    const soap = { contentType: 'application/soap+xml; charset=UTF-8' };
    const r41 = await post(server, '/xds/repository', { ...soap, body: Buffer.from(fill(read('iti41/inline-single-doc.xml'), vars)) });
    expect(canon(r41.soap.body)).to.deep.equal(xmlOf(read('iti41/inline-single-doc.reply.xml')));

    const r43 = await post(server, '/xds/repository', { ...soap, body: Buffer.from(fill(read('iti43/retrieve-two.xml'), vars)) });
    const [part] = [...r43.soap.attachments.values()];
    expect(part?.stored.bytes?.toString()).to.equal('Tessera inline document fixture.\n');
    const cid = part!.contentId;
    expect(canon(r43.soap.body)).to.deep.equal(xmlOf(fill(read('iti43/retrieve-two.reply.xml'), { ...vars, CID: cid })));
  });
});
