/** Matching primitives: Jaro-Winkler reference values, Fellegi-Sunter field agreement and the link decision. */
import { expect } from 'chai';
import { jaro, jaroWinkler } from '../../src/patient-identity/matching/jaro-winkler';
import { decide, scorePatients } from '../../src/patient-identity/matching/score';
import { matchKeys, recordMatchKeys } from '../../src/patient-identity/matching/blocking';
import { searchColumns } from '../../src/patient-identity/matching/search-keys';
import { norm } from '../../src/patient-identity/matching/normalise';
import type { Patient } from '../../src/patient-identity/model';

const person = (family: string, given: string, birthTime?: string, gender?: string, street?: string, city?: string): Patient => ({
  ids: [],
  otherIds: [],
  names: [{ family: [family], given: [given] }],
  birthTime,
  gender,
  addresses: street ? [{ streetAddressLine: [street], city }] : [],
  telecoms: [],
});

describe('Jaro-Winkler', () => {
  it('matches the published reference values (Winkler 1990)', () => {
    expect(jaro('MARTHA', 'MARHTA')).to.be.closeTo(0.944, 0.001);
    expect(jaroWinkler('MARTHA', 'MARHTA')).to.be.closeTo(0.961, 0.001);
    expect(jaroWinkler('DWAYNE', 'DUANE')).to.be.closeTo(0.84, 0.001);
    expect(jaroWinkler('DIXON', 'DICKSONX')).to.be.closeTo(0.813, 0.001);
    expect(jaroWinkler('ABC', 'ABC')).to.equal(1);
    expect(jaroWinkler('ABC', 'XYZ')).to.equal(0);
    expect(jaroWinkler('', '')).to.equal(0);
  });

  it('normalises case, diacritics and punctuation', () => {
    expect(norm("  O'Brien-Zoë ")).to.equal('OBRIENZOE');
  });
});

describe('Fellegi-Sunter scoring and decisions', () => {
  const base = person('Johnson', 'Margaret', '19650412', 'F', '12 Elm Street', 'Springfield');

  it('links a typo in the family name', () => {
    const s = scorePatients(base, person('Jonhson', 'Margaret', '19650412', 'F'));
    expect(s.fields.family).to.be.oneOf(['agree', 'partial']);
    expect(decide(s)).to.equal('link');
  });

  it('links swapped family and given names', () => {
    expect(decide(scorePatients(base, person('Margaret', 'Johnson', '19650412', 'F')))).to.equal('link');
  });

  it('links with day and month swapped in the birth date', () => {
    const s = scorePatients(base, person('Johnson', 'Margaret', '19651204', 'F', '12 Elm St', 'Springfield'));
    expect(s.fields.birth).to.equal('partial');
    expect(decide(s)).to.equal('link');
  });

  it('never links twins automatically (same family, birth date and address, different given name)', () => {
    const twin = person('Johnson', 'Robert', '19650412', 'M', '12 Elm Street', 'Springfield');
    expect(decide(scorePatients(base, twin))).to.not.equal('link');
  });

  it('sends a same-name different-birth-date pair to review, and unrelated persons to new', () => {
    expect(decide(scorePatients(base, person('Johnson', 'Margaret', '19720101', 'F', '12 Elm Street', 'Springfield')))).to.equal('review');
    expect(decide(scorePatients(base, person('Smith', 'Peter', '19900101', 'M')))).to.equal('new');
  });

  it('missing fields weigh nothing (neither for nor against)', () => {
    const s = scorePatients(base, person('Johnson', 'Margaret'));
    expect(s.fields.birth).to.equal('missing');
    expect(s.fields.gender).to.equal('missing');
  });

  it('compound keys: a probe meets its twin despite a typo, a swap or a day/month swap, but not a stranger or another birth year', () => {
    const meets = (probe: Patient, stored: Patient) => matchKeys(probe).some((k) => recordMatchKeys(stored).includes(k));
    const stored = person('Johnson', 'Margaret', '19650412', 'F');
    expect(recordMatchKeys(stored)).to.deep.equal(['Y1965|J|M|04', 'NJOH|M', 'NMAR|J', 'D19650412|J', 'Y1965|J|M|12']);
    expect(meets(person('Jonson', 'Margaret', '19650412'), stored)).to.equal(true);
    expect(meets(person('Margaret', 'Johnson', '19651204'), stored)).to.equal(true);
    expect(meets(person('Johnson', 'Maragret', '19650413'), stored)).to.equal(true);
    expect(meets(person('Jhonson', 'Margaret'), stored)).to.equal(true); // no birth date: one name prefix is intact
    expect(meets(person('Johnson', 'Catherine', '19650412'), stored)).to.equal(true); // same birth date + family initial
    expect(meets(person('Smith', 'Margaret', '19650412'), stored)).to.equal(false);
    expect(meets(person('Johnson', 'Margaret', '19660412'), stored)).to.equal(false); // another year, birth date given: not compared
    expect(meets(person('Jackson', 'Linda', '19660412'), stored)).to.equal(false);
    // Same year, month and day both different (not a swap): the birth dates disagree (a vetoed link), not compared.
    expect(meets(person('Johnson', 'Margaret', '19651130'), stored)).to.equal(false);
    expect(meets(person('Johnson', 'Margaret', '19650430'), stored)).to.equal(true); // same month
    expect(meets(person('Johnson', 'Margaret', '19651012'), stored)).to.equal(true); // same day
  });

  it('year keys: a partial birth date meets full dates of its year, and a full date meets partial ones', () => {
    const meets = (probe: Patient, stored: Patient) => matchKeys(probe).some((k) => recordMatchKeys(stored).includes(k));
    const full = person('Johnson', 'Margaret', '19650412', 'F');
    const partial = person('Johnson', 'Margaret', '1965', 'F');
    expect(recordMatchKeys(partial)).to.deep.equal(['Y1965|J|M', 'NJOH|M', 'NMAR|J', undefined, undefined]);
    expect(meets(partial, full)).to.equal(true);
    expect(meets(person('Jonson', 'Margaret', '196504'), full)).to.equal(true);
    expect(meets(full, partial)).to.equal(true);
    expect(meets(person('Johnson', 'Margaret', '1966'), full)).to.equal(false);
  });

  it('a record without a birth date is found by probes with and without one', () => {
    const stored = person('Johnson', 'Margaret');
    expect(recordMatchKeys(stored)).to.deep.equal([undefined, 'MJOH|M', 'MMAR|J', undefined, undefined]);
    expect(matchKeys(person('Johnson', 'Margaret', '19650412'))).to.include('MJOH|M');
    expect(matchKeys(person('Johnson', 'Margaret'))).to.include.members(['NJOH|M', 'MJOH|M']);
    expect(matchKeys(person('', ''))).to.deep.equal([]);
  });

  it('PDQ search columns: first family and given part, normalised, and the birth date', () => {
    expect(searchColumns(person('Müller-Lüdenscheidt', 'Zoë', '19650412103000'))).to.deep.equal({ family: 'MULLERLUDENSCHEIDT', given: 'ZOE', birth: '19650412' });
    expect(searchColumns(person('', ''))).to.deep.equal({ family: undefined, given: undefined, birth: undefined });
  });
});
