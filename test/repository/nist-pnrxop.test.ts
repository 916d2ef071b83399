/**
 * The four NIST PnrXop wire messages (Axis2 XOP, MTOM without XOP, percent-encoded cid:, a .NET WCF client
 * with the document inline as base64) sent as they are (CRLF framing, see test/soap/nist-pnrxop.test.ts) to
 * the repository, then retrieved. NIST expects every one to be accepted (PnrXop testplans).
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCx } from '../../src/metadata/hl7-types';
import { startTestServer, type TestServer } from '../support/server';
import { post, registryResponseOf, repositoryTransactions, retrieve, retrievedOf } from './pnr';

const DIR = resolve(__dirname, '../../../shared/conformance/nist/PnrXop');
const DOC_UID_SCHEME = 'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab';

function load(name: string) {
  const plan = readFileSync(resolve(DIR, name, 'testplan.xml'), 'utf8');
  const contentType = /Content-Type:\s*(.+)/.exec(plan)?.[1]?.trim() ?? '';
  const text = readFileSync(resolve(DIR, name, 'body.txt'), 'utf8').replace(/\r?\n/g, '\r\n');
  const pid = /value="([^"]*&amp;ISO)"/.exec(text)?.[1]?.replaceAll('&amp;', '&');
  const docUid = new RegExp(`identificationScheme="${DOC_UID_SCHEME}"[^>]*value="([^"]+)"`).exec(text)?.[1] ?? new RegExp(`value="([^"]+)"[^>]*identificationScheme="${DOC_UID_SCHEME}"`).exec(text)?.[1];
  return { contentType, body: Buffer.from(text), pid: pid!, docUid: docUid! };
}

describe('ITI-41 on the NIST PnrXop corpus', function () {
  this.timeout(60_000);
  before(function () {
    if (!existsSync(DIR)) this.skip();
  });

  for (const name of ['Xop', 'NoXop', 'encodedURL', 'dicom']) {
    it(`${name}: accepted, then retrievable`, async () => {
      const m = load(name);
      const server: TestServer = await startTestServer({}, { transactions: repositoryTransactions() });
      try {
        await server.deps.stores.patients.add(parseCx(m.pid)!);
        const res = await post(server, '/xds/repository', { contentType: m.contentType, body: m.body });
        const o = registryResponseOf(res.soap.body);
        expect(o.status, JSON.stringify(o.errors)).to.equal('Success');
        const r = retrievedOf((await retrieve(server, [{ uid: m.docUid }])).soap);
        expect(r.status).to.equal('Success');
        expect(r.documents[0]!.part?.size).to.be.greaterThan(0);
        // Axis2 sends the document as an MTOM part: its bytes come back exactly (CRLF framing applied).
        if (name === 'Xop' || name === 'encodedURL') {
          expect(r.documents[0]!.part?.bytes?.toString()).to.equal('This is my document.\r\n\r\nIt is great!\r\n\r\n');
        }
      } finally {
        await server.stop();
      }
    });
  }
});
