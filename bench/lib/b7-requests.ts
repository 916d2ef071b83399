/** B7's requests (PIX, PDQ, the ITI-44 feed mix) and answer checks, shared by b7-identity.ts and open-tail.ts. */
import { SoapAction } from '../../src/ebxml/vocabulary';
import { continuationMessage, feedMessage, pdqQueryMessage, pixQueryMessage } from '../../test/hl7v3/messages';
import { DOMAINS, type IdentityPicks } from './identity-dataset';
import type { Person, PopulationGenerator } from './identity-population';
import { soapEnvelope } from './soap-requests';

export type Request = { path: string; body: string; headers: Record<string, string> };
const HEADERS = { 'content-type': 'application/soap+xml; charset=UTF-8' };
export const queryOk = (status: number, body: string) => status === 200 && body.includes('<queryResponseCode code="OK"/>');
export const ackOk = (status: number, body: string) => status === 200 && body.includes('<typeCode code="AA"/>');

export const pix = (i: number, p: IdentityPicks): Request => ({
  path: '/pix',
  headers: HEADERS,
  body: soapEnvelope(SoapAction.iti45, '/pix', pixQueryMessage(p.pixIds[(i * 7919) % p.pixIds.length]!)),
});

export const pdq = (i: number, p: IdentityPicks): Request => {
  const { person } = p.people[(i * 104729) % p.people.length]!;
  return { path: '/pdq', headers: HEADERS, body: soapEnvelope(SoapAction.iti47, '/pdq', pdqQueryMessage({ family: person.family, given: person.given, birth: person.birth })) };
};

/** Even i: a wide query (one page of 10 kept open); odd i: its continuation. Run at concurrency 1. */
export function pdqContinued(runId: string, p: IdentityPicks) {
  return (i: number): Request => {
    const queryId = `${runId}-${i >> 1}`;
    const body = i % 2 === 0
      ? soapEnvelope(SoapAction.iti47, '/pdq', pdqQueryMessage({ family: p.wide.family, ...(p.wide.birthYear ? { birth: p.wide.birthYear } : {}), initialQuantity: 10, queryId }))
      : soapEnvelope(SoapAction.iti47Continue, '/pdq', continuationMessage(queryId, false, 10));
    return { path: '/pdq', headers: HEADERS, body };
  };
}

/**
 * The feed mix: 55% adds of new people (domain B, fresh ids), 25% adds of known people from domain C with a
 * clerk's variant of their demographics (matching must link them), 15% revises (new address) of domain-A
 * records, 5% merges of a domain-A duplicate into its main id. Every id is fresh per run (runId).
 */
export function feedMix(runId: string, p: IdentityPicks, g: PopulationGenerator) {
  let merges = 0;
  const spec = (id: string, authority: string, x: Person) => ({ id, authority, family: x.family, given: x.given, birth: x.birth, gender: x.gender, street: x.street, city: x.city, postalCode: x.postalCode });
  return (i: number): Request => {
    const u = (i * 37) % 100;
    let body: string;
    if (u < 55) body = soapEnvelope(SoapAction.iti44Add, '/pix', feedMessage('PRPA_IN201301UV02', spec(`${runId}n${i}`, DOMAINS.B, g.person())));
    else if (u < 80) {
      const known = p.people[(i * 7901) % p.people.length]!.person;
      body = soapEnvelope(SoapAction.iti44Add, '/pix', feedMessage('PRPA_IN201301UV02', spec(`${runId}c${i}`, DOMAINS.C, g.variant(known))));
    } else if (u < 95) {
      const { key, person } = p.people[(i * 7919) % p.people.length]!;
      body = soapEnvelope(SoapAction.iti44Revise, '/pix', feedMessage('PRPA_IN201302UV02', spec(key.id, key.authority, { ...person, street: `${1 + (i % 400)} Revised Road` })));
    } else {
      const [survivor, obsolete] = p.mergePairs[merges++ % p.mergePairs.length]!;
      const person = p.people.find((x) => x.key.id === survivor.id)?.person ?? g.person();
      body = soapEnvelope(SoapAction.iti44Merge, '/pix', feedMessage('PRPA_IN201304UV02', spec(survivor.id, survivor.authority, person), obsolete));
    }
    return { path: '/pix', headers: HEADERS, body };
  };
}
