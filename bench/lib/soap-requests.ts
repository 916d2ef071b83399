/**
 * SOAP request bodies for the benchmarks, from string templates (design.md convention 5): ITI-18 stored
 * queries, ITI-41 Provide and Register (MTOM via src/soap/mtom-write.ts, or inline base64 streamed) and
 * ITI-43 Retrieve. Query ids come from the stored-query table, actions from the vocabulary.
 */
import { Readable } from 'node:stream';
import { ClassificationNode, DocumentEntryScheme as DE, ObjectType, SoapAction, StatusPrefix, SubmissionSetScheme as SS } from '../../src/ebxml/vocabulary';
import { escapeXml } from '../../src/soap/xml';
import { writeMtom, xopInclude, type MtomPart } from '../../src/soap/mtom-write';
import { FindDocuments } from '../../src/registry/stored-queries/find-documents';
import { FindFolders } from '../../src/registry/stored-queries/find-folders';
import { FindSubmissionSets } from '../../src/registry/stored-queries/find-submission-sets';
import { GetAll } from '../../src/registry/stored-queries/get-all';
import { GetDocuments } from '../../src/registry/stored-queries/get-by-id';
import { GetRelatedDocuments } from '../../src/registry/stored-queries/get-contents';

let messageCounter = 0;

export function soapEnvelope(action: string, to: string, bodyXml: string): string {
  return (
    `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header>` +
    `<a:Action s:mustUnderstand="1">${action}</a:Action><a:MessageID>urn:uuid:00000000-bbbb-4000-8000-${(++messageCounter).toString(16).padStart(12, '0')}</a:MessageID>` +
    `<a:To>https://localhost${to}</a:To></s:Header><s:Body>${bodyXml}</s:Body></s:Envelope>`
  );
}

const slot = (name: string, values: readonly string[]) =>
  `<rim:Slot name="${name}"><rim:ValueList>${values.map((v) => `<rim:Value>${escapeXml(v)}</rim:Value>`).join('')}</rim:ValueList></rim:Slot>`;
const quoted = (v: string) => `'${v}'`;
const list = (vs: readonly string[]) => `(${vs.map(quoted).join(',')})`;
const APPROVED = list([`${StatusPrefix}Approved`]);

export type ReturnType = 'LeafClass' | 'ObjectRef';

function adhoc(queryId: string, slots: string, returnType: ReturnType): string {
  return (
    `<query:AdhocQueryRequest xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">` +
    `<query:ResponseOption returnComposedObjects="true" returnType="${returnType}"/>` +
    `<rim:AdhocQuery id="${queryId}">${slots}</rim:AdhocQuery></query:AdhocQueryRequest>`
  );
}

const iti18 = (body: string) => soapEnvelope(SoapAction.iti18, '/xds/registry', body);

export const iti18Queries = {
  findDocuments: (pid: string, rt: ReturnType) =>
    iti18(adhoc(FindDocuments.id, slot('$XDSDocumentEntryPatientId', [quoted(pid)]) + slot('$XDSDocumentEntryStatus', [APPROVED]), rt)),
  findSubmissionSets: (pid: string) =>
    iti18(adhoc(FindSubmissionSets.id, slot('$XDSSubmissionSetPatientId', [quoted(pid)]) + slot('$XDSSubmissionSetStatus', [APPROVED]), 'LeafClass')),
  findFolders: (pid: string) =>
    iti18(adhoc(FindFolders.id, slot('$XDSFolderPatientId', [quoted(pid)]) + slot('$XDSFolderStatus', [APPROVED]), 'LeafClass')),
  getAll: (pid: string) =>
    iti18(
      adhoc(
        GetAll.id,
        slot('$patientId', [quoted(pid)]) + slot('$XDSDocumentEntryStatus', [APPROVED]) + slot('$XDSSubmissionSetStatus', [APPROVED]) + slot('$XDSFolderStatus', [APPROVED]),
        'LeafClass',
      ),
    ),
  getDocuments: (uuids: readonly string[]) => iti18(adhoc(GetDocuments.id, slot('$XDSDocumentEntryEntryUUID', [list(uuids)]), 'LeafClass')),
  getRelatedDocuments: (uuid: string) =>
    iti18(
      adhoc(
        GetRelatedDocuments.id,
        slot('$XDSDocumentEntryEntryUUID', [quoted(uuid)]) +
          slot('$AssociationTypes', [list(['urn:ihe:iti:2007:AssociationType:RPLC', 'urn:ihe:iti:2007:AssociationType:APND', 'urn:ihe:iti:2007:AssociationType:XFRM'])]),
        'LeafClass',
      ),
    ),
};

