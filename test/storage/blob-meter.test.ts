/**
 * meter(): SHA-1 and size while streaming, ~1 MiB writes with one in flight while the next buffer fills
 * (BENCHMARKS.md hot spot 4), chunks handed over without copying, bounded buffering, and a real ENOSPC from the kernel (/dev/full).
 */
import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { SoapFaultError } from '../../src/errors';
import { isOutOfSpace } from '../../src/soap/mime-read';
import { WRITE_CHUNK, meter } from '../../src/storage/blob-meter';

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

/** A source of `n` chunks of `size` bytes that counts how many chunks were pulled. */
function counted(n: number, size: number) {
  const chunks = Array.from({ length: n }, () => randomBytes(size));
  const state = { pulled: 0 };
  const stream = new Readable({
    highWaterMark: 64 * 1024,
    read() {
      this.push(state.pulled < n ? chunks[state.pulled++] : null);
    },
  });
  return { stream, bytes: Buffer.concat(chunks), state };
}

describe('storage/blob-meter', () => {
  it('hashes and counts every byte and writes them in order, in ~1 MiB buffers', async () => {
    const { stream, bytes } = counted(40, 64 * 1024 + 7);
    const writes: Buffer[] = [];
    const m = await meter(stream, async (chunks) => void writes.push(Buffer.concat(chunks)));
    expect(m).to.deep.equal({ sha1: sha1(bytes), size: bytes.length });
    expect(Buffer.concat(writes).equals(bytes)).to.equal(true);
    expect(writes.length).to.be.lessThan(5); // 2.6 MB in 1 MiB buffers, not 40 writes
    for (const w of writes.slice(0, -1)) expect(w.length).to.be.within(WRITE_CHUNK, WRITE_CHUNK + 64 * 1024 + 7);
  });

  it('hands the source chunks themselves to the sink (no copy)', async () => {
    const chunks = Array.from({ length: 20 }, () => randomBytes(100 * 1024));
    const seen: Buffer[] = [];
    await meter(Readable.from(chunks), async (batch) => void seen.push(...batch));
    expect(seen).to.have.length(20);
    seen.forEach((c, i) => expect(c.buffer === chunks[i]!.buffer && c.byteOffset === chunks[i]!.byteOffset, `chunk ${i}`).to.equal(true));
  });

  it('fails with the source error, and on a premature close', async () => {
    const broken = new Readable({ read() {} });
    const p = meter(broken, async () => undefined);
    broken.push(Buffer.from('abc'));
    broken.destroy(new Error('client went away'));
    expect(((await p.catch((e: unknown) => e)) as Error).message).to.equal('client went away');
    const closed = new Readable({ read() {} });
    const q = meter(closed, async () => undefined);
    closed.destroy();
    expect(((await q.catch((e: unknown) => e)) as { code?: string }).code).to.equal('ERR_STREAM_PREMATURE_CLOSE');
  });

  it('fails at once for a source destroyed before metering began (never hangs)', async () => {
    const early = new Readable({ read() {} });
    early.on('error', () => undefined);
    early.destroy(new Error('aborted before the store was ready'));
    await new Promise((r) => setImmediate(r));
    expect(((await meter(early, async () => undefined).catch((e: unknown) => e)) as Error).message).to.equal('aborted before the store was ready');
    const closed = new Readable({ read() {} });
    closed.destroy();
    await new Promise((r) => setImmediate(r));
    expect(((await meter(closed, async () => undefined).catch((e: unknown) => e)) as { code?: string }).code).to.equal('ERR_STREAM_PREMATURE_CLOSE');
  });

  it('keeps reading while a write is in flight, but never runs two writes at once or buffers without bound', async () => {
    const { stream, bytes, state } = counted(200, 64 * 1024); // 12.5 MiB
    let running = 0;
    let maxRunning = 0;
    const release: (() => void)[] = [];
    const done = meter(stream, () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      return new Promise<void>((resolve) => {
        release.push(() => {
          running--;
          resolve();
        });
      });
    });
    // Let the pipeline run with the first write held: reading must go on into the next buffer and then stop.
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(release.length).to.equal(1);
    expect(state.pulled * 64 * 1024, 'read ahead while writing').to.be.greaterThan(WRITE_CHUNK + 64 * 1024);
    expect(state.pulled * 64 * 1024, 'bounded read-ahead').to.be.lessThan(4 * WRITE_CHUNK);
    // Now let writes complete as they come.
    const pump = setInterval(() => release.shift()?.(), 1);
    try {
      const m = await done;
      expect(m.sha1).to.equal(sha1(bytes));
    } finally {
      clearInterval(pump);
    }
    expect(maxRunning).to.equal(1);
  });

  it('refuses more than maxBytes, after the write in flight has finished', async () => {
    const { stream } = counted(40, 64 * 1024);
    let inFlight = 0;
    let settledBeforeReject = true;
    const err = await meter(
      stream,
      async () => {
        inFlight++;
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
      },
      1.5 * WRITE_CHUNK,
    ).then(
      () => undefined,
      (e: unknown) => {
        settledBeforeReject = inFlight === 0;
        return e;
      },
    );
    expect(err).to.be.instanceOf(SoapFaultError);
    expect((err as SoapFaultError).httpStatus).to.equal(413);
    expect(settledBeforeReject, 'no write still running when meter rejects').to.equal(true);
  });

  it('rejects with the OS error when the device is full (/dev/full → ENOSPC)', async () => {
    const h = await open('/dev/full', 'w');
    try {
      const { stream } = counted(40, 64 * 1024);
      const err = await meter(stream, async (chunks) => void (await h.writev(chunks as Buffer[]))).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((err as NodeJS.ErrnoException).code).to.equal('ENOSPC');
      expect(isOutOfSpace(err)).to.equal(true);
    } finally {
      await h.close();
    }
  });
});
