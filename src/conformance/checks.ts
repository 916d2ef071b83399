/**
 * The checks the toolkit applies to a response (../shared/conformance/README.md, "Checks on the response"):
 * status and error codes, and ExpectedContents over a stored-query result. Each check returns problems as
 * { what, expected, got } so the report can say exactly what differed.
 */
import { ClassificationNode, ErrorSeverity, SubmissionSetScheme, FolderScheme, StatusPrefix } from '../ebxml/vocabulary';
import { type Node, child, kids, findAll, walk } from './xml-tree';

export interface Problem {
  readonly what: string;
  readonly expected: string;
  readonly got: string;
}

const STATUS_PREFIXES: Readonly<Record<string, string>> = {
  Success: 'urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:',
  Failure: 'urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:',
  PartialSuccess: 'urn:ihe:iti:2007:ResponseStatusType:',
};

interface RegistryErrorInfo {
  readonly errorCode: string;
  readonly codeContext: string;
  readonly severity: string;
}

export function registryErrors(body: Node): RegistryErrorInfo[] {
  return findAll(body, 'RegistryError').map((e) => ({
    errorCode: e.attrs.errorCode ?? '',
    codeContext: e.attrs.codeContext ?? e.text.trim(),
    severity: e.attrs.severity ?? ErrorSeverity.Error,
  }));
}

const isError = (e: RegistryErrorInfo) => e.severity === ErrorSeverity.Error || e.severity.endsWith(':Error');
const describe = (errs: readonly RegistryErrorInfo[]) =>
  errs.length === 0 ? 'no RegistryError' : errs.map((e) => `${e.errorCode}${isError(e) ? '' : ' (warning)'}: ${e.codeContext}`.slice(0, 300)).join(' | ');

/** The response status element: RegistryResponse itself or the one inside a Retrieve/Query response. */
function statusOf(body: Node): string | undefined {
  if (body.attrs.status !== undefined) return body.attrs.status;
  return child(body, 'RegistryResponse')?.attrs.status;
}

/** ExpectedStatus / ExpectedErrorCode / ExpectedErrorMessage. */
export function checkStatus(body: Node, expected: readonly string[], errorCodes: readonly string[], errorMessages: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const status = statusOf(body) ?? '';
  const errs = registryErrors(body);
  const ok = expected.length === 0 || expected.some((e) => status === `${STATUS_PREFIXES[e] ?? ''}${e}`);
  if (!ok) problems.push({ what: 'status', expected: expected.join(' or '), got: `${status || '(none)'}; ${describe(errs)}` });
  if (expected.length === 1 && expected[0] === 'Success' && errs.some(isError)) {
    problems.push({ what: 'errors', expected: 'no RegistryError with Error severity', got: describe(errs) });
  }
  for (const code of errorCodes) {
    if (!errs.some((e) => e.errorCode === code)) problems.push({ what: 'errorCode', expected: code, got: describe(errs) });
  }
  for (const msg of errorMessages) {
    if (!errs.some((e) => isError(e) && (e.errorCode.includes(msg) || e.codeContext.includes(msg)))) {
      problems.push({ what: 'errorMessage', expected: `${msg} (in errorCode or codeContext of an Error)`, got: describe(errs) });
    }
  }
  return problems;
}

export interface QueryContents {
  readonly documents: Node[];
  readonly submissionSets: Node[];
  readonly folders: Node[];
  readonly associations: Node[];
  readonly objectRefs: Node[];
}

/** Sorts the RegistryObjectList of an AdhocQueryResponse into XDS object kinds. */
export function queryContents(body: Node): QueryContents {
  const list = child(body, 'RegistryObjectList');
  const top = list?.children ?? [];
  const classified = new Map<string, string>();
  for (const c of top.filter((n) => n.local === 'Classification')) classified.set(c.attrs.classifiedObject ?? '', c.attrs.classificationNode ?? '');
  const packageKind = (p: Node): 'ss' | 'fol' | undefined => {
    let kind: 'ss' | 'fol' | undefined;
    walk(p, (n) => {
      const node = n.attrs.classificationNode;
      const scheme = n.attrs.identificationScheme;
      if (node === ClassificationNode.submissionSet || scheme === SubmissionSetScheme.uniqueId) kind = 'ss';
      if (node === ClassificationNode.folder || scheme === FolderScheme.uniqueId) kind = 'fol';
    });
    const ext = classified.get(p.attrs.id ?? '');
    if (ext === ClassificationNode.submissionSet) kind = 'ss';
    if (ext === ClassificationNode.folder) kind = 'fol';
    return kind;
  };
  const packages = top.filter((n) => n.local === 'RegistryPackage');
  return {
    documents: top.filter((n) => n.local === 'ExtrinsicObject'),
    submissionSets: packages.filter((p) => packageKind(p) === 'ss'),
    folders: packages.filter((p) => packageKind(p) === 'fol'),
    associations: top.filter((n) => n.local === 'Association'),
    objectRefs: top.filter((n) => n.local === 'ObjectRef'),
  };
}

const shortStatus = (n: Node) => (n.attrs.status ?? '').replace(StatusPrefix, '');
const shortType = (n: Node) => (n.attrs.associationType ?? '').replace(/^.*:/, '');
const summary = (q: QueryContents) =>
  `${q.submissionSets.length} SS, ${q.documents.length} DocumentEntries, ${q.folders.length} Folders, ${q.associations.length} Associations, ${q.objectRefs.length} ObjectRefs`;

