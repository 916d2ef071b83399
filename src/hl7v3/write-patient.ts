/**
 * The registrationEvent around one patient in PIX/PDQ responses (MFMI_MT700711UV01.RegistrationEvent with
 * PRPA_MT201304UV02 / PRPA_MT201310UV02 patients). Demographics are written only for PDQ.
 */
import type { Patient, PatientKey } from '../patient-identity/model';
import { PDQ_MATCH_CODE } from './vocabulary';
import { ad, attr, ii, keyII, pn, tel } from './write-datatypes';

/** HL7 RoleCode MTH: mother (personalRelationship code; ITI TF-2b §3.47.4.1.2 mothersMaidenName). */
const ROLE_CODE_SYSTEM = '2.16.840.1.113883.5.111';

const otherIds = (ids: readonly PatientKey[]): string =>
  ids
    .map(
      (k) =>
        `<asOtherIDs classCode="PAT">${keyII('id', k)}<scopingOrganization classCode="ORG" determinerCode="INSTANCE">` +
        `${ii('id', { root: k.authority })}</scopingOrganization></asOtherIDs>`,
    )
    .join('');

function registrationEvent(patient: string, custodianOid: string): string {
  return (
    `<subject typeCode="SUBJ"><registrationEvent classCode="REG" moodCode="EVN"><id nullFlavor="NA"/>` +
    `<statusCode code="active"/><subject1 typeCode="SBJ">${patient}</subject1>` +
    `<custodian typeCode="CST"><assignedEntity classCode="ASSIGNED">${ii('id', { root: custodianOid })}</assignedEntity></custodian>` +
    `</registrationEvent></subject>`
  );
}

/** PIX (§3.45.4.2.2): patient.id holds the cross-referenced ids; the person's name is not sent (nullFlavor NA). */
export function pixSubject(ids: readonly PatientKey[], custodianOid: string): string {
  const patient =
    `<patient classCode="PAT">${ids.map((k) => keyII('id', k)).join('')}<statusCode code="active"/>` +
    `<patientPerson classCode="PSN" determinerCode="INSTANCE"><name nullFlavor="NA"/></patientPerson></patient>`;
  return registrationEvent(patient, custodianOid);
}

export interface PdqMatch {
  readonly ids: readonly PatientKey[];
  readonly otherIds: readonly PatientKey[];
  readonly patient: Patient;
  /** 0–100 (queryMatchObservation value, §3.47.4.2.2.6). */
  readonly confidence: number;
}

function person(p: Patient, others: readonly PatientKey[]): string {
  const names = p.names.length > 0 ? p.names.map((n) => pn('name', n)).join('') : '<name nullFlavor="UNK"/>';
  const mmn = p.mothersMaidenName
    ? `<personalRelationship><code code="MTH" codeSystem="${ROLE_CODE_SYSTEM}"/>` +
      `<relationshipHolder1 classCode="PSN" determinerCode="INSTANCE">${pn('name', p.mothersMaidenName)}</relationshipHolder1></personalRelationship>`
    : '';
  return (
    `<patientPerson classCode="PSN" determinerCode="INSTANCE">${names}${p.telecoms.map((t) => tel('telecom', t)).join('')}` +
    (p.gender ? `<administrativeGenderCode${attr('code', p.gender)}/>` : '') +
    (p.birthTime ? `<birthTime${attr('value', p.birthTime)}/>` : '') +
    `${p.addresses.map((a) => ad('addr', a)).join('')}${otherIds(others)}${mmn}</patientPerson>`
  );
}

export function pdqSubject(m: PdqMatch, custodianOid: string): string {
  const patient =
    `<patient classCode="PAT">${m.ids.map((k) => keyII('id', k)).join('')}<statusCode code="active"/>` +
    person(m.patient, m.otherIds) +
    `<subjectOf1><queryMatchObservation classCode="COND" moodCode="EVN"><code code="${PDQ_MATCH_CODE}"/>` +
    `<value xsi:type="INT" value="${Math.round(Math.max(0, Math.min(100, m.confidence)))}"/></queryMatchObservation></subjectOf1></patient>`;
  return registrationEvent(patient, custodianOid);
}
