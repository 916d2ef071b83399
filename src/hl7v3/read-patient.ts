/**
 * PRPA_MT201301/201302/201303UV02 Patient (the subject of an ITI-44 feed) → Patient model
 * (ITI TF-2b §3.44.4.1.2: patient.id is the id in the source's domain; asOtherIDs carries ids in other domains).
 */
import type { XmlElement } from '../soap/xml';
import type { Address, Patient, PatientKey, PatientName, Telecom } from '../patient-identity/model';
import { kid, kids, path, readAD, readCode, readKey, readPN, readTEL, readTS } from './read-datatypes';

const defined = <T>(v: T | undefined): v is T => v !== undefined;

/** Mother's maiden name rides on personalRelationship code MTH (PRPA_MT201310UV02; ITI TF-2b §3.47.4.2.2). */
function readMothersMaidenName(person: XmlElement): PatientName | undefined {
  const mother = kids(person, 'personalRelationship').find((r) => readCode(kid(r, 'code')) === 'MTH');
  return readPN(path(mother, 'relationshipHolder1', 'name'));
}

export function readPatient(patient: XmlElement): Patient {
  const person = kid(patient, 'patientPerson') ?? kid(patient, 'patientNonPersonLivingSubject');
  const ids = kids(patient, 'id').map(readKey).filter(defined);
  const otherIds: PatientKey[] = kids(person, 'asOtherIDs').flatMap((o) => kids(o, 'id').map(readKey).filter(defined));
  const names = kids(person, 'name').map(readPN).filter(defined);
  const addresses: Address[] = kids(person, 'addr').map(readAD).filter(defined);
  const telecoms: Telecom[] = kids(person, 'telecom').map(readTEL).filter(defined);
  const mmn = person ? readMothersMaidenName(person) : undefined;
  return {
    ids,
    otherIds,
    names,
    birthTime: readTS(kid(person, 'birthTime'), 'birthTime'),
    gender: readCode(kid(person, 'administrativeGenderCode')),
    addresses,
    telecoms,
    ...(mmn ? { mothersMaidenName: mmn } : {}),
    status: readCode(kid(patient, 'statusCode')),
  };
}
