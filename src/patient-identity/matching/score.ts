/**
 * Fellegi-Sunter record comparison (Fellegi & Sunter 1969): each field contributes log2(m/u) when it agrees,
 * log2((1-m)/(1-u)) when it disagrees, half the agreement weight when it agrees only partially (Jaro-Winkler
 * between the partial and agree cut-offs, or a birth date with swapped month/day or one wrong digit), and 0
 * when either side lacks it. m = P(agree | same person), u = P(agree | different persons): the values below are
 * textbook-range estimates, tuned with the planted-duplicate population test (test/patient-identity).
 */
import type { Patient } from '../model';
import { jaroWinkler } from './jaro-winkler';
import { comparable, type Comparable } from './normalise';

export type Agreement = 'agree' | 'partial' | 'disagree' | 'missing';

interface FieldWeights {
  readonly m: number;
  readonly u: number;
}

const W: Record<'family' | 'given' | 'birth' | 'gender' | 'address', FieldWeights> = {
  family: { m: 0.95, u: 0.01 },
  given: { m: 0.92, u: 0.02 },
  birth: { m: 0.97, u: 0.001 },
  gender: { m: 0.98, u: 0.5 },
  address: { m: 0.8, u: 0.01 },
};

const AGREE = 0.94;
const PARTIAL = 0.86;

export interface MatchScore {
  readonly score: number;
  readonly fields: Readonly<Record<keyof typeof W, Agreement>>;
}

function weight(f: FieldWeights, a: Agreement): number {
  const agree = Math.log2(f.m / f.u);
  if (a === 'agree') return agree;
  if (a === 'partial') return agree / 2;
  if (a === 'disagree') return Math.log2((1 - f.m) / (1 - f.u));
  return 0;
}

export function stringAgreement(a: string, b: string): Agreement {
  if (!a || !b) return 'missing';
  const s = jaroWinkler(a, b);
  return s >= AGREE ? 'agree' : s >= PARTIAL ? 'partial' : 'disagree';
}

function birthAgreement(a: string, b: string): Agreement {
  if (a.length < 8 || b.length < 8) return a && b && a.slice(0, 4) !== b.slice(0, 4) ? 'disagree' : 'missing';
  if (a === b) return 'agree';
  const swapped = a.slice(0, 4) + a.slice(6, 8) + a.slice(4, 6) === b;
  const oneDigit = [...a].filter((ch, i) => ch !== b[i]).length === 1;
  return swapped || oneDigit ? 'partial' : 'disagree';
}

function addressAgreement(a: Comparable, b: Comparable): Agreement {
  if (a.postalCode && b.postalCode && a.street && b.street) {
    return a.postalCode === b.postalCode ? stringAgreement(a.street, b.street) : 'disagree';
  }
  if (!a.street || !b.street) return 'missing';
  const street = stringAgreement(a.street, b.street);
  return a.city && b.city && a.city !== b.city ? 'disagree' : street;
}

/** Names: the better of straight and swapped (family ↔ given) comparison, a common data-entry error. */
function nameAgreements(a: Comparable, b: Comparable): { family: Agreement; given: Agreement } {
  const straight = { family: stringAgreement(a.family, b.family), given: stringAgreement(a.given, b.given) };
  const swapped = { family: stringAgreement(a.family, b.given), given: stringAgreement(a.given, b.family) };
  const rank = (x: { family: Agreement; given: Agreement }) => weight(W.family, x.family) + weight(W.given, x.given);
  return rank(swapped) > rank(straight) ? swapped : straight;
}

export function scoreComparable(a: Comparable, b: Comparable): MatchScore {
  const names = nameAgreements(a, b);
  const fields = {
    ...names,
    birth: birthAgreement(a.birth, b.birth),
    gender: a.gender && b.gender ? (a.gender === b.gender ? 'agree' : 'disagree') : 'missing',
    address: addressAgreement(a, b),
  } as const;
  const score = (Object.keys(W) as (keyof typeof W)[]).reduce((sum, k) => sum + weight(W[k], fields[k]), 0);
  return { score, fields };
}

export const scorePatients = (a: Patient, b: Patient): MatchScore => scoreComparable(comparable(a), comparable(b));

export interface Thresholds {
  /** At or above (and no vetoed field disagreeing): the records are linked automatically. */
  readonly autoLink: number;
  /** At or above, below autoLink: a new person, and the pair goes to the review table. */
  readonly review: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { autoLink: 17, review: 10 };

export type Decision = 'link' | 'review' | 'new';

/**
 * A high score is not enough to link when a name, the birth date or the gender clearly disagrees: twins share
 * family name, birth date and address, and must never be linked automatically.
 */
export function decide(s: MatchScore, t: Thresholds = DEFAULT_THRESHOLDS): Decision {
  const vetoed = s.fields.family === 'disagree' || s.fields.given === 'disagree' || s.fields.birth === 'disagree' || s.fields.gender === 'disagree';
  if (s.score >= t.autoLink && !vetoed) return 'link';
  return s.score >= t.review ? 'review' : 'new';
}
