/**
 * ITI-44 Patient Identity Feed HL7 V3 (ITI TF-2b §3.44.4): PRPA_IN201301UV02 (add), PRPA_IN201302UV02
 * (revise) and PRPA_IN201304UV02 (merge) → a feed event. For a merge, the subject patient carries the
 * surviving id and registrationEvent/replacementOf/priorRegistration/subject1/priorRegisteredRole/id the
 * obsolete one (§3.44.4.2.2).
 */
import { Hl7v3Error } from '../errors';
import type { XmlElement } from '../soap/xml';
import type { Patient, PatientKey } from '../patient-identity/model';
import { AckDetailCode, Interaction } from './vocabulary';
import { kid, malformed, path, readKey } from './read-datatypes';
import { readHeader, type MessageHeader } from './read-message';
import { readPatient } from './read-patient';

export type FeedEvent =
  | { readonly kind: 'add' | 'revise'; readonly header: MessageHeader; readonly patient: Patient }
  | { readonly kind: 'merge'; readonly header: MessageHeader; readonly patient: Patient; readonly obsolete: PatientKey };

const KIND: Record<string, 'add' | 'revise' | 'merge'> = {
  [Interaction.add]: 'add',
  [Interaction.revise]: 'revise',
  [Interaction.merge]: 'merge',
};

/** Location of the subject patient's id, for acknowledgementDetail/location. */
export const feedPatientIdLocation = (interaction: string): string =>
  `/hl7:${interaction}/hl7:controlActProcess/hl7:subject/hl7:registrationEvent/hl7:subject1/hl7:patient/hl7:id`;

export function readFeed(root: XmlElement): FeedEvent {
  const header = readHeader(root, Object.keys(KIND));
  const kind = KIND[header.interaction];
  const event = path(root, 'controlActProcess', 'subject', 'registrationEvent');
  const patientEl = path(event, 'subject1', 'patient');
  if (!event || !patientEl) throw malformed('controlActProcess/subject/registrationEvent/subject1/patient is missing');
  const patient = readPatient(patientEl);
  if (patient.ids.length === 0) {
    // The patient is there but carries no usable identifier: an application error on content (§3.44.4.1.3).
    throw new Hl7v3Error('AE', 'the patient has no identifier with root and extension', AckDetailCode.requiredFieldMissing);
  }
  if (kind !== 'merge') return { kind, header, patient };
  const prior = path(event, 'replacementOf', 'priorRegistration', 'subject1', 'priorRegisteredRole');
  const obsolete = readKey(kid(prior, 'id'));
  if (!obsolete) {
    throw new Hl7v3Error('AE', 'merge without replacementOf/priorRegistration obsolete id', AckDetailCode.requiredFieldMissing);
  }
  return { kind, header, patient, obsolete };
}