/** SubmitObjectsRequest of one SubmissionSet and `docs.length` DocumentEntries (hash/size left to the repository). */
export function submitObjects(o: { pid: string; ssUid: string; docs: readonly { id: string; uid: string; mime: string }[]; documentXml: (i: number) => string }): string {
  const ext = (id: string, scheme: string, value: string, name: string) =>
    `<rim:ExternalIdentifier id="${id}-${name}" registryObject="${id}" identificationScheme="${scheme}" value="${escapeXml(value)}"><rim:Name><rim:LocalizedString value="${name}"/></rim:Name></rim:ExternalIdentifier>`;
  const cls = (id: string, n: string, scheme: string, code: string, codingScheme: string) =>
    `<rim:Classification id="${id}-${n}" classificationScheme="${scheme}" classifiedObject="${id}" nodeRepresentation="${code}">${slot('codingScheme', [codingScheme])}<rim:Name><rim:LocalizedString value="${code}"/></rim:Name></rim:Classification>`;
  const author = (id: string, scheme: string) =>
    `<rim:Classification id="${id}-author" classificationScheme="${scheme}" classifiedObject="${id}" nodeRepresentation="">${slot('authorPerson', ['^Welby^Marcus^^^Dr^MD'])}${slot('authorInstitution', ['Bench Clinic^^^^^^^^^1.3.6.1.4.1.21367.2026.13.1'])}</rim:Classification>`;
  const de = (d: { id: string; uid: string; mime: string }) =>
    `<rim:ExtrinsicObject id="${d.id}" mimeType="${d.mime}" objectType="${ObjectType.stableDocumentEntry}">` +
    slot('creationTime', ['20250312101500']) + slot('languageCode', ['en-US']) + slot('serviceStartTime', ['202503120900']) +
    slot('sourcePatientId', [o.pid]) + slot('sourcePatientInfo', ['PID-3|' + o.pid, 'PID-8|F']) +
    `<rim:Name><rim:LocalizedString value="Benchmark document"/></rim:Name>` + author(d.id, DE.author) +
    cls(d.id, 'class', DE.classCode, 'REPORTS', '1.3.6.1.4.1.19376.1.2.6.1') +
    cls(d.id, 'conf', DE.confidentialityCode, 'N', '2.16.840.1.113883.5.25') +
    cls(d.id, 'format', DE.formatCode, 'urn:ihe:iti:xds-sd:pdf:2008', '1.3.6.1.4.1.19376.1.2.3') +
    cls(d.id, 'hcft', DE.healthcareFacilityTypeCode, '22232009', '2.16.840.1.113883.6.96') +
    cls(d.id, 'ps', DE.practiceSettingCode, '309927009', '2.16.840.1.113883.6.96') +
    cls(d.id, 'type', DE.typeCode, '11488-4', '2.16.840.1.113883.6.1') +
    ext(d.id, DE.patientId, o.pid, 'XDSDocumentEntry.patientId') +
    ext(d.id, DE.uniqueId, d.uid, 'XDSDocumentEntry.uniqueId') +
    `</rim:ExtrinsicObject>`;
  const ss =
    `<rim:RegistryPackage id="SubmissionSet01">${slot('submissionTime', ['20250312101600'])}<rim:Name><rim:LocalizedString value="Benchmark submission"/></rim:Name>` +
    author('SubmissionSet01', SS.author) + cls('SubmissionSet01', 'ct', SS.contentTypeCode, '35971002', '2.16.840.1.113883.6.96') +
    ext('SubmissionSet01', SS.uniqueId, o.ssUid, 'XDSSubmissionSet.uniqueId') +
    ext('SubmissionSet01', SS.sourceId, '1.3.6.1.4.1.21367.2026.11.1', 'XDSSubmissionSet.sourceId') +
    ext('SubmissionSet01', SS.patientId, o.pid, 'XDSSubmissionSet.patientId') +
    `</rim:RegistryPackage><rim:Classification id="cl-ss" classifiedObject="SubmissionSet01" classificationNode="${ClassificationNode.submissionSet}"/>`;
  const assocs = o.docs
    .map((d, i) => `<rim:Association id="as-${i}" associationType="urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember" sourceObject="SubmissionSet01" targetObject="${d.id}">${slot('SubmissionSetStatus', ['Original'])}</rim:Association>`)
    .join('');
  const docs = o.docs.map((d, i) => `<xdsb:Document id="${d.id}">${o.documentXml(i)}</xdsb:Document>`).join('');
  return (
    `<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="urn:ihe:iti:xds-b:2007"><lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">` +
    `<rim:RegistryObjectList>${ss}${o.docs.map(de).join('')}${assocs}</rim:RegistryObjectList></lcm:SubmitObjectsRequest>${docs}</xdsb:ProvideAndRegisterDocumentSetRequest>`
  );
}

