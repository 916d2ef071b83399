/**
 * HL7 v2.5 datatypes as XDS metadata uses them (ITI TF-3 §4.2.3.1.7, Table 4.2.3.1.7-2), plus the
 * other value formats the metadata tables name (OID, UUID URN, hash, size, languageCode, mimeType).
 *
 * Every `check*` function returns `undefined` when the value is acceptable, otherwise a short reason
 * (without the value: callers put the value into codeContext themselves). Pure, no I/O.
 *
 * Separators are fixed by XDS: `^` component, `&` subcomponent, `~` repetition (never allowed inside
 * one XDS value: repetitions are separate slot values).
 */

const OID_RE = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/;
const UUID_URN_RE = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HASH_RE = /^[0-9a-fA-F]{40}$/;
// Digits only; leading zeros occur in real submissions (NIST RPLC messages send "061224").
const SIZE_RE = /^\d{1,19}$/;
// RFC 5646: language[-script][-region][-variant]*[-extension]*[-privateuse], or a private-use/grandfathered tag.
const LANGUAGE_RE = /^(([a-zA-Z]{2,3}(-[a-zA-Z]{3}){0,3}|[a-zA-Z]{4,8})(-[a-zA-Z0-9]{1,8})*|[xXiI]-[a-zA-Z0-9]{1,8}(-[a-zA-Z0-9]{1,8})*)$/;
// RFC 6838 restricted-name for type and subtype; optional `; name=value` parameters.
const MIME_TOKEN = "[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,126}";
const MIME_RE = new RegExp(`^${MIME_TOKEN}/${MIME_TOKEN}(\\s*;\\s*[a-zA-Z0-9!#$&^_.+-]+=("[^"]*"|[^;\\s]+))*$`);
const DTM_RE = /^\d{4}(\d{2}){0,5}$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

const split = (v: string, sep: string): string[] => v.split(sep);
const nonEmpty = (s: string | undefined): boolean => s !== undefined && s.trim() !== '';

/** ISO OID: dotted decimal arcs without leading zeros, at least two arcs, at most 64 characters (TF-3 §4.2.3.1.7). */
export function checkOid(v: string): string | undefined {
  if (v.length > 64) return 'is longer than 64 characters';
  return OID_RE.test(v) ? undefined : 'is not a valid OID';
}

export const isOid = (v: string): boolean => checkOid(v) === undefined;

/** `urn:uuid:` followed by the RFC 4122 8-4-4-4-12 hex form. */
export function checkUuidUrn(v: string): string | undefined {
  return UUID_URN_RE.test(v) ? undefined : 'is not a urn:uuid: URN';
}

/**
 * HD as XDS requires it inside CX/XCN/XON: `&OID&ISO`. Subcomponent 1 (namespace id) must be empty,
 * 2 an OID, 3 the literal `ISO` (TF-3 Table 4.2.3.1.7-2, CX row).
 */
export function checkHd(v: string): string | undefined {
  const sub = split(v, '&');
  if (sub.length !== 3) return 'assigning authority must be "&OID&ISO"';
  if (nonEmpty(sub[0])) return 'assigning authority must not have a namespace id';
  if (!nonEmpty(sub[1]) || !isOid(sub[1]!)) return 'assigning authority universal id is not an OID';
  if (sub[2] !== 'ISO') return 'assigning authority universal id type must be ISO';
  return undefined;
}

/** CX for patient ids: `id^^^&OID&ISO`; only components 1 and 4 may be valued. */
export function checkCx(v: string): string | undefined {
  if (v.includes('~')) return 'must not contain repetitions';
  const comp = split(v, '^');
  if (!nonEmpty(comp[0])) return 'has no id (CX.1)';
  if (comp[0]!.includes('&')) return 'id (CX.1) must not have subcomponents';
  if (comp.length < 4 || !nonEmpty(comp[3])) return 'has no assigning authority (CX.4)';
  if (nonEmpty(comp[1]) || nonEmpty(comp[2]) || comp.slice(4).some(nonEmpty)) {
    return 'may only value components 1 and 4';
  }
  return checkHd(comp[3]!);
}

/**
 * CXi for referenceIdList (TF-3 §4.2.3.2.28): CX.1 and CX.5 (type code) required, CX.4 or CX.10
 * (assigning facility, HD) may identify the issuer; unlike a patient CX other components are allowed.
 */
export function checkCxi(v: string): string | undefined {
  const comp = split(v, '^');
  if (!nonEmpty(comp[0])) return 'has no id (CX.1)';
  if (!nonEmpty(comp[4])) return 'has no identifier type code (CX.5)';
  return undefined;
}

/** Id and assigning-authority OID of a valid XDS CX; undefined when `checkCx` would fail. */
export function parseCx(value: string): { readonly id: string; readonly authority: string } | undefined {
  if (checkCx(value) !== undefined) return undefined;
  const comp = split(value, '^');
  return { id: comp[0]!, authority: split(comp[3]!, '&')[1]! };
}

/** XCN (authorPerson, legalAuthenticator): id (XCN.1) or a name (XCN.2 family / XCN.3 given) must be present. */
export function checkXcn(v: string): string | undefined {
  const comp = split(v, '^');
  const familyName = split(comp[1] ?? '', '&')[0];
  if (!nonEmpty(comp[0]) && !nonEmpty(familyName) && !nonEmpty(comp[2])) {
    return 'has neither an id (XCN.1) nor a name (XCN.2/XCN.3)';
  }
  // XCN.9: when the id is qualified, the authority must be an ISO OID like any other HD in XDS.
  if (nonEmpty(comp[8])) return checkHd(comp[8]!);
  return undefined;
}

