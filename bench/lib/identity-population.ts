/**
 * A generated patient population for B7 (issue 6): names drawn with Zipf-skewed frequencies from common
 * surname / given-name lists plus a long tail of synthetic names (so that, as in real registers, the top
 * surname is ~1% and the top 100 cover about 40%), birth dates 1930–2024, sex, street addresses with postal
 * codes. Seeded and pure: the same seed gives the same people.
 */
import type { Patient } from '../../src/patient-identity/model';
import { Rng, zipfTable } from './dataset-model';

const FAMILY = 'Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Müller Schmidt Schneider Fischer Weber Dubois Lefèvre Rossi Russo Kowalski'.split(' ');
const GIVEN_F = 'Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy Lisa Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine Maria Heather Zoë Chloé Giulia Sofia'.split(' ');
const GIVEN_M = 'James Robert John Michael David William Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry Lukas Jörg Marco Luca Piotr'.split(' ');
const STREETS = 'Elm Street|Oak Avenue|Main Street|Maple Drive|Cedar Lane|Pine Road|Birch Way|Lake View|Hill Crest|River Road|Park Avenue|Washington Street|Church Street|High Street|Mill Lane'.split('|');
const CITIES = 'Springfield Riverton Lakeside Fairview Georgetown Salem Madison Clinton Franklin Greenville Bristol Oxford Arlington Ashland Burlington'.split(' ');
const SYLLABLES = 'ka ri mo ta len so vi har ber ton ely ast win gor dal mer fel qu ist nor bra ce lo zan pe rut hil gan dor sk'.split(' ');

export interface Person {
  readonly family: string;
  readonly given: string;
  readonly birth: string;
  readonly gender: 'M' | 'F';
  readonly street: string;
  readonly city: string;
  readonly postalCode: string;
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export class PopulationGenerator {
  readonly r: Rng;
  private readonly familyZipf = zipfTable(FAMILY.length, 0.5);
  private readonly givenZipf = zipfTable(GIVEN_M.length, 0.5);

  constructor(seed: number) {
    this.r = new Rng(seed);
  }

  /** ~50k distinct synthetic surnames: 2–3 syllables. */
  private synthetic(parts: number): string {
    return cap(Array.from({ length: parts }, () => this.r.pick(SYLLABLES)).join(''));
  }

  person(): Person {
    const r = this.r;
    const gender = r.next() < 0.5 ? 'M' : 'F';
    const family = r.next() < 0.4 ? FAMILY[r.zipf(this.familyZipf)]! : this.synthetic(2 + r.int(2));
    const list = gender === 'M' ? GIVEN_M : GIVEN_F;
    const given = r.next() < 0.8 ? list[Math.min(list.length - 1, r.zipf(this.givenZipf))]! : this.synthetic(2);
    const pad = (n: number) => String(n).padStart(2, '0');
    const cityIndex = r.int(CITIES.length);
    return {
      family,
      given,
      birth: `${1930 + r.int(95)}${pad(1 + r.int(12))}${pad(1 + r.int(28))}`,
      gender,
      street: `${1 + r.int(400)} ${r.pick(STREETS)}`,
      city: CITIES[cityIndex]!,
      postalCode: String(10000 + cityIndex * 100 + r.int(100)),
    };
  }

  /** A clerk's version of the same person: one typo, a swapped day/month, or a new address. */
  variant(p: Person): Person {
    const r = this.r;
    const k = r.next();
    if (k < 0.4) {
      const i = 1 + r.int(Math.max(1, p.family.length - 2));
      return { ...p, family: p.family.slice(0, i) + p.family.slice(i + 1) };
    }
    if (k < 0.6) return { ...p, birth: p.birth.slice(0, 4) + p.birth.slice(6, 8) + p.birth.slice(4, 6) };
    if (k < 0.8) return { ...p, street: `${1 + r.int(400)} ${r.pick(STREETS)}` };
    return p;
  }
}

export function toPatient(key: { id: string; authority: string }, p: Person): Patient {
  return {
    ids: [key],
    otherIds: [],
    names: [{ family: [p.family], given: [p.given] }],
    birthTime: p.birth,
    gender: p.gender,
    addresses: [{ streetAddressLine: [p.street], city: p.city, postalCode: p.postalCode }],
    telecoms: [],
  };
}