/** Deterministic pseudo-random document bytes, generated chunk by chunk (never held whole). */
export function documentStream(size: number, seed: number, chunk = 1 << 20): Readable {
  const block = Buffer.alloc(Math.min(chunk, Math.max(size, 1)));
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((Math.imul(i + 1, 2654435761) ^ seed) >>> 0, Math.min(i, block.length - 4));
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const n = Math.min(block.length, size - sent);
      block.writeUInt32LE((sent ^ seed) >>> 0, 0); // each chunk differs, so hashing cannot be skipped
      this.push(Buffer.from(block.subarray(0, n)));
      sent += n;
    },
  });
}

export interface Iti41Body {
  readonly contentType: string;
  readonly body: Readable;
  readonly bytes: number;
}

export interface Iti41Spec {
  readonly pid: string;
  readonly ssUid: string;
  readonly docUid: (i: number) => string;
  readonly sizes: readonly number[];
  readonly seed: number;
}

const docsOf = (s: Iti41Spec) => s.sizes.map((_, i) => ({ id: `Document${i + 1}`, uid: s.docUid(i), mime: 'application/pdf' }));

/** ITI-41 as MTOM/XOP: documents are streamed as binary parts by writeMtom. */
export function iti41Mtom(s: Iti41Spec): Iti41Body {
  const docs = docsOf(s);
  const env = soapEnvelope(SoapAction.iti41, '/xds/repository', submitObjects({ pid: s.pid, ssUid: s.ssUid, docs, documentXml: (i) => xopInclude(`doc${i}@bench`) }));
  const parts: MtomPart[] = s.sizes.map((size, i) => ({ contentId: `doc${i}@bench`, contentType: 'application/pdf', stream: () => documentStream(size, s.seed + i) }));
  const { contentType, body } = writeMtom(env, parts);
  return { contentType, body, bytes: s.sizes.reduce((a, b) => a + b, 0) };
}

/** ITI-41 with the document inline as base64 text (B3), streamed: the client never holds the whole body. */
export function iti41Inline(s: Iti41Spec): Iti41Body {
  const MARK = '\u0000DOC\u0000';
  const env = soapEnvelope(SoapAction.iti41, '/xds/repository', submitObjects({ pid: s.pid, ssUid: s.ssUid, docs: docsOf(s), documentXml: (i) => `${MARK}${i}${MARK}` }));
  const pieces = env.split(MARK);
  async function* gen(): AsyncGenerator<Buffer> {
    for (let k = 0; k < pieces.length; k++) {
      if (k % 2 === 0) yield Buffer.from(pieces[k]!, 'utf8');
      else {
        let carry = Buffer.alloc(0);
        for await (const c of documentStream(s.sizes[Number(pieces[k])]!, s.seed + Number(pieces[k]))) {
          const all = Buffer.concat([carry, c as Buffer]);
          const whole = all.length - (all.length % 3);
          yield Buffer.from(all.subarray(0, whole).toString('base64'));
          carry = all.subarray(whole);
        }
        if (carry.length) yield Buffer.from(carry.toString('base64'));
      }
    }
  }
  return { contentType: 'application/soap+xml; charset=UTF-8', body: Readable.from(gen(), { objectMode: false }), bytes: s.sizes.reduce((a, b) => a + b, 0) };
}

export function iti43(repositoryUid: string, documentUids: readonly string[]): string {
  const reqs = documentUids
    .map((u) => `<xdsb:DocumentRequest><xdsb:RepositoryUniqueId>${repositoryUid}</xdsb:RepositoryUniqueId><xdsb:DocumentUniqueId>${u}</xdsb:DocumentUniqueId></xdsb:DocumentRequest>`)
    .join('');
  return soapEnvelope(SoapAction.iti43, '/xds/repository', `<xdsb:RetrieveDocumentSetRequest xmlns:xdsb="urn:ihe:iti:xds-b:2007">${reqs}</xdsb:RetrieveDocumentSetRequest>`);
}
