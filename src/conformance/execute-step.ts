/**
 * Runs one TestStep: resolve links, build and send the message, check the reply, record the log entry
 * that later steps read. Transaction kinds: README "Transaction elements used in this corpus".
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { SoapAction } from '../ebxml/vocabulary';
import { type Node, child, kids, parseTree, serialize, textOf } from './xml-tree';
import { newRecord, resolveUseId, resolveUseReport, resolveTestdir, LinkError, type StepRecord } from './run-log';
import { builtins, substituteTree, substituteText, type Substitutions } from './substitute';
import { buildSubmission, provideAndRegisterBody } from './submission';
import { postSoap, httpPost, readSoapReply, type SoapReply } from './http-client';
import { rewriteRawBody, parseHeaderLines } from './raw-body';
import { checkStatus, checkContents, type Problem } from './checks';
import { inlineXop, retrievedDocuments, referenceEntries, checkRetrieve } from './retrieve-check';
import { reportValue, assertTrue } from './xpath-eval';
import { stepExpectedStatus, type StepDef } from './testkit';
import type { RunContext, SectionState, StepResult } from './context';

interface Outcome {
  readonly problems: Problem[];
  readonly reply?: SoapReply;
}

export async function executeStep(ctx: RunContext, st: SectionState, step: StepDef): Promise<StepResult> {
  const started = Date.now();
  const tx = step.tx;
  const rec = newRecord(st.testId, st.section, step.id, tx?.local ?? 'NoTransaction');
  const expectedStatus = stepExpectedStatus(step);
  ctx.log.put(rec); // before running: Assertions see the step's own log entry
  let problems: Problem[];
  try {
    problems = await runStep(ctx, st, step, rec, expectedStatus);
  } catch (e) {
    // link = an earlier step did not leave what this one needs; transport = network/TLS; runner = our bug or bad plan
    const what = e instanceof LinkError ? 'link' : (e as NodeJS.ErrnoException).code ? 'transport' : 'runner';
    problems = [{ what, expected: 'the step to run', got: (e as Error).message }];
  }
  return {
    section: st.section,
    step: step.id,
    transaction: tx?.local ?? 'none',
    passed: problems.length === 0,
    expectedStatus,
    problems,
    durationMs: Date.now() - started,
  };
}

async function runStep(ctx: RunContext, st: SectionState, step: StepDef, rec: StepRecord, expected: string[]): Promise<Problem[]> {
  const tx = step.tx;
  if (child(step.node, 'NewPatientId')) {
    st.patientId = ctx.newPatientId();
    await ctx.feed.add(st.patientId);
  }
  const altFresh = child(step.node, 'AltPatientId') ? ctx.newPatientId() : undefined;
  publishRunParameters(rec, st);
  if (!tx) return [];
  const wait = Number(textOf(child(tx, 'WaitBefore')) || '0');
  if (wait > 0) await ctx.sleep(wait);
  const here = { testId: st.testId, section: st.section };
  const reportSubs: Array<[string, string]> = kids(tx, 'UseReport').map((u) => [u.attrs.useAs ?? '', resolveUseReport(ctx.log, here, u.attrs)]);
  const useIdSubs: Array<[string, string]> = kids(tx, 'UseId').map((u) => [u.attrs.symbol ?? '', resolveUseId(ctx.log, here, u.attrs)]);
  const runSubs: Substitutions = [...reportSubs, ['$patientid$', st.patientId], ['$altpatientid$', st.altPatientId]];
  const outcome = await send(ctx, st, tx, rec, { runSubs, useIdSubs, altFresh });
  const problems = [...outcome.problems];
  if (outcome.reply?.body && problems.length === 0) problems.push(...checkStatus(outcome.reply.body, expected, codes(step, 'ExpectedErrorCode'), codes(step, 'ExpectedErrorMessage')));
  const successExpected = expected.length === 1 && expected[0] === 'Success';
  const contents = child(tx, 'ExpectedContents');
  if (problems.length === 0 && successExpected && contents && tx.local === 'StoredQueryTransaction' && outcome.reply?.body) {
    problems.push(...checkContents(outcome.reply.body, contents, mustOnlyInclude(ctx, here, contents)));
  }
  for (const r of kids(tx, 'Report')) rec.reports[r.attrs.name ?? ''] = reportValue(rec, r.attrs.section ?? 'Result', r.text);
  if (problems.length === 0) problems.push(...assertions(ctx, st, tx, [...reportSubs, ...useIdSubs]));
  return problems;
}

const codes = (step: StepDef, name: string) => kids(step.node, name).map((n) => n.text.trim()).filter((s) => s !== '');

function publishRunParameters(rec: StepRecord, st: SectionState): void {
  rec.reports.$patientid$ = st.patientId;
  rec.reports.$altpatientid$ = st.altPatientId;
}

interface SendInput {
  readonly runSubs: Substitutions;
  readonly useIdSubs: Substitutions;
  readonly altFresh?: string;
}

async function send(ctx: RunContext, st: SectionState, tx: Node, rec: StepRecord, i: SendInput): Promise<Outcome> {
  switch (tx.local) {
    case 'NullTransaction':
      return { problems: [] };
    case 'PatientIdentityFeedTransaction':
      if (child(tx, 'CreateNewPatientId')) st.patientId = ctx.newPatientId();
      await ctx.feed.add(st.patientId);
      rec.reports.$patientid$ = st.patientId;
      return { problems: [] };
    case 'RegisterTransaction':
    case 'ProvideAndRegisterTransaction':
      return submit(ctx, st, tx, rec, i);
    case 'StoredQueryTransaction':
    case 'RetrieveTransaction':
      return queryOrRetrieve(ctx, st, tx, rec, i);
    case 'HttpTransaction':
      return rawHttp(ctx, st, tx, rec);
    default:
      return { problems: [{ what: 'transaction', expected: 'a supported transaction', got: `${tx.local} is not supported by the runner` }] };
  }
}

async function submit(ctx: RunContext, st: SectionState, tx: Node, rec: StepRecord, i: SendInput): Promise<Outcome> {
  const pnr = tx.local === 'ProvideAndRegisterTransaction';
  const s = buildSubmission({
    dir: st.dir,
    tx,
    subs: i.runSubs,
    useIds: i.useIdSubs,
    builtins: builtins(ctx.now()),
    patientId: child(tx, 'NoPatientId') ? undefined : (i.altFresh ?? st.patientId),
    sourceId: ctx.sourceId,
    newUid: ctx.newUid,
    newUuid: ctx.newUuid,
  });
  Object.assign(rec.assigned, s.assigned);
  for (const [id, uid] of Object.entries(s.assigned.AssignedUids)) rec.reports[`${id}_uid`] = uid;
  for (const [id, uuid] of Object.entries(s.assigned.AssignedUuids)) rec.reports[`${id}_uuid`] = uuid;
  for (const d of s.documents) if (d.uniqueId) rec.documents.set(d.uniqueId, d.bytes);
  const body = pnr ? provideAndRegisterBody(s) : serialize(s.sor);
  rec.input = body;
  const attachments = s.documents.map((d, k) => ({ contentId: `doc${k}@tessera-conformance`, contentType: d.mimeType, bytes: d.bytes }));
  const reply = pnr
    ? await postSoap(ctx.repositoryUrl, SoapAction.iti41, body, ctx.tls, attachments)
    : await postSoap(ctx.registryUrl, SoapAction.iti42, body, ctx.tls);
  return finish(ctx, rec, reply);
}

async function queryOrRetrieve(ctx: RunContext, st: SectionState, tx: Node, rec: StepRecord, i: SendInput): Promise<Outcome> {
  const message = parseTree(readFileSync(join(st.dir, textOf(child(tx, 'MetadataFile'))), 'utf8'));
  substituteTree(message, [...i.runSubs, ...i.useIdSubs, ...builtins(ctx.now())]);
  const body = serialize(message);
  rec.input = body;
  if (tx.local === 'StoredQueryTransaction') return finish(ctx, rec, await postSoap(ctx.registryUrl, SoapAction.iti18, body, ctx.tls));
  const reply = await postSoap(ctx.repositoryUrl, SoapAction.iti43, body, ctx.tls, []);
  const requested = kids(message, 'DocumentRequest').map((r) => ({
    repositoryUniqueId: textOf(child(r, 'RepositoryUniqueId')),
    documentUniqueId: textOf(child(r, 'DocumentUniqueId')),
  }));
  const docs = reply.body ? retrievedDocuments(reply.body, reply.parts) : [];
  docs.forEach((d, k) => {
    const n = k + 1;
    const hash = createHash('sha1').update(d.bytes).digest('hex');
    Object.assign(rec.reports, { [`$repuid_doc${n}$`]: d.repositoryUniqueId, [`$mimetype_doc${n}$`]: d.mimeType, [`$hash_doc${n}$`]: hash, [`$size_doc${n}$`]: String(d.bytes.length), [`$home_doc${n}$`]: '' });
  });
  const outcome = finish(ctx, rec, reply);
  if (outcome.problems.length > 0 || !reply.body) return outcome;
  const refNode = child(tx, 'ReferenceMetadata');
  const refRec = refNode ? ctx.log.get(...refTarget(st, refNode)) : undefined;
  if (refNode && !refRec) throw new LinkError(`ReferenceMetadata ${refNode.attrs.testdir}/${refNode.attrs.step}: no such step in the log`);
  const reference = refRec ? referenceEntries(refRec.resultTree) : undefined;
  return { reply, problems: checkRetrieve(requested, docs, reference, (uid) => ctx.log.submittedDocument(uid)) };
}

function refTarget(st: SectionState, ref: Node): [string, string, string] {
  const w = resolveTestdir(st.testId, st.section, ref.attrs.testdir);
  return [w.testId, w.section, ref.attrs.step ?? ''];
}

async function rawHttp(ctx: RunContext, st: SectionState, tx: Node, rec: StepRecord): Promise<Outcome> {
  const text = readFileSync(join(st.dir, textOf(child(tx, 'BodyFile'))), 'utf8');
  const raw = rewriteRawBody(text, st.patientId, ctx.newUid);
  Object.entries(raw.uniqueIds).forEach(([, uid], k) => (rec.reports[`raw${k}_uid`] = uid));
  rec.input = '';
  const headers = parseHeaderLines(textOf(child(tx, 'Headers')));
  const reply = readSoapReply(await httpPost(ctx.repositoryUrl, headers, raw.body, ctx.tls));
  return finish(ctx, rec, reply);
}

/** Records the reply and queues it for the batched schema validation. */
function finish(ctx: RunContext, rec: StepRecord, reply: SoapReply): Outcome {
  if (reply.problem || !reply.body) return { reply, problems: [{ what: 'reply', expected: 'a SOAP response body', got: reply.problem ?? 'nothing' }] };
  inlineXop(reply.body, reply.parts);
  rec.resultTree = reply.body;
  rec.result = serialize(reply.body);
  if (ctx.schema) ctx.schemaQueue.push({ testId: rec.testId, section: rec.section, step: rec.step, xml: rec.result, root: reply.body.local });
  return { reply, problems: [] };
}

