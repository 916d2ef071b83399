/**
 * XDS model → ebRIM 3.0 XML text (ITI TF-3 §4.2.3; rim.xsd order: Slot, Name, Description, VersionInfo,
 * Classification, ExternalIdentifier). The output is what the registry received: every field, extra slots,
 * status as a full URN, and classification / external identifier ids derived from the object id (stable).
 *
 * Prefixes that must be in scope where the text is placed: `rim` = urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0
 * (`xml` is predefined). write-registry-response.ts declares it on its roots.
 */
import type { Association, AvailabilityStatus, DocumentEntry, Folder, RegistryObject, SubmissionSet } from '../metadata/model';
import { associationTypeUrn } from './association-types';
import {
  attr,
  authorClassification,
  childId,
  codeClassification,
  descriptionOf,
  esc,
  externalIdentifier,
  extraSlots,
  nameOf,
  nodeClassification,
  slotMany,
  slotOne,
  slotUri,
  versionInfoOf,
} from './write-rim-parts';
import { ReferenceIdListSlot, ExternalIdentifierName as EiName } from './vocabulary';
import {
  AssociationDocumentationScheme,
  ClassificationNode,
  DocumentEntryScheme as De,
  FolderScheme as Fd,
  ObjectType,
  StatusPrefix,
  SubmissionSetScheme as Ss,
} from './vocabulary';

/**
 * Flattens the concatenation rope now (ToNumber flattens a string in V8). One flat string per object instead of
 * hundreds of rope nodes that survive into the response: far less for the young-generation GC to copy (README, Speed).
 */
const flat = (s: string): string => {
  (s as unknown as number) | 0;
  return s;
};

const statusAttr = (s: AvailabilityStatus | undefined): string => (s === undefined ? '' : ` status="${StatusPrefix}${s}"`);

/** id, lid, home, status: the RegistryObject attributes every entry carries. */
const entryAttrs = (o: DocumentEntry | SubmissionSet | Folder): string =>
  `id="${esc(o.id)}"${attr('lid', o.lid)}${attr('home', o.home)}${statusAttr(o.availabilityStatus)}`;

const describe = (o: DocumentEntry | SubmissionSet | Folder): string =>
  extraSlots(o.extraSlots) + nameOf(o.title) + descriptionOf(o.comments) + versionInfoOf(o.version);

export function writeDocumentEntry(d: DocumentEntry): string {
  const objectType = d.type === 'on-demand' ? ObjectType.onDemandDocumentEntry : ObjectType.stableDocumentEntry;
  const id = d.id;
  let n = 0;
  let s =
    `<rim:ExtrinsicObject ${entryAttrs(d)} objectType="${objectType}"${attr('mimeType', d.mimeType)}>` +
    slotOne('creationTime', d.creationTime) +
    slotOne('hash', d.hash) +
    slotOne('languageCode', d.languageCode) +
    slotOne('legalAuthenticator', d.legalAuthenticator) +
    slotOne('repositoryUniqueId', d.repositoryUniqueId) +
    slotOne('serviceStartTime', d.serviceStartTime) +
    slotOne('serviceStopTime', d.serviceStopTime) +
    slotOne('size', d.size) +
    slotOne('sourcePatientId', d.sourcePatientId) +
    slotMany('sourcePatientInfo', d.sourcePatientInfo) +
    slotUri('URI', d.uri) +
    slotOne('documentAvailability', d.documentAvailability) +
    slotMany(ReferenceIdListSlot, d.referenceIdList) +
    describe(d);
  for (let i = 0; i < d.authors.length; i++) s += authorClassification(childId(id, ++n), De.author, id, d.authors[i]);
  s += codeClassification(childId(id, ++n), De.classCode, id, d.classCode);
  for (let i = 0; i < d.confidentialityCodes.length; i++) {
    s += codeClassification(childId(id, ++n), De.confidentialityCode, id, d.confidentialityCodes[i]);
  }
  for (let i = 0; i < d.eventCodes.length; i++) s += codeClassification(childId(id, ++n), De.eventCodeList, id, d.eventCodes[i]);
  s +=
    codeClassification(childId(id, ++n), De.formatCode, id, d.formatCode) +
    codeClassification(childId(id, ++n), De.healthcareFacilityTypeCode, id, d.healthcareFacilityTypeCode) +
    codeClassification(childId(id, ++n), De.practiceSettingCode, id, d.practiceSettingCode) +
    codeClassification(childId(id, ++n), De.typeCode, id, d.typeCode) +
    (d.limitedMetadata ? nodeClassification(childId(id, ++n), De.limitedMetadata, id) : '') +
    externalIdentifier(childId(id, ++n), De.patientId, id, d.patientId, EiName.documentEntryPatientId) +
    externalIdentifier(childId(id, ++n), De.uniqueId, id, d.uniqueId, EiName.documentEntryUniqueId);
  return flat(s + '</rim:ExtrinsicObject>');
}

