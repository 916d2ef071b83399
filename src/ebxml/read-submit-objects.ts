/**
 * ebRS 3.0 lcm:SubmitObjectsRequest → XDS Submission (ITI TF-3 §4.2.3, ITI-41/42 §3.42.4.1).
 *
 * Reads the wire form only: every problem that makes the message unreadable as sent (duplicate ids, several
 * values in a single-valued slot, a code without codingScheme, a dangling classification, an unknown
 * objectType…) becomes a RegistryErrorEntry with the actor's default metadata code; nothing is thrown.
 * Semantic rules (required attributes, formats, code lists, patient consistency) belong to the metadata
 * validators, which run on the model this returns.
 */
import { defaultMetadataCode, XdsCode, type Actor, type RegistryErrorEntry } from '../errors';
import {
  type Association,
  type AvailabilityStatus,
  type DocumentEntry,
  type Folder,
  type Submission,
  type SubmissionSet,
  emptySubmission,
} from '../metadata/model';
import { childOf, is, type XmlElement } from '../soap/xml';
import { associationTypeByUrn } from './association-types';
import { collectObjects, type RawObject } from './read-object-list';
import { externalIdValue, objectLabel, readLocalized, readParts, readVersionInfo, type Parts, type Problems } from './read-rim-parts';
import { AssociationSpec, DocumentEntrySpec, FolderSpec, SubmissionSetSpec, type KindSpec } from './slot-tables';
import { ClassificationNode, NS, ObjectType, StatusPrefix } from './vocabulary';
import { ReferenceIdListSlot } from './vocabulary';

export interface ReadResult {
  readonly submission: Submission;
  /** Errors (severity Error) make the submission unusable; Warnings are XDSExtraMetadataNotSaved notes. */
  readonly errors: RegistryErrorEntry[];
}

const STATUSES: readonly AvailabilityStatus[] = ['Approved', 'Deprecated', 'Submitted'];

export function readSubmitObjectsRequest(el: XmlElement, actor: Actor): ReadResult {
  const errors: RegistryErrorEntry[] = [];
  const errorCode = defaultMetadataCode(actor);
  const p: Problems = {
    error: (codeContext) => errors.push({ errorCode, codeContext, severity: 'Error' }),
    dropped: (c) => errors.push({ errorCode: XdsCode.ExtraMetadataNotSaved, codeContext: `${c} was not saved`, severity: 'Warning' }),
  };
  const list = is(el, NS.lcm, 'SubmitObjectsRequest') ? childOf(el, NS.rim, 'RegistryObjectList') : undefined;
  if (!list) {
    p.error(`expected {${NS.lcm}}SubmitObjectsRequest containing rim:RegistryObjectList, got {${el.ns}}${el.local}`);
    return { submission: emptySubmission(), errors };
  }
  const submissionSets: SubmissionSet[] = [];
  const documentEntries: DocumentEntry[] = [];
  const folders: Folder[] = [];
  const associations: Association[] = [];
  for (const raw of collectObjects(list, p)) {
    if (raw.el.local === 'ExtrinsicObject') push(documentEntries, readDocumentEntry(raw, p));
    else if (raw.el.local === 'Association') push(associations, readAssociation(raw, p));
    else {
      const pkg = readPackage(raw, p);
      if (pkg?.kind === 'SubmissionSet') submissionSets.push(pkg);
      else if (pkg?.kind === 'Folder') folders.push(pkg);
    }
  }
  return { submission: { submissionSets, documentEntries, folders, associations }, errors };
}

const push = <T>(list: T[], item: T | undefined): void => {
  if (item !== undefined) list.push(item);
};

/** Drops undefined properties so models compare equal whatever path built them. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function partsOf(raw: RawObject, spec: KindSpec, p: Problems): { label: string; parts: Parts } {
  const label = objectLabel(spec.kind, raw.id, externalIdValue(raw.externalIds, spec.uniqueIdScheme));
  return { label, parts: readParts(raw.el, raw.classifications, raw.externalIds, spec, label, p) };
}

function readStatus(el: XmlElement, label: string, p: Problems): AvailabilityStatus | undefined {
  const status = el.attrs.status;
  if (status === undefined) return undefined;
  const short = status.startsWith(StatusPrefix) ? status.slice(StatusPrefix.length) : '';
  if ((STATUSES as readonly string[]).includes(short)) return short as AvailabilityStatus;
  p.error(`${label}: status ${status} is not a known StatusType`);
  return undefined;
}

/** Attributes and parts every XDS entry (DocumentEntry, SubmissionSet, Folder) shares. */
function entryCommon(raw: RawObject, parts: Parts, label: string, p: Problems) {
  const { lid, home } = raw.el.attrs;
  return {
    id: raw.id,
    lid,
    home,
    availabilityStatus: readStatus(raw.el, label, p),
    title: readLocalized(raw.el, 'Name'),
    comments: readLocalized(raw.el, 'Description'),
    version: readVersionInfo(raw.el),
    extraSlots: parts.extraSlots,
    limitedMetadata: parts.limitedMetadata,
    uniqueId: parts.ids.get('uniqueId'),
    patientId: parts.ids.get('patientId'),
  };
}

