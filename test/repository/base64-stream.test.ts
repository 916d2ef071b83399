/** Sliced strict base64 decoding (hot spot 5 / B3): same bytes as a one-shot decode, same refusals, yields. */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { DecodedTooLargeError, InvalidBase64Error, decodeBase64Slices } from '../../src/repository/base64-stream';

async function decode(text: string, max?: number): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const b of decodeBase64Slices(text, max)) out.push(b);
  return Buffer.concat(out);
}

const refusal = (text: string) => decode(text).then(() => undefined, (e: unknown) => e);

/** base64 with a line break every `every` characters (MIME style) or none. */
const wrapped = (b: Buffer, every: number, eol = '\r\n') => (b.toString('base64').match(new RegExp(`.{1,${every}}`, 'g')) ?? []).join(eol);

describe('repository/base64-stream', () => {
  it('decodes small inputs with and without padding, and the empty document', async () => {
    for (const s of ['', 'YQ==', 'YWI=', 'YWJj', '  YW\nJj\t ', 'YQ=\n=', ' \n ']) {
      expect((await decode(s)).equals(Buffer.from(s.replace(/\s/g, ''), 'base64')), JSON.stringify(s)).to.equal(true);
    }
  });

  it('decodes multi-slice inputs byte-identically, whitespace anywhere (slice boundaries included)', async () => {
    for (const n of [3 * 1024 * 1024, 3 * 1024 * 1024 + 1, 3 * 1024 * 1024 + 2, 786_433]) {
      const bytes = randomBytes(n);
      expect((await decode(bytes.toString('base64'))).equals(bytes), `plain ${n}`).to.equal(true);
      expect((await decode(wrapped(bytes, 76))).equals(bytes), `wrapped 76 ${n}`).to.equal(true);
      expect((await decode(wrapped(bytes, 1023, ' \n'))).equals(bytes), `odd wrap ${n}`).to.equal(true);
      expect((await decode(`\n  ${bytes.toString('base64')}\n  `)).equals(bytes), `indented ${n}`).to.equal(true);
    }
  });

  it('accepts padding split by whitespace across the last slice boundary', async () => {
    const bytes = randomBytes(1024 * 1024 * 3 / 4 * 4 - 2); // base64 ends in one '='
    const text = bytes.toString('base64');
    expect(text.endsWith('=')).to.equal(true);
    const padded = text.slice(0, -1) + ' '.repeat(1024 * 1024) + '=\n';
    expect((await decode(padded)).equals(bytes)).to.equal(true);
  });

  it('refuses what the one-shot strict check refused', async () => {
    const big = randomBytes(2 * 1024 * 1024).toString('base64');
    for (const bad of ['Y', 'YQ=', 'YQ===', '====', '==', 'YQ==YQ==', 'Y!Q=', 'YW-j', 'YW_j', big.slice(0, 1_500_000) + '=' + big.slice(1_500_001), big + 'A', big.slice(0, 2_000_000) + '*' + big.slice(2_000_000)]) {
      expect(await refusal(bad), bad.slice(0, 20)).to.be.instanceOf(InvalidBase64Error);
    }
  });

  it('accepts exactly the 64 alphabet characters (every UTF-16 unit tried; base64url and non-ASCII refused)', async () => {
    const accepted: number[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      if (/\s/.test(ch)) continue; // whitespace is skipped, by design (xs:base64Binary)
      if (!((await refusal(`AAA${ch}`)) instanceof InvalidBase64Error)) accepted.push(c);
    }
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    // 'AAA=' is the padded form of two bytes: '=' is accepted there, and only there.
    expect(String.fromCharCode(...accepted)).to.equal([...`${alphabet}=`].sort().join(''));
    expect(await refusal('AA\u{1F600}A')).to.be.instanceOf(InvalidBase64Error);
  });

  it('stops as soon as more than maxBytes would be decoded', async () => {
    const text = randomBytes(5 * 1024 * 1024).toString('base64');
    const err = await decode(text, 1024 * 1024).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(DecodedTooLargeError);
    expect((await decode(randomBytes(1000).toString('base64'), 1000)).length).to.equal(1000);
  });

  it('lets other work run between slices (the event loop is not held for the whole text)', async () => {
    const text = randomBytes(12 * 1024 * 1024).toString('base64'); // 16 MiB of text
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      let slices = 0;
      for await (const _ of decodeBase64Slices(text)) slices++;
      expect(slices).to.equal(16);
      // A one-shot decode would let the timer run at most once; sliced, it runs between (nearly) every slice.
      expect(ticks, 'timer callbacks during the decode').to.be.at.least(8);
    } finally {
      clearInterval(timer);
    }
  });
});
