/**
 * SQL LIKE patterns as used by stored queries (ITI TF-2a §3.18.4.1.2.3.5: `%` any run, `_` one character),
 * turned into an anchored regular expression so that SQLite and MongoDB match exactly alike.
 * A backslash escapes the next character (LIKE … ESCAPE '\'), so `\%` matches a literal percent sign.
 * Matching is case-sensitive: XCN values are compared as received, as the XDS LIKE examples assume.
 */
const special = /[.*+?^${}()|[\]\\/]/g;

/** Regular-expression source (anchored with ^ and $) for a LIKE pattern. */
export function likeToRegexSource(pattern: string): string {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) {
      i++;
      out += pattern[i].replace(special, '\\$&');
    } else if (ch === '%') {
      out += '[\\s\\S]*';
    } else if (ch === '_') {
      out += '[\\s\\S]';
    } else {
      out += ch.replace(special, '\\$&');
    }
  }
  return out + '$';
}

export function likeToRegExp(pattern: string): RegExp {
  return new RegExp(likeToRegexSource(pattern), 'u');
}