/**
 * XON (authorInstitution): XON.1 organisation name required. XON.10 may carry the organisation id:
 * either an OID on its own or any id qualified by an HD in XON.6 (TF-3 Table 4.2.3.1.7-2, XON row).
 */
export function checkXon(v: string): string | undefined {
  const comp = split(v, '^');
  if (!nonEmpty(comp[0])) return 'has no organization name (XON.1)';
  if (comp.slice(1, 5).some(nonEmpty) || comp.slice(6, 9).some(nonEmpty) || comp.slice(10).some(nonEmpty)) {
    return 'may only value components 1, 6 and 10';
  }
  if (nonEmpty(comp[5])) {
    const hd = checkHd(comp[5]!);
    if (hd !== undefined) return hd;
    if (!nonEmpty(comp[9])) return 'has an assigning authority (XON.6) but no organization id (XON.10)';
  } else if (nonEmpty(comp[9]) && !isOid(comp[9]!)) {
    return 'organization id (XON.10) without assigning authority must be an OID';
  }
  return undefined;
}

/**
 * XTN (authorTelecommunication, TF-3 Table 4.2.3.1.7-2): XTN.3 `Internet` requires an email in XTN.4;
 * otherwise a telephone number (XTN.1, XTN.7 or XTN.12) must be present.
 */
export function checkXtn(v: string): string | undefined {
  const comp = split(v, '^');
  if (comp[2] === 'Internet' || comp[2] === 'X.400') {
    return nonEmpty(comp[3]) && EMAIL_RE.test(comp[3]!) ? undefined : 'has no valid email address (XTN.4)';
  }
  if (nonEmpty(comp[0]) || nonEmpty(comp[6]) || nonEmpty(comp[11])) return undefined;
  return 'has neither an email address (XTN.3 Internet + XTN.4) nor a telephone number (XTN.1/7/12)';
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y: number, m: number): number => (m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);

/**
 * DTM as XDS restricts it (TF-3 §4.2.3.1.7): `YYYY[MM[DD[hh[mm[ss]]]]]`, always UTC, so no fractional
 * seconds and no time zone offset; each present component must be in range.
 */
export function checkDtm(v: string): string | undefined {
  if (!DTM_RE.test(v)) return 'is not a valid DTM (YYYY[MM[DD[hh[mm[ss]]]]], UTC, no fraction or zone)';
  const n = (from: number): number => Number(v.slice(from, from + 2));
  const year = Number(v.slice(0, 4));
  if (v.length >= 6 && (n(4) < 1 || n(4) > 12)) return 'is not a valid DTM (month out of range)';
  if (v.length >= 8 && (n(6) < 1 || n(6) > daysIn(year, n(4)))) return 'is not a valid DTM (day out of range)';
  if (v.length >= 10 && n(8) > 23) return 'is not a valid DTM (hour out of range)';
  if (v.length >= 12 && n(10) > 59) return 'is not a valid DTM (minute out of range)';
  if (v.length >= 14 && n(12) > 59) return 'is not a valid DTM (second out of range)';
  return undefined;
}

/**
 * Pads a DTM with zeros to 14 digits so that values of different precision compare as strings
 * (stored-query time ranges, TF-3 §3.18.4.1.2.3.6). `2006` → `20060000000000`.
 */
export function normaliseDtm(v: string): string {
  return v.length >= 14 ? v.slice(0, 14) : v.padEnd(14, '0');
}

/**
 * DocumentEntry.uniqueId (TF-3 §4.2.3.2.26): an OID, or `OID^extension` where the extension is at most
 * 16 characters; at most 128 characters in total.
 */
export function checkDocumentUniqueId(v: string): string | undefined {
  if (v.length > 128) return 'is longer than 128 characters';
  const caret = v.indexOf('^');
  if (caret < 0) return checkOid(v);
  const root = v.slice(0, caret);
  const ext = v.slice(caret + 1);
  if (checkOid(root) !== undefined) return 'root is not a valid OID';
  if (ext.length === 0 || ext.length > 16 || ext.includes('^')) return 'extension must be 1 to 16 characters without "^"';
  return undefined;
}

/** SHA-1 of the document as 40 hexadecimal characters (TF-3 §4.2.3.2.11). */
export function checkHash(v: string): string | undefined {
  return HASH_RE.test(v) ? undefined : 'is not a SHA-1 hash (40 hex characters)';
}

/** Document size in octets as a decimal integer (TF-3 §4.2.3.2.21). */
export function checkSize(v: string): string | undefined {
  return SIZE_RE.test(v) ? undefined : 'is not a decimal integer';
}

/** languageCode (TF-3 §4.2.3.2.13): an RFC 5646 language tag. */
export function checkLanguageCode(v: string): string | undefined {
  return LANGUAGE_RE.test(v) ? undefined : 'is not an RFC 5646 language tag';
}

/** mimeType (TF-3 §4.2.3.2.15): `type/subtype` per RFC 6838, parameters allowed. */
export function checkMimeType(v: string): string | undefined {
  return MIME_RE.test(v) ? undefined : 'is not a MIME type (type/subtype)';
}
