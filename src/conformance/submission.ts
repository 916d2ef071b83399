/**
 * Builds the metadata of a Register / Provide and Register step in the order the toolkit uses
 * (README "Running a message"): substitutions → patient ID → UseId → uniqueIds → sourceId → UUIDs →
 * built-ins, with the ebRS 2.1 → 3.0 translation done first (the stamps only touch attributes that are
 * the same in both versions, and translating first lets AssignUuids also fix the generated references).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NS } from '../ebxml/vocabulary';
import { escapeXml } from '../soap/xml';
import { type Node, parseTree, kids, child, walk, serialize } from './xml-tree';
import { translateSubmitObjectsRequest } from './translate';
import { substituteTree, type Substitutions } from './substitute';
import { stampPatientId, stampUniqueIds, stampSourceId, assignUuids, type Assignments } from './stamp';
import type { AssignedSection } from './run-log';

export interface SubmissionInput {
  readonly dir: string;
  readonly tx: Node;
  readonly subs: Substitutions; // run parameters + UseReport values
  readonly useIds: Substitutions;
  readonly builtins: Substitutions;
  readonly patientId?: string; // undefined with NoPatientId
  readonly sourceId: string;
  readonly newUid: () => string;
  readonly newUuid: () => string;
}

export interface Submission {
  readonly sor: Node; // lcm:SubmitObjectsRequest (3.0)
  readonly assigned: Record<AssignedSection, Assignments>;
  /** P&R documents: final xdsb:Document id → { bytes, mimeType, uniqueId }. */
  readonly documents: ReadonlyArray<{ id: string; bytes: Buffer; mimeType: string; uniqueId?: string }>;
}

/** A MetadataFile may hold a SubmitObjectsRequest or a whole ProvideAndRegisterDocumentSetRequest. */
function readSubmitObjectsRequest(file: string): Node {
  const root = parseTree(readFileSync(file, 'utf8'));
  const sor = root.local === 'ProvideAndRegisterDocumentSetRequest' ? child(root, 'SubmitObjectsRequest') : root;
  if (!sor) throw new Error(`${file}: no SubmitObjectsRequest`);
  return translateSubmitObjectsRequest(sor);
}

export function buildSubmission(i: SubmissionInput): Submission {
  const sor = readSubmitObjectsRequest(join(i.dir, child(i.tx, 'MetadataFile')?.text.trim() ?? ''));
  substituteTree(sor, i.subs);
  const assigned: Record<AssignedSection, Assignments> = { AssignedUids: {}, AssignedUuids: {}, AssignedPatientId: {}, AssignedSourceId: {} };
  if (i.patientId !== undefined) assigned.AssignedPatientId = stampPatientId(sor, i.patientId);
  substituteTree(sor, i.useIds);
  const noUids = kids(i.tx, 'NoAssignUids');
  const spareAll = noUids.some((n) => !n.attrs.id);
  const spare = new Set(noUids.map((n) => n.attrs.id).filter((x): x is string => !!x));
  const assignNode = child(i.tx, 'AssignUuids');
  const excludeSchemes = new Set(kids(assignNode ?? i.tx, 'Exclude').map((e) => e.attrs.value ?? ''));
  assigned.AssignedUids = stampUniqueIds(sor, i.newUid, { spareAll, spare, excludeSchemes });
  assigned.AssignedSourceId = stampSourceId(sor, i.sourceId);
  if (assignNode) assigned.AssignedUuids = assignUuids(sor, i.newUuid);
  substituteTree(sor, i.builtins);
  const documents = kids(i.tx, 'Document').map((d) => {
    const symbolic = d.attrs.id ?? '';
    const id = assigned.AssignedUuids[symbolic] ?? symbolic;
    const eo = findObject(sor, id);
    return {
      id,
      bytes: readFileSync(join(i.dir, d.text.trim())),
      mimeType: eo?.attrs.mimeType ?? 'application/octet-stream',
      uniqueId: assigned.AssignedUids[id] ?? assigned.AssignedUids[symbolic],
    };
  });
  return { sor, assigned, documents };
}

function findObject(root: Node, id: string): Node | undefined {
  let found: Node | undefined;
  walk(root, (n) => {
    if (n.local === 'ExtrinsicObject' && n.attrs.id === id) found = n;
  });
  return found;
}

/** `xdsb:ProvideAndRegisterDocumentSetRequest` with one xop:Include per document (cid = doc<index>). */
export function provideAndRegisterBody(s: Submission): string {
  const docs = s.documents
    .map((d, k) => `<xdsb:Document id="${escapeXml(d.id)}"><xop:Include xmlns:xop="${NS.xop}" href="cid:doc${k}@tessera-conformance"/></xdsb:Document>`)
    .join('');
  return `<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="${NS.xdsb}">${serialize(s.sor)}${docs}</xdsb:ProvideAndRegisterDocumentSetRequest>`;
}