const one = (parts: Parts, name: string): string | undefined => parts.slots.get(name)?.[0];
const many = (parts: Parts, name: string): readonly string[] => parts.slots.get(name) ?? [];
const code = (parts: Parts, field: string) => parts.codes.get(field)?.[0];
const codes = (parts: Parts, field: string) => parts.codes.get(field) ?? [];

function readDocumentEntry(raw: RawObject, p: Problems): DocumentEntry | undefined {
  const { label, parts } = partsOf(raw, DocumentEntrySpec, p);
  const objectType = raw.el.attrs.objectType;
  const type =
    objectType === ObjectType.stableDocumentEntry ? 'stable' : objectType === ObjectType.onDemandDocumentEntry ? 'on-demand' : undefined;
  if (!type) p.error(`${label}: objectType ${objectType ?? '(none)'} is not a DocumentEntry type (stable or on-demand)`);
  const common = entryCommon(raw, parts, label, p);
  if (!type) return undefined;
  return compact<DocumentEntry>({
    kind: 'DocumentEntry',
    type,
    ...common,
    mimeType: raw.el.attrs.mimeType,
    classCode: code(parts, 'classCode'),
    typeCode: code(parts, 'typeCode'),
    formatCode: code(parts, 'formatCode'),
    healthcareFacilityTypeCode: code(parts, 'healthcareFacilityTypeCode'),
    practiceSettingCode: code(parts, 'practiceSettingCode'),
    confidentialityCodes: codes(parts, 'confidentialityCodes'),
    eventCodes: codes(parts, 'eventCodes'),
    authors: parts.authors,
    creationTime: one(parts, 'creationTime'),
    serviceStartTime: one(parts, 'serviceStartTime'),
    serviceStopTime: one(parts, 'serviceStopTime'),
    hash: one(parts, 'hash'),
    size: one(parts, 'size'),
    languageCode: one(parts, 'languageCode'),
    legalAuthenticator: one(parts, 'legalAuthenticator'),
    sourcePatientId: one(parts, 'sourcePatientId'),
    sourcePatientInfo: many(parts, 'sourcePatientInfo'),
    uri: one(parts, 'URI'),
    repositoryUniqueId: one(parts, 'repositoryUniqueId'),
    documentAvailability: one(parts, 'documentAvailability'),
    referenceIdList: many(parts, ReferenceIdListSlot),
  });
}

/** A RegistryPackage is typed by a classification whose classificationNode is the SS or Folder node (§4.2.3.3, §4.2.3.4). */
function readPackage(raw: RawObject, p: Problems): SubmissionSet | Folder | undefined {
  const nodes = new Set(raw.classifications.map((c) => c.attrs.classificationNode));
  const isSs = nodes.has(ClassificationNode.submissionSet);
  const isFolder = nodes.has(ClassificationNode.folder);
  if (isSs === isFolder) {
    const why = isSs ? 'is classified as both SubmissionSet and Folder' : 'has no SubmissionSet or Folder classification node';
    p.error(`RegistryPackage ${raw.id}: ${why} (classificationNode ${[...nodes].filter(Boolean).join(', ') || 'none'})`);
    return undefined;
  }
  if (isSs) {
    const { label, parts } = partsOf(raw, SubmissionSetSpec, p);
    return compact<SubmissionSet>({
      kind: 'SubmissionSet',
      ...entryCommon(raw, parts, label, p),
      sourceId: parts.ids.get('sourceId'),
      submissionTime: one(parts, 'submissionTime'),
      contentTypeCode: code(parts, 'contentTypeCode'),
      authors: parts.authors,
      intendedRecipients: many(parts, 'intendedRecipient'),
    });
  }
  const { label, parts } = partsOf(raw, FolderSpec, p);
  return compact<Folder>({
    kind: 'Folder',
    ...entryCommon(raw, parts, label, p),
    codeList: codes(parts, 'codeList'),
    lastUpdateTime: one(parts, 'lastUpdateTime'),
  });
}

function readAssociation(raw: RawObject, p: Problems): Association | undefined {
  const { label, parts } = partsOf(raw, AssociationSpec, p);
  const { associationType, sourceObject, targetObject, home } = raw.el.attrs;
  const type = associationTypeByUrn.get(associationType ?? '');
  if (!type) p.error(`${label}: associationType ${associationType ?? '(none)'} is not a known association type`);
  if (!sourceObject) p.error(`${label}: sourceObject is missing`);
  if (!targetObject) p.error(`${label}: targetObject is missing`);
  const availabilityStatus = readStatus(raw.el, label, p);
  if (!type || !sourceObject || !targetObject) return undefined;
  return compact<Association>({
    kind: 'Association',
    id: raw.id,
    home,
    type,
    sourceId: sourceObject,
    targetId: targetObject,
    availabilityStatus,
    submissionSetStatus: one(parts, 'SubmissionSetStatus'),
    previousVersion: one(parts, 'PreviousVersion'),
    associationPropagation: one(parts, 'AssociationPropagation'),
    documentation: code(parts, 'documentation'),
    extraSlots: parts.extraSlots,
  });
}
