/**
 * Builders of HL7v3 request messages for tests (ITI-44 add/revise/merge, ITI-45, ITI-47, QUQI continuation).
 * Their output is schema-validated in mappers.test.ts, so tests never feed the server invalid requests by
 * accident.
 */
import { randomUUID } from 'node:crypto';
import { escapeXml } from '../../src/soap/xml';

export interface PersonSpec {
  readonly id: string;
  readonly authority: string;
  readonly family?: string;
  readonly given?: string;
  readonly birth?: string;
  readonly gender?: string;
  readonly street?: string;
  readonly city?: string;
  readonly postalCode?: string;
  readonly mothersMaidenName?: string;
  readonly otherIds?: readonly { id: string; authority: string }[];
}

const e = escapeXml;
const SENDER = '1.2.840.114350.1.13.99998.8734';

function wrapper(interaction: string, inner: string, messageId: string = randomUUID()): string {
  return (
    `<${interaction} xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ITSVersion="XML_1.0">` +
    `<id root="${messageId}"/><creationTime value="20260101120000"/>` +
    `<interactionId root="2.16.840.1.113883.1.6" extension="${interaction}"/>` +
    `<processingCode code="P"/><processingModeCode code="T"/><acceptAckCode code="AL"/>` +
    `<receiver typeCode="RCV"><device classCode="DEV" determinerCode="INSTANCE"><id root="1.2.3.4.5"/></device></receiver>` +
    `<sender typeCode="SND"><device classCode="DEV" determinerCode="INSTANCE"><id root="${SENDER}"/></device></sender>` +
    `${inner}</${interaction}>`
  );
}

function person(p: PersonSpec): string {
  const name = p.family || p.given ? `<name>${p.given ? `<given>${e(p.given)}</given>` : ''}${p.family ? `<family>${e(p.family)}</family>` : ''}</name>` : '<name nullFlavor="UNK"/>';
  const addr = p.street || p.city || p.postalCode
    ? `<addr>${p.street ? `<streetAddressLine>${e(p.street)}</streetAddressLine>` : ''}${p.city ? `<city>${e(p.city)}</city>` : ''}${p.postalCode ? `<postalCode>${e(p.postalCode)}</postalCode>` : ''}</addr>`
    : '';
  const others = (p.otherIds ?? [])
    .map((o) => `<asOtherIDs classCode="PAT"><id root="${o.authority}" extension="${e(o.id)}"/><scopingOrganization classCode="ORG" determinerCode="INSTANCE"><id root="${o.authority}"/></scopingOrganization></asOtherIDs>`)
    .join('');
  const mmn = p.mothersMaidenName
    ? `<personalRelationship><code code="MTH" codeSystem="2.16.840.1.113883.5.111"/><relationshipHolder1 classCode="PSN" determinerCode="INSTANCE"><name><family>${e(p.mothersMaidenName)}</family></name></relationshipHolder1></personalRelationship>`
    : '';
  return (
    `<patientPerson classCode="PSN" determinerCode="INSTANCE">${name}` +
    (p.gender ? `<administrativeGenderCode code="${p.gender}"/>` : '') +
    (p.birth ? `<birthTime value="${p.birth}"/>` : '') +
    `${addr}${others}${mmn}</patientPerson>`
  );
}

export type FeedKind = 'PRPA_IN201301UV02' | 'PRPA_IN201302UV02' | 'PRPA_IN201304UV02';

export function feedMessage(kind: FeedKind, p: PersonSpec, obsolete?: { id: string; authority: string }, messageId?: string): string {
  const trigger = kind.replace('_IN', '_TE');
  const replacement = obsolete
    ? `<replacementOf typeCode="RPLC"><priorRegistration classCode="REG" moodCode="EVN"><statusCode code="obsolete"/>` +
      `<subject1 typeCode="SBJ"><priorRegisteredRole classCode="PAT"><id root="${obsolete.authority}" extension="${e(obsolete.id)}"/></priorRegisteredRole></subject1>` +
      `</priorRegistration></replacementOf>`
    : '';
  const inner =
    `<controlActProcess classCode="CACT" moodCode="EVN"><code code="${trigger}" codeSystem="2.16.840.1.113883.1.6"/>` +
    `<subject typeCode="SUBJ"><registrationEvent classCode="REG" moodCode="EVN"><id nullFlavor="NA"/><statusCode code="active"/>` +
    `<subject1 typeCode="SBJ"><patient classCode="PAT"><id root="${p.authority}" extension="${e(p.id)}"/><statusCode code="active"/>` +
    `${person(p)}<providerOrganization classCode="ORG" determinerCode="INSTANCE"><id root="${p.authority}"/>` +
    `<contactParty classCode="CON"/></providerOrganization></patient></subject1>` +
    `<custodian typeCode="CST"><assignedEntity classCode="ASSIGNED"><id root="${p.authority}"/></assignedEntity></custodian>` +
    `${replacement}</registrationEvent></subject></controlActProcess>`;
  return wrapper(kind, inner, messageId ?? randomUUID());
}

