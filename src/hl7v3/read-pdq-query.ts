/**
 * ITI-47 Patient Demographics Query HL7 V3 (ITI TF-2b §3.47.4.1.2): PRPA_IN201305UV02 → search criteria,
 * and QUQI_IN000003UV01 (continuation / cancel, §3.47.4.3). Empty parameter elements (as in the NIST
 * example) mean "not given". `use="SRCH"` on the name asks for inexact matching.
 */
import type { XmlElement } from '../soap/xml';
import type { Address, PatientKey, PatientName } from '../patient-identity/model';
import { Interaction } from './vocabulary';
import { kid, kids, malformed, path, readAD, readCode, readII, readKey, readPN, readTS, type InstanceId } from './read-datatypes';
import { readHeader, type MessageHeader } from './read-message';

export interface PdqCriteria {
  readonly names: readonly PatientName[];
  readonly birthTime?: string;
  readonly gender?: string;
  readonly addresses: readonly Address[];
  readonly ids: readonly PatientKey[];
  readonly mothersMaidenName?: PatientName;
  readonly telecoms: readonly string[];
}

export interface PdqQuery {
  readonly header: MessageHeader;
  readonly queryId?: InstanceId;
  readonly criteria: PdqCriteria;
  /** otherIDsScopingOrganization/value/@root: domains whose ids are to be returned. */
  readonly scopingOrganizations: readonly string[];
  readonly initialQuantity?: number;
  /** matchCriterionList/minimumDegreeMatch (0–100), if the consumer asked for one. */
  readonly minimumDegreeMatch?: number;
  readonly queryByParameter: XmlElement;
}

export const pdqScopingLocation = (index: number): string =>
  `/hl7:PRPA_IN201305UV02/hl7:controlActProcess/hl7:queryByParameter/hl7:parameterList/hl7:otherIDsScopingOrganization[${index + 1}]/hl7:value`;

const values = (params: XmlElement, local: string): XmlElement[] => kids(params, local).flatMap((p) => kids(p, 'value'));

const defined = <T>(v: T | undefined): v is T => v !== undefined;

function readInt(el: XmlElement | undefined, where: string): number | undefined {
  const v = el?.attrs.value?.trim();
  if (!v) return undefined;
  if (!/^\d+$/.test(v)) throw malformed(`${where} is not a non-negative integer`);
  return Number(v);
}

function readCriteria(params: XmlElement): PdqCriteria {
  const birth = values(params, 'livingSubjectBirthTime')[0];
  return {
    names: values(params, 'livingSubjectName').map(readPN).filter(defined),
    birthTime: readTS(birth, 'livingSubjectBirthTime'),
    gender: values(params, 'livingSubjectAdministrativeGender').map(readCode).find(defined),
    addresses: values(params, 'patientAddress').map(readAD).filter(defined),
    ids: values(params, 'livingSubjectId').map(readKey).filter(defined),
    mothersMaidenName: values(params, 'mothersMaidenName').map(readPN).find(defined),
    telecoms: values(params, 'patientTelecom').map((t) => t.attrs.value?.trim()).filter((v): v is string => !!v),
  };
}

export function readPdqQuery(root: XmlElement): PdqQuery {
  const header = readHeader(root, [Interaction.pdqQuery]);
  const qbp = path(root, 'controlActProcess', 'queryByParameter');
  const params = kid(qbp, 'parameterList');
  if (!qbp || !params) throw malformed('controlActProcess/queryByParameter/parameterList is missing');
  const scopingOrganizations = kids(params, 'otherIDsScopingOrganization').map((o, i) => {
    const r = readII(kid(o, 'value'))?.root;
    if (!r) throw malformed(`otherIDsScopingOrganization[${i + 1}]/value has no root`);
    return r;
  });
  return {
    header,
    queryId: readII(kid(qbp, 'queryId')),
    criteria: readCriteria(params),
    scopingOrganizations,
    initialQuantity: readInt(kid(qbp, 'initialQuantity'), 'initialQuantity'),
    minimumDegreeMatch: readInt(path(qbp, 'matchCriterionList', 'minimumDegreeMatch', 'value'), 'minimumDegreeMatch'),
    queryByParameter: qbp,
  };
}

export interface ContinuationRequest {
  readonly header: MessageHeader;
  readonly queryId?: InstanceId;
  /** queryContinuation/statusCode: waitContinuedQueryResponse (continue) or aborted (cancel). */
  readonly cancel: boolean;
  readonly startResultNumber?: number;
  readonly continuationQuantity?: number;
}

/** QUQI_IN000003UV01 (ITI TF-2b §3.47.4.3.2): continue or cancel a PDQ result set by queryId. */
export function readContinuation(root: XmlElement): ContinuationRequest {
  const header = readHeader(root, [Interaction.continuation]);
  const qc = path(root, 'controlActProcess', 'queryContinuation');
  if (!qc) throw malformed('controlActProcess/queryContinuation is missing');
  return {
    header,
    queryId: readII(kid(qc, 'queryId')),
    cancel: readCode(kid(qc, 'statusCode')) === 'aborted',
    startResultNumber: readInt(kid(qc, 'startResultNumber'), 'startResultNumber'),
    continuationQuantity: readInt(kid(qc, 'continuationQuantity'), 'continuationQuantity'),
  };
}
