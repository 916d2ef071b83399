/** Reads our HL7v3 replies back in tests (with the production reader: namespace-checked). */
import { parseXml, type XmlElement } from '../../src/soap/xml';
import { kid, kids, path, readKey } from '../../src/hl7v3/read-datatypes';
import { readPatient } from '../../src/hl7v3/read-patient';
import type { Patient, PatientKey } from '../../src/patient-identity/model';

export interface ParsedReply {
  readonly root: XmlElement;
  readonly interaction: string;
  readonly ack: string | undefined;
  readonly targetMessage: string | undefined;
  readonly details: { code?: string; text: string; location?: string }[];
  readonly responseCode: string | undefined;
  readonly quantities: { total?: number; current?: number; remaining?: number };
  readonly patients: { ids: PatientKey[]; patient: Patient; confidence?: number }[];
}

const num = (el: XmlElement | undefined): number | undefined => (el?.attrs.value ? Number(el.attrs.value) : undefined);

/** Takes the reply text, or the already parsed element (e.g. the child of soap:Body). */
export function parseReply(xml: string | XmlElement): ParsedReply {
  const root = typeof xml === 'string' ? parseXml(xml) : xml;
  const ack = kid(root, 'acknowledgement');
  const cap = kid(root, 'controlActProcess');
  const qa = kid(cap, 'queryAck');
  return {
    root,
    interaction: root.local,
    ack: path(ack, 'typeCode')?.attrs.code,
    targetMessage: path(ack, 'targetMessage', 'id')?.attrs.root,
    details: kids(ack, 'acknowledgementDetail').map((d) => ({
      code: kid(d, 'code')?.attrs.code,
      text: kid(d, 'text')?.text ?? '',
      location: kid(d, 'location')?.text,
    })),
    responseCode: kid(qa, 'queryResponseCode')?.attrs.code,
    quantities: { total: num(kid(qa, 'resultTotalQuantity')), current: num(kid(qa, 'resultCurrentQuantity')), remaining: num(kid(qa, 'resultRemainingQuantity')) },
    patients: kids(cap, 'subject').map((s) => {
      const p = path(s, 'registrationEvent', 'subject1', 'patient')!;
      const conf = path(p, 'subjectOf1', 'queryMatchObservation', 'value');
      return {
        ids: kids(p, 'id').map(readKey).filter((k): k is PatientKey => !!k),
        patient: readPatient(p),
        confidence: num(conf),
      };
    }),
  };
}
