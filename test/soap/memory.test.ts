/**
 * A 200 MB attachment must stream through readSoapRequest without being held: RSS growth stays under
 * ~64 MB (security.md X11 "no out-of-memory"; the ITI-41 sizing in performance.md).
 */
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { readSoapRequest } from '../../src/soap/read-request';
import { envelope, hashingSink, include, mtomHeaders, multipart, ROOT_TYPE, streamOf } from './helpers';

const B = 'MIMEBoundary_memorycheck';
const TOTAL = 200 * 1024 * 1024;

describe('soap/read-request memory', function () {
  this.timeout(180_000);

  it('streams a 200 MB attachment into a hashing sink with RSS growth under 64 MB', async () => {
    const expected = createHash('sha1');
    // Bytes are made lazily and hashed as they are made: the test holds no copy either.
    function* doc(): Generator<Buffer> {
      for (let done = 0; done < TOTAL; done += 256 * 1024) {
        const b = randomBytes(Math.min(256 * 1024, TOTAL - done));
        expected.update(b);
        yield b;
      }
    }
    const body = `<t:Req xmlns:t="urn:test"><t:Document>${include('cid:big@test')}</t:Document></t:Req>`;
    const parts = [
      { headers: { 'Content-Type': ROOT_TYPE, 'Content-ID': '<root@test>' }, body: envelope({ body }) },
      { headers: { 'Content-Type': 'application/octet-stream', 'Content-ID': '<big@test>' }, body: doc },
    ];
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      const req = await readSoapRequest(
        { headers: mtomHeaders(B, '<root@test>'), stream: streamOf(multipart(B, parts), 64 * 1024) },
        { maxEnvelopeBytes: 1 << 20, maxAttachmentBytes: TOTAL, attachmentSink: hashingSink },
      );
      peak = Math.max(peak, process.memoryUsage().rss);
      const stored = req.attachments.get('big@test')?.stored;
      expect(stored?.size).to.equal(TOTAL);
      expect(stored?.sha1).to.equal(expected.digest('hex'));
    } finally {
      clearInterval(timer);
    }
    const growthMb = (peak - before) / (1024 * 1024);
    expect(growthMb).to.be.below(64);
  });
});