type Check = (q: QueryContents, el: Node) => string | undefined; // undefined = pass, else the expectation

const count = (pick: (q: QueryContents) => Node[], name: string): Check => (q, el) => {
  const n = Number(el.attrs.count ?? '0');
  return pick(q).length === n ? undefined : `${n} ${name}`;
};

const hasMember = (q: QueryContents, src: Node | undefined, tgt: Node | undefined) =>
  !!src && !!tgt && q.associations.some((a) => shortType(a) === 'HasMember' && a.attrs.sourceObject === src.attrs.id && a.attrs.targetObject === tgt.attrs.id);

const shape = (ss: number, docs: number, fols: number, assocs: number, extra?: (q: QueryContents) => boolean): Check => (q) => {
  const ok =
    q.submissionSets.length === ss && q.documents.length === docs && q.folders.length === fols && q.associations.length === assocs && (extra ? extra(q) : true);
  return ok ? undefined : `${ss} SS, ${docs} DocumentEntries, ${fols} Folders, ${assocs} Associations${extra ? ' (with the required HasMember links)' : ''}`;
};

const ssApproved = (q: QueryContents) => q.submissionSets.every((s) => shortStatus(s) === 'Approved');
const isEmpty = (q: QueryContents) => q.submissionSets.length + q.documents.length + q.folders.length + q.associations.length === 0;

/** One entry per ExpectedContents child element (README table). MustOnlyInclude is handled separately. */
export const CONTENT_CHECKS: Readonly<Record<string, Check>> = {
  Documents: count((q) => q.documents, 'DocumentEntries'),
  Folders: count((q) => q.folders, 'Folders'),
  SubmissionSets: count((q) => q.submissionSets, 'SubmissionSets'),
  Associations: count((q) => q.associations, 'Associations'),
  ObjectRefs: (q, el) => {
    const n = Number(el.attrs.count ?? '0');
    return q.objectRefs.length === n && isEmpty(q) ? undefined : `${n} ObjectRefs and no other objects`;
  },
  None: (q) => (isEmpty(q) ? undefined : 'no SubmissionSet, DocumentEntry, Folder or Association'),
  SSwithOneDoc: shape(1, 1, 0, 1, (q) => hasMember(q, q.submissionSets[0], q.documents[0]) && ssApproved(q)),
  SSwithTwoDoc: shape(1, 2, 0, 2, ssApproved),
  SSwithOneFol: shape(1, 0, 1, 1, (q) => hasMember(q, q.submissionSets[0], q.folders[0])),
  SSwithOneDocOneFol: shape(1, 1, 1, 4, (q) => {
    const [ss, doc, fol] = [q.submissionSets[0], q.documents[0], q.folders[0]];
    const folDoc = q.associations.find((a) => a.attrs.sourceObject === fol?.attrs.id && a.attrs.targetObject === doc?.attrs.id);
    return hasMember(q, ss, doc) && hasMember(q, ss, fol) && !!folDoc && hasMember(q, ss, folDoc);
  }),
  SSwithTwoDocOneFol: shape(1, 2, 1, 7),
  SSApproved: (q) => (q.submissionSets.length > 0 && ssApproved(q) ? undefined : 'SubmissionSet status Approved'),
  DocApp: (q) => (q.documents.every((d) => shortStatus(d) === 'Approved') ? undefined : 'every DocumentEntry Approved'),
  DocDep: (q) => (q.documents.every((d) => shortStatus(d) === 'Deprecated') ? undefined : 'every DocumentEntry Deprecated'),
  HasXFRM_RPLC: (q) => {
    const x = q.associations.filter((a) => shortType(a) === 'XFRM_RPLC');
    const targets = new Set(x.map((a) => a.attrs.targetObject));
    return x.length > 0 && targets.size === x.length ? undefined : 'one XFRM_RPLC association per target';
  },
};

/**
 * Runs the ExpectedContents checks. `mustOnlyInclude` gives, for DocumentEntries/MustOnlyInclude, the
 * expected (id, objectType) pairs already resolved from nested UseIds.
 */
export function checkContents(body: Node, expected: Node, mustOnlyInclude: ReadonlyArray<{ id: string; objectType: string }>): Problem[] {
  const q = queryContents(body);
  const problems: Problem[] = [];
  for (const el of expected.children) {
    if (el.local === 'DocumentEntries') continue;
    const check = CONTENT_CHECKS[el.local];
    const want = check ? check(q, el) : `a known check (${el.local} is not implemented)`;
    if (want) problems.push({ what: `ExpectedContents/${el.local}`, expected: want, got: summary(q) });
  }
  if (kids(expected, 'DocumentEntries').length > 0) {
    const got = q.documents.map((d) => `${d.attrs.id}|${d.attrs.objectType}`).sort();
    const want = mustOnlyInclude.map((m) => `${m.id}|${m.objectType}`).sort();
    if (got.join(',') !== want.join(',')) problems.push({ what: 'ExpectedContents/DocumentEntries/MustOnlyInclude', expected: want.join(', '), got: got.join(', ') || 'no DocumentEntry' });
  }
  return problems;
}
