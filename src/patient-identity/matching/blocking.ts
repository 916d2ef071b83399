/**
 * Blocking keys: only records that share a key are compared (the classic way to keep record linkage
 * sub-quadratic; Christen, "Data Matching", 2012, ch. 4).
 *
 * `matchKeys` / `recordMatchKeys` are compound keys: each is selective on its own (a birth year alone would be
 * ~12,500 records at 1M identities, far too many to score), and the set
 * survives the errors clerks make (the planted duplicates of test/patient-identity/population.test.ts):
 * - `Y<year>|<a>|<b>|<nn>`: birth year + the first letters of family and given name, sorted so a family/given
 *   swap keeps the key, + ONE of the two-digit month and day values (a record with a full birth date has two such
 *   keys: one with its month, one with its day). Survives typos after the first letter, swapped names, a
 *   day/month swap (the pair of values is the same) and one wrong digit of the day or the month (the other value
 *   is intact). ~1M / (95 years × initial pairs × ~15) ≈ 1–30 records per key. The key without `|<nn>` (year +
 *   initials only, ~15 times larger: 100–500 records at 1M, most of the B7 feed's candidate cost in session 2) is kept
 *   only by records whose birth date has no day (4–7 characters); a probe with a full date also asks it (so it
 *   meets them), and a probe with a partial date asks every `|00`..`|31` as well (so it meets all full dates of
 *   that year, as before). Pairs of one birth year whose day AND month both differ (not a swap) are no longer
 *   compared: their birth dates disagree, which vetoes a link (score.ts), so only a review row is lost.
 * - `D<yyyymmdd>|<a>`: full birth date + family initial (a probe also asks with its given initial, for a swap):
 *   ~2 records per key at 1M; finds twins and given-name variants with another initial (Katherine/Catherine,
 *   William/Bill) for the review queue.
 * - `N<abc>|<d>`: the 3-letter prefix of one name + the initial of the other, both ways round (two keys), so
 *   that one typo in either name, or a swap, keeps one of them. Needed only by a probe WITHOUT a birth date
 *   (a names-only block is much larger, ~1,000 records for Smith + J at 1M). Asking them for every probe, so
 *   that the same names with another birth YEAR meet too, was measured at 1M: feed CPU 13 → 37–41 ms
 *   (BENCHMARKS.md B7); such a pair is therefore not compared (a documented blocking miss).
 * - `M<abc>|<d>`: the same two keys, written instead of the N keys for records without a birth date, so that a
 *   probe with one still meets them (it asks for M keys, not N keys).
 * A pair that agrees on no key is not compared. Not caught: a typo in the first letter of a name, or a wrong
 * birth year together with a missing birth date on the other side.
 * Pure.
 */
import type { Patient } from '../model';
import { comparable, type Comparable } from './normalise';

const sortedPair = (a: string, b: string): string => (a <= b ? `${a}|${b}` : `${b}|${a}`);

const yearKey = (c: Comparable): string | undefined =>
  c.birth.length >= 4 && (c.family || c.given) ? `Y${c.birth.slice(0, 4)}|${sortedPair(c.family.slice(0, 1), c.given.slice(0, 1))}` : undefined;

/** The year key narrowed by a two-digit month or day value (see above). */
const yearValueKey = (c: Comparable, value: string): string | undefined => {
  const y = yearKey(c);
  return y ? `${y}|${value}` : undefined;
};

const hasFullDate = (c: Comparable): boolean => c.birth.length >= 8;

/** A record's year keys: [month key, day key] with a full birth date, [year-only key] with a partial one. */
const recordYearKeys = (c: Comparable): [string | undefined, string | undefined] =>
  hasFullDate(c) ? [yearValueKey(c, c.birth.slice(4, 6)), yearValueKey(c, c.birth.slice(6, 8))] : [yearKey(c), undefined];

/** `00`..`31`: every month and day value a full-date record can carry. */
const ALL_VALUES = Array.from({ length: 32 }, (_, i) => String(i).padStart(2, '0'));

/** The year keys a probe asks: its own two and the year-only key; with a partial date, the year-only key and all values. */
const probeYearKeys = (c: Comparable): (string | undefined)[] =>
  hasFullDate(c) ? [...recordYearKeys(c), yearKey(c)] : [yearKey(c), ...ALL_VALUES.map((v) => yearValueKey(c, v))];

/** Both ways round: [family prefix + given initial, given prefix + family initial]. */
const nameKeys = (c: Comparable, tag: 'N' | 'M'): [string | undefined, string | undefined] =>
  c.family && c.given ? [`${tag}${c.family.slice(0, 3)}|${c.given[0]}`, `${tag}${c.given.slice(0, 3)}|${c.family[0]}`] : [undefined, undefined];

const hasYear = (c: Comparable): boolean => c.birth.length >= 4;

const dateKey = (c: Comparable, initial: string): string | undefined => (c.birth.length >= 8 && initial ? `D${c.birth}|${initial[0]}` : undefined);

/** The keys a probe (a fed record looking for its person) is blocked on. Empty: nothing can be compared. */
export function matchKeys(p: Patient): string[] {
  const c = comparable(p);
  const keys = hasYear(c) ? [...probeYearKeys(c), dateKey(c, c.family), dateKey(c, c.given), ...nameKeys(c, 'M')] : [...nameKeys(c, 'N'), ...nameKeys(c, 'M')];
  return [...new Set(keys.filter((k): k is string => !!k))];
}

export type RecordKeys = [string | undefined, string | undefined, string | undefined, string | undefined, string | undefined];

/**
 * The keys a stored record is found by, at most five, so that an adapter can keep them in indexed columns
 * (SQLite: block_key1..5): [year key (month, or year only), name key, swapped name key, date key, year key (day)],
 * the name keys tagged M when the record has no birth date. Keys 1 and 5 share the `Y` tag.
 */
export function recordMatchKeys(p: Patient): RecordKeys {
  const c = comparable(p);
  const year = hasYear(c);
  const [y1, y2] = recordYearKeys(c);
  return [y1, ...nameKeys(c, year ? 'N' : 'M'), dateKey(c, c.family), y2];
}