export function writeSubmissionSet(o: SubmissionSet): string {
  const id = o.id;
  let n = 0;
  let s =
    `<rim:RegistryPackage ${entryAttrs(o)} objectType="${ObjectType.registryPackage}">` +
    slotOne('submissionTime', o.submissionTime) +
    slotMany('intendedRecipient', o.intendedRecipients) +
    describe(o) +
    nodeClassification(childId(id, ++n), ClassificationNode.submissionSet, id);
  for (let i = 0; i < o.authors.length; i++) s += authorClassification(childId(id, ++n), Ss.author, id, o.authors[i]);
  s +=
    codeClassification(childId(id, ++n), Ss.contentTypeCode, id, o.contentTypeCode) +
    (o.limitedMetadata ? nodeClassification(childId(id, ++n), Ss.limitedMetadata, id) : '') +
    externalIdentifier(childId(id, ++n), Ss.uniqueId, id, o.uniqueId, EiName.submissionSetUniqueId) +
    externalIdentifier(childId(id, ++n), Ss.sourceId, id, o.sourceId, EiName.submissionSetSourceId) +
    externalIdentifier(childId(id, ++n), Ss.patientId, id, o.patientId, EiName.submissionSetPatientId);
  return flat(s + '</rim:RegistryPackage>');
}

export function writeFolder(f: Folder): string {
  const id = f.id;
  let n = 0;
  let s =
    `<rim:RegistryPackage ${entryAttrs(f)} objectType="${ObjectType.registryPackage}">` +
    slotOne('lastUpdateTime', f.lastUpdateTime) +
    describe(f) +
    nodeClassification(childId(id, ++n), ClassificationNode.folder, id);
  for (let i = 0; i < f.codeList.length; i++) s += codeClassification(childId(id, ++n), Fd.codeList, id, f.codeList[i]);
  s +=
    (f.limitedMetadata ? nodeClassification(childId(id, ++n), Fd.limitedMetadata, id) : '') +
    externalIdentifier(childId(id, ++n), Fd.patientId, id, f.patientId, EiName.folderPatientId) +
    externalIdentifier(childId(id, ++n), Fd.uniqueId, id, f.uniqueId, EiName.folderUniqueId);
  return flat(s + '</rim:RegistryPackage>');
}

export function writeAssociation(a: Association): string {
  return (
    `<rim:Association id="${esc(a.id)}"${attr('home', a.home)} objectType="${ObjectType.association}"${statusAttr(a.availabilityStatus)}` +
    ` associationType="${associationTypeUrn(a.type)}" sourceObject="${esc(a.sourceId)}" targetObject="${esc(a.targetId)}">` +
    slotOne('SubmissionSetStatus', a.submissionSetStatus) +
    slotOne('PreviousVersion', a.previousVersion) +
    slotOne('AssociationPropagation', a.associationPropagation) +
    extraSlots(a.extraSlots) +
    codeClassification(childId(a.id, 1), AssociationDocumentationScheme, a.id, a.documentation) +
    '</rim:Association>'
  );
}

export function writeRegistryObject(o: RegistryObject): string {
  switch (o.kind) {
    case 'DocumentEntry':
      return writeDocumentEntry(o);
    case 'SubmissionSet':
      return writeSubmissionSet(o);
    case 'Folder':
      return writeFolder(o);
    case 'Association':
      return writeAssociation(o);
  }
}

/**
 * The stored form of an object: its ebRIM exactly as `writeRegistryObject` writes it, minus the two attributes
 * a query decides (`home`: the requested homeCommunityId or the object's own; `status`: the current
 * availabilityStatus, which RPLC deprecation changes after registration). Kept by the registry store at
 * registration so a LeafClass response only concatenates (design.md convention 5, performance.md §4).
 */
export const writeStoredEbrim = (o: RegistryObject): string => writeRegistryObject({ ...o, home: undefined, availabilityStatus: undefined });

const OBJECT_TYPE_ATTR = ' objectType="';
const ASSOCIATION_TYPE_ATTR = ' associationType="';

/**
 * Puts `home` and `status` back into a stored form; the result equals writeRegistryObject of the object with
 * that home and status. Attribute values are escaped (`"` → `&quot;`), so the first ` objectType="` is the
 * attribute itself: entries carry home and status right before it, an Association carries home before it
 * and status before ` associationType="` (the writer's attribute order).
 */
export function completeStoredEbrim(kind: RegistryObject['kind'], stored: string, home: string | undefined, status: AvailabilityStatus | undefined): string {
  const at = stored.indexOf(OBJECT_TYPE_ATTR);
  if (kind !== 'Association') return stored.slice(0, at) + attr('home', home) + statusAttr(status) + stored.slice(at);
  const st = stored.indexOf(ASSOCIATION_TYPE_ATTR, at);
  return stored.slice(0, at) + attr('home', home) + stored.slice(at, st) + statusAttr(status) + stored.slice(st);
}

/**
 * completeStoredEbrim as pieces appended to `out` (slices of the stored form, no copy): a LeafClass answer is
 * written piece by piece (soap/write-response.ts BodyParts) and never joined.
 */
export function completeStoredEbrimParts(
  kind: RegistryObject['kind'],
  stored: string,
  home: string | undefined,
  status: AvailabilityStatus | undefined,
  out: string[],
): void {
  const at = stored.indexOf(OBJECT_TYPE_ATTR);
  if (kind !== 'Association') {
    out.push(stored.slice(0, at), attr('home', home) + statusAttr(status), stored.slice(at));
    return;
  }
  const st = stored.indexOf(ASSOCIATION_TYPE_ATTR, at);
  out.push(stored.slice(0, at), attr('home', home), stored.slice(at, st), statusAttr(status), stored.slice(st));
}

/** ObjectRef for returnType=ObjectRef query results (ebRS 3.0 §6.3; ITI TF-2a §3.18.4.1.2.6). */
export const writeObjectRef = (id: string, home?: string): string => `<rim:ObjectRef id="${esc(id)}"${attr('home', home)}/>`;