function mustOnlyInclude(ctx: RunContext, here: { testId: string; section: string }, contents: Node): Array<{ id: string; objectType: string }> {
  const out: Array<{ id: string; objectType: string }> = [];
  for (const des of kids(contents, 'DocumentEntries')) {
    for (const moi of kids(des, 'MustOnlyInclude')) {
      for (const de of kids(moi, 'DocumentEntry')) {
        const u = child(de, 'UseId');
        out.push({ id: u ? resolveUseId(ctx.log, here, u.attrs) : '', objectType: textOf(child(de, 'DocumentEntryType')) });
      }
    }
  }
  return out;
}

function assertions(ctx: RunContext, st: SectionState, tx: Node, subs: Substitutions): Problem[] {
  const problems: Problem[] = [];
  const records = ctx.log.section(st.testId, st.section);
  for (const a of kids(child(tx, 'Assertions') ?? tx, 'Assert')) {
    const expr = substituteText(a.text, [...subs, ...builtins(ctx.now())]);
    let ok = false;
    let error = '';
    try {
      ok = assertTrue(records, expr);
    } catch (e) {
      error = (e as Error).message;
    }
    if (!ok) problems.push({ what: `Assert ${a.attrs.id ?? ''}`, expected: expr.trim().replace(/\s+/g, ' '), got: error || 'false' });
  }
  return problems;
}
