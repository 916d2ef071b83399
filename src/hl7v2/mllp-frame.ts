/**
 * MLLP framing (HL7 v2 MLLP Release 2 / ITI TF-2 Appendix C): <VT=0x0B> message <FS=0x1C><CR=0x0D>.
 * Pure decoder: bytes in, events out. A frame may span many TCP reads and one read may carry many frames.
 * Bytes outside a frame are skipped (and reported); a VT inside a frame starts over (the sender restarted);
 * a frame larger than `maxBytes` is reported once with its first bytes (enough to read MSH) and the rest of
 * it is discarded, so memory stays bounded whatever the peer sends.
 */
export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

export type FrameEvent =
  | { readonly kind: 'frame'; readonly data: Buffer }
  | { readonly kind: 'oversize'; readonly head: Buffer }
  | { readonly kind: 'skipped'; readonly bytes: number };

const HEAD_BYTES = 4096;

export class MllpDecoder {
  private inFrame = false;
  private discarding = false;
  private afterFs = false;
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  /** True while a frame has started and not ended (for idle/partial diagnostics). */
  get pending(): boolean {
    return this.inFrame;
  }

  push(chunk: Buffer): FrameEvent[] {
    const events: FrameEvent[] = [];
    let skipped = 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.afterFs) {
        // FS must be followed by CR; tolerate its absence rather than lose the next frame.
        this.afterFs = false;
        if (chunk[i] === CR) i++;
        continue;
      }
      if (!this.inFrame) {
        const start = chunk.indexOf(VT, i);
        skipped += (start < 0 ? chunk.length : start) - i;
        if (start < 0) break;
        this.begin();
        i = start + 1;
        continue;
      }
      i = this.consume(chunk, i, events);
    }
    if (skipped > 0) events.push({ kind: 'skipped', bytes: skipped });
    return events;
  }

  private begin(): void {
    this.inFrame = true;
    this.discarding = false;
    this.chunks = [];
    this.size = 0;
  }

  /** Consumes frame bytes from `i`; returns the next index to look at. */
  private consume(chunk: Buffer, i: number, events: FrameEvent[]): number {
    const fs = chunk.indexOf(FS, i);
    const vt = chunk.indexOf(VT, i);
    if (vt >= 0 && (fs < 0 || vt < fs)) {
      // A new start block inside a frame: the previous frame is incomplete and dropped.
      this.begin();
      return vt + 1;
    }
    const end = fs < 0 ? chunk.length : fs;
    this.append(chunk.subarray(i, end), events);
    if (fs < 0) return chunk.length;
    this.inFrame = false;
    this.afterFs = true;
    if (!this.discarding) events.push({ kind: 'frame', data: Buffer.concat(this.chunks, this.size) });
    this.chunks = [];
    this.size = 0;
    return fs + 1;
  }

  private append(part: Buffer, events: FrameEvent[]): void {
    if (this.discarding || part.length === 0) return;
    if (this.size + part.length > this.maxBytes) {
      const head = Buffer.concat([...this.chunks, part]).subarray(0, HEAD_BYTES);
      events.push({ kind: 'oversize', head: Buffer.from(head) });
      this.discarding = true;
      this.chunks = [];
      this.size = 0;
      return;
    }
    // Copy: the socket may reuse its buffer.
    this.chunks.push(Buffer.from(part));
    this.size += part.length;
  }
}

export const frame = (data: Buffer): Buffer => Buffer.concat([Buffer.from([VT]), data, Buffer.from([FS, CR])]);
