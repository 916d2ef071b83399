/**
 * MSH-18 character set (HL7 table 0211) → byte decoding. The header is ASCII, so it is read as latin1
 * first; the whole message is then decoded with the declared set. Absent MSH-18 means ASCII in theory; we
 * decode it as UTF-8, which reads ASCII identically and keeps the many senders that omit MSH-18 readable.
 */
export type Charset = 'utf8' | 'latin1';

const TABLE_0211: Readonly<Record<string, Charset>> = {
  'UNICODE UTF-8': 'utf8',
  'UTF-8': 'utf8',
  ASCII: 'latin1',
  '8859/1': 'latin1',
};

/** MSH-18 from raw bytes, or '' when absent/unreadable. */
export function declaredCharset(data: Buffer): string {
  const head = data.subarray(0, 4096).toString('latin1');
  if (!head.startsWith('MSH') || head.length < 4) return '';
  const sep = head[3]!;
  const line = head.split(/[\r\n]/, 1)[0]!;
  const fields = line.split(sep);
  // fields[1] is MSH-2, so fields[n - 1] is MSH-n.
  const msh18 = fields[17] ?? '';
  const comp = head[4] ?? '^';
  const rep = head[5] ?? '~';
  return msh18.split(rep)[0]!.split(comp)[0]!.trim();
}

export const charsetOf = (msh18: string): Charset => TABLE_0211[msh18.toUpperCase()] ?? 'utf8';

export function decodeMessage(data: Buffer): { readonly text: string; readonly charset: Charset; readonly msh18: string } {
  const msh18 = declaredCharset(data);
  const charset = charsetOf(msh18);
  return { text: data.toString(charset), charset, msh18 };
}

export const encodeMessage = (text: string, charset: Charset): Buffer => Buffer.from(text, charset);
