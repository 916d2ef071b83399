/**
 * Small, strict parsers for MIME header values: media types with parameters (RFC 7231 §3.1.1.1,
 * RFC 2045 §5.1) and Content-ID / cid: URLs (RFC 2392).
 */

export interface MediaType {
  /** Lower-cased `type/subtype`. */
  readonly type: string;
  /** Parameter names lower-cased, values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN = /^[!#$%&'*+.^\w`|~-]+$/;

/** Parses `type/subtype; a=b; c="d"`. Returns undefined when the value is not a media type. */
export function parseMediaType(header: string | undefined): MediaType | undefined {
  if (header === undefined) return undefined;
  const parts = splitParams(header);
  if (!parts) return undefined;
  const [type, ...rest] = parts;
  const [main, sub, extra] = type.trim().toLowerCase().split('/');
  if (extra !== undefined || !main || !sub || !TOKEN.test(main) || !TOKEN.test(sub)) return undefined;
  const params: Record<string, string> = Object.create(null);
  for (const p of rest) {
    if (p.trim() === '') continue; // tolerate a trailing ';' as many clients send it
    const eq = p.indexOf('=');
    if (eq < 1) return undefined;
    const name = p.slice(0, eq).trim().toLowerCase();
    let value = p.slice(eq + 1).trim();
    if (!TOKEN.test(name)) return undefined;
    if (value.startsWith('"')) {
      if (value.length < 2 || !value.endsWith('"')) return undefined;
      value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    params[name] = value;
  }
  return { type: `${main}/${sub}`, params };
}

/**
 * Splits on ';' outside quoted strings (escapes kept as written); undefined on an unterminated quote.
 * Slices rather than appending character by character: this runs for every request and MIME part.
 */
function splitParams(header: string): string[] | undefined {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header.charCodeAt(i);
    if (quoted && c === 0x5c /* \ */ && i + 1 < header.length) i++;
    else if (c === 0x22 /* " */) quoted = !quoted;
    else if (c === 0x3b /* ; */ && !quoted) {
      out.push(header.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted) return undefined;
  out.push(header.slice(start));
  return out;
}

/** RFC 2046 §5.1.1: 1–70 bchars, not ending in a space. */
export function isValidBoundary(boundary: string): boolean {
  return /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/.test(boundary);
}

function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // a stray '%' is kept literally rather than rejecting the whole message
  }
}

/**
 * The key under which an attachment is stored: the Content-ID without `<>`, percent-decoded, so that
 * it compares equal to a decoded `cid:` href (RFC 2392 §2; the NIST PnrXop/encodedURL case).
 */
export function normaliseContentId(header: string): string {
  let v = header.trim();
  if (v.startsWith('<') && v.endsWith('>')) v = v.slice(1, -1).trim();
  return percentDecode(v);
}

/** The Content-ID a `cid:` URL names, or undefined if the href is not a cid: URL. */
export function contentIdFromHref(href: string): string | undefined {
  const v = href.trim();
  if (!/^cid:/i.test(v)) return undefined;
  return percentDecode(v.slice(4));
}

/** RFC 2392: a Content-ID written as a cid: URL; '@' stays readable, everything else URL-escaped. */
export function hrefFromContentId(contentId: string): string {
  return `cid:${encodeURIComponent(contentId).replace(/%40/g, '@')}`;
}
