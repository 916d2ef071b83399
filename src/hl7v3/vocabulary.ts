/** HL7v3 wire literals used by the PIX/PDQ mappers, spelled once (HL7v3 NE2008; ITI TF-2b §3.44–3.47). */
export const HL7_NS = 'urn:hl7-org:v3';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** HL7 interaction ids live under this root (ITI TF-2b §3.44.4.1.2). */
export const INTERACTION_ROOT = '2.16.840.1.113883.1.6';

export const Interaction = {
  add: 'PRPA_IN201301UV02',
  revise: 'PRPA_IN201302UV02',
  merge: 'PRPA_IN201304UV02',
  pdqQuery: 'PRPA_IN201305UV02',
  pdqResponse: 'PRPA_IN201306UV02',
  pixQuery: 'PRPA_IN201309UV02',
  pixResponse: 'PRPA_IN201310UV02',
  ack: 'MCCI_IN000002UV01',
  continuation: 'QUQI_IN000003UV01',
} as const;

export const TriggerEvent = { pixResponse: 'PRPA_TE201310UV02', pdqResponse: 'PRPA_TE201306UV02' } as const;

/** HL7 table 0357 message error codes carried in acknowledgementDetail/code (ITI TF-2b §3.45.4.2.3). */
export const AckDetailCode = {
  unknownKeyIdentifier: '204',
  requiredFieldMissing: '101',
  dataTypeError: '102',
  tableValueNotFound: '103',
  unsupportedMessageType: '200',
  applicationInternalError: '207',
} as const;
export const ACK_DETAIL_CODE_SYSTEM = '2.16.840.1.113883.12.357';

/** queryMatchObservation/code (ITI TF-2b §3.47.4.2.2.6). */
export const PDQ_MATCH_CODE = 'IHE_PDQ';
