/**
 * MSH (HL7 v2.5 §2.14.9) → the header fields an IHE responder needs to route and to acknowledge:
 * applications/facilities to swap, control id for MSA-2, type/event/structure, version, MSH-18.
 * `sniffHeader` reads what it can from text that did not parse, so even a broken message gets an AR.
 */
import type { Rep, V2Message } from './er7';
import { V2Error } from './v2-error';

export interface V2Header {
  readonly sendingApplication: Rep;
  readonly sendingFacility: Rep;
  readonly receivingApplication: Rep;
  readonly receivingFacility: Rep;
  readonly controlId: string;
  readonly type: string;
  readonly event: string;
  readonly structure: string;
  readonly processingId: string;
  readonly version: string;
  readonly charset: string;
}

const first = (m: V2Message, n: number): Rep => m.segment('MSH')?.reps(n)[0] ?? [];

export function readHeader(m: V2Message): V2Header {
  const msh = m.segment('MSH');
  if (!msh || m.segments[0] !== msh) throw new V2Error('AR', '100', 'the first segment is not MSH', { segment: 'MSH' });
  return {
    sendingApplication: first(m, 3),
    sendingFacility: first(m, 4),
    receivingApplication: first(m, 5),
    receivingFacility: first(m, 6),
    controlId: msh.get(10),
    type: msh.get(9, 1),
    event: msh.get(9, 2),
    structure: msh.get(9, 3),
    processingId: msh.get(11, 1),
    version: msh.get(12, 1),
    charset: msh.get(18),
  };
}

/**
 * Best-effort header from raw text (the message failed to parse): split the first line by MSH-1 only.
 * Values are not unescaped; they serve only to address an AR. Undefined when there is no MSH at all.
 */
export function sniffHeader(text: string): V2Header | undefined {
  if (!/^MSH[^A-Za-z0-9\r\n]/.test(text)) return undefined;
  const sep = text[3]!;
  const comp = text[4] && text[4] !== sep ? text[4] : '^';
  const sub = text[7] && text[7] !== sep ? text[7] : '&';
  const fields = text.split(/[\r\n]/, 1)[0]!.split(sep);
  const f = (n: number): string => fields[n - 1] ?? '';
  const hd = (n: number): Rep => (f(n) ? f(n).split(comp).map((c) => c.split(sub)) : []);
  const c = (n: number, i: number): string => f(n).split(comp)[i] ?? '';
  return {
    sendingApplication: hd(3),
    sendingFacility: hd(4),
    receivingApplication: hd(5),
    receivingFacility: hd(6),
    controlId: f(10),
    type: c(9, 0),
    event: c(9, 1),
    structure: c(9, 2),
    processingId: c(11, 0),
    version: c(12, 0),
    charset: c(18, 0),
  };
}
