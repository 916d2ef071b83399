/** Replays every wire message in fixtures/soap and compares with its expected.json. */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SoapFaultError } from '../../src/errors';
import { readSoapRequest } from '../../src/soap/read-request';
import { hashingSink, streamOf } from './helpers';

const DIR = resolve(__dirname, '../../fixtures/soap');

function load(name: string) {
  const raw = readFileSync(resolve(DIR, name, 'request.txt'));
  const split = raw.indexOf('\r\n\r\n');
  const contentType = raw.subarray(0, split).toString('utf8').replace(/^Content-Type:\s*/i, '');
  return { headers: { 'content-type': contentType }, body: raw.subarray(split + 4), expected: JSON.parse(readFileSync(resolve(DIR, name, 'expected.json'), 'utf8')) };
}

describe('soap/read-request fixtures', () => {
  for (const name of readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    it(name, async () => {
      const { headers, body, expected } = load(name);
      const run = readSoapRequest({ headers, stream: streamOf([body], 97) }, { maxEnvelopeBytes: 1 << 20, maxAttachmentBytes: 1 << 20, attachmentSink: hashingSink });
      if (expected.fault) {
        const err = await run.then(() => undefined, (e: unknown) => e);
        expect(err).to.be.instanceOf(SoapFaultError);
        const f = err as SoapFaultError;
        expect({ code: f.code, subcode: f.subcode, httpStatus: f.httpStatus }).to.deep.equal({ subcode: undefined, ...expected.fault });
        return;
      }
      const req = await run;
      expect({ action: req.action, messageId: req.messageId, mtom: req.mtom }).to.deep.equal({ action: expected.action, messageId: expected.messageId, mtom: expected.mtom });
      const got = Object.fromEntries([...req.attachments].map(([id, a]) => [id, { sha1: a.stored.sha1, size: a.stored.size, contentType: a.contentType }]));
      expect(got).to.deep.equal(expected.attachments);
    });
  }
});
