/**
 * ITI-45 PIXV3 Query (ITI TF-2b §3.45.4.1.2): PRPA_IN201309UV02 → the queried identifier and the optional
 * list of requested domains (dataSource/value/@root). queryId is kept to echo it in the response.
 */
import type { XmlElement } from '../soap/xml';
import type { PatientKey } from '../patient-identity/model';
import { Interaction } from './vocabulary';
import { kids, malformed, path, readII, readKey, type InstanceId } from './read-datatypes';
import { readHeader, type MessageHeader } from './read-message';

export interface PixQuery {
  readonly header: MessageHeader;
  readonly queryId?: InstanceId;
  readonly patientId: PatientKey;
  /** Assigning authority OIDs of the domains wanted; empty = all known domains. */
  readonly dataSources: readonly string[];
  /** The raw parameterList, echoed in queryByParameter of the response. */
  readonly queryByParameter: XmlElement;
}

export const PIX_PATIENT_ID_LOCATION =
  '/hl7:PRPA_IN201309UV02/hl7:controlActProcess/hl7:queryByParameter/hl7:parameterList/hl7:patientIdentifier/hl7:value';
export const pixDataSourceLocation = (index: number): string =>
  `/hl7:PRPA_IN201309UV02/hl7:controlActProcess/hl7:queryByParameter/hl7:parameterList/hl7:dataSource[${index + 1}]/hl7:value`;

export function readPixQuery(root: XmlElement): PixQuery {
  const header = readHeader(root, [Interaction.pixQuery]);
  const qbp = path(root, 'controlActProcess', 'queryByParameter');
  const params = path(qbp, 'parameterList');
  if (!qbp || !params) throw malformed('controlActProcess/queryByParameter/parameterList is missing');
  const ids = kids(params, 'patientIdentifier');
  // §3.45.4.1.2: exactly one patientIdentifier with one value.
  if (ids.length !== 1) throw malformed('exactly one patientIdentifier is required');
  const patientId = readKey(path(ids[0], 'value'));
  if (!patientId) throw malformed('patientIdentifier/value needs root and extension');
  const dataSources = kids(params, 'dataSource').map((d, i) => {
    const root = readII(path(d, 'value'))?.root;
    if (!root) throw malformed(`dataSource[${i + 1}]/value has no root`);
    return root;
  });
  return { header, queryId: readII(path(qbp, 'queryId')), patientId, dataSources, queryByParameter: qbp };
}
