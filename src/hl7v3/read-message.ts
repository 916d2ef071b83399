/**
 * The transmission wrapper (MCCI_MT000100UV01) every ITI-44/45/47 request carries: message id, interaction,
 * sender and receiver devices. The acknowledgement echoes them (targetMessage; receiver ↔ sender swapped).
 */
import type { XmlElement } from '../soap/xml';
import { HL7_NS } from './vocabulary';
import { kid, malformed, path, readII, type InstanceId } from './read-datatypes';

export interface MessageHeader {
  readonly interaction: string; // root element local name, e.g. PRPA_IN201301UV02
  readonly id?: InstanceId;
  readonly senderDevice?: InstanceId;
  readonly receiverDevice?: InstanceId;
}

/** Checks the root is the expected HL7v3 interaction; anything else is a reject (AR). */
export function readHeader(root: XmlElement, expected: readonly string[]): MessageHeader {
  if (root.ns !== HL7_NS || !expected.includes(root.local)) {
    throw malformed(`expected one of ${expected.join(', ')} in ${HL7_NS}, got ${root.local}`);
  }
  return {
    interaction: root.local,
    id: readII(kid(root, 'id')),
    senderDevice: readII(path(root, 'sender', 'device', 'id')),
    receiverDevice: readII(path(root, 'receiver', 'device', 'id')),
  };
}

/** A header to answer with when the request could not even be read (AR acknowledgements). */
export function tryHeader(root: XmlElement | undefined): MessageHeader {
  if (!root) return { interaction: '' };
  return {
    interaction: root.local,
    id: readII(kid(root, 'id')),
    senderDevice: readII(path(root, 'sender', 'device', 'id')),
    receiverDevice: readII(path(root, 'receiver', 'device', 'id')),
  };
}