export function pixQueryMessage(id: { id: string; authority: string }, dataSources: readonly string[] = [], queryId = randomUUID()): string {
  const ds = dataSources.map((d) => `<dataSource><value root="${d}"/><semanticsText>DataSource.id</semanticsText></dataSource>`).join('');
  const inner =
    `<controlActProcess classCode="CACT" moodCode="EVN"><code code="PRPA_TE201309UV02" codeSystem="2.16.840.1.113883.1.6"/>` +
    `<queryByParameter><queryId root="1.2.3.4.99" extension="${queryId}"/><statusCode code="new"/><responsePriorityCode code="I"/>` +
    `<parameterList>${ds}<patientIdentifier><value root="${id.authority}" extension="${e(id.id)}"/><semanticsText>Patient.Id</semanticsText></patientIdentifier>` +
    `</parameterList></queryByParameter></controlActProcess>`;
  return wrapper('PRPA_IN201309UV02', inner);
}

export interface PdqSpec {
  readonly family?: string;
  readonly given?: string;
  readonly fuzzy?: boolean;
  readonly birth?: string;
  readonly gender?: string;
  readonly city?: string;
  readonly street?: string;
  readonly id?: { id: string; authority: string };
  readonly mothersMaidenName?: string;
  readonly scoping?: readonly string[];
  readonly initialQuantity?: number;
  readonly queryId?: string;
}

export function pdqQueryMessage(s: PdqSpec): string {
  const p = (name: string, value: string, semantics: string) => `<${name}>${value}<semanticsText>${semantics}</semanticsText></${name}>`;
  const params = [
    s.gender ? p('livingSubjectAdministrativeGender', `<value code="${s.gender}"/>`, 'LivingSubject.administrativeGender') : '',
    s.birth ? p('livingSubjectBirthTime', `<value value="${s.birth}"/>`, 'LivingSubject.birthTime') : '',
    s.id ? p('livingSubjectId', `<value root="${s.id.authority}" extension="${e(s.id.id)}"/>`, 'LivingSubject.id') : '',
    s.family || s.given
      ? p('livingSubjectName', `<value${s.fuzzy ? ' use="SRCH"' : ''}>${s.given ? `<given>${e(s.given)}</given>` : ''}${s.family ? `<family>${e(s.family)}</family>` : ''}</value>`, 'LivingSubject.name')
      : '',
    s.mothersMaidenName ? p('mothersMaidenName', `<value><family>${e(s.mothersMaidenName)}</family></value>`, 'Person.MothersMaidenName') : '',
    ...(s.scoping ?? []).map((o) => p('otherIDsScopingOrganization', `<value root="${o}"/>`, 'OtherIDs.scopingOrganization.id')),
    s.city || s.street
      ? p('patientAddress', `<value>${s.street ? `<streetAddressLine>${e(s.street)}</streetAddressLine>` : ''}${s.city ? `<city>${e(s.city)}</city>` : ''}</value>`, 'Patient.addr')
      : '',
  ].join('');
  const inner =
    `<controlActProcess classCode="CACT" moodCode="EVN"><code code="PRPA_TE201305UV02" codeSystem="2.16.840.1.113883.1.6"/>` +
    `<queryByParameter><queryId root="1.2.3.4.98" extension="${s.queryId ?? randomUUID()}"/><statusCode code="new"/>` +
    `<responseModalityCode code="R"/><responsePriorityCode code="I"/>` +
    (s.initialQuantity ? `<initialQuantity value="${s.initialQuantity}"/>` : '') +
    `<parameterList>${params}</parameterList></queryByParameter></controlActProcess>`;
  return wrapper('PRPA_IN201305UV02', inner);
}

export function continuationMessage(queryId: string, cancel: boolean, quantity?: number): string {
  const inner =
    `<controlActProcess classCode="CACT" moodCode="EVN"><code code="PRPA_TE201305UV02" codeSystem="2.16.840.1.113883.1.6"/>` +
    `<queryContinuation><queryId root="1.2.3.4.98" extension="${queryId}"/>` +
    (quantity ? `<continuationQuantity value="${quantity}"/>` : '') +
    `<statusCode code="${cancel ? 'aborted' : 'waitContinuedQueryResponse'}"/>` +
    `</queryContinuation></controlActProcess>`;
  return wrapper('QUQI_IN000003UV01', inner);
}
