/**
 * The review queue and unmerge over the loopback admin listener (issue 6), JSON in and out:
 *   GET  /identity/reviews?limit=&after=        open review items with both sides' ids, persons, demographics
 *   POST /identity/reviews/{seq}/link            the item's record joins the candidate's person
 *   POST /identity/reviews/{seq}/distinct        the pair is two patients; never queued again
 *   POST /identity/unlink   {"id": "<CX>"}       the id leaves its person for a new one
 *   POST /identity/unmerge  {"id": "<CX>"}       undoes the merge of that id
 * POSTs need the operator in `X-Tessera-Operator` (the audit names them). The listener is unauthenticated and
 * bound to 127.0.0.1: whoever can open a socket on the host is trusted as an operator. Answers: 200, 400 (with
 * a message), 404 unknown id or item, 409 refused decision, 501 when the store has no cross-reference.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkCx, parseCx } from '../metadata/hl7-types';
import { IdentityError } from '../patient-identity/identity-error';
import { keyToCx, type PatientKey } from '../patient-identity/model';
import type { DecisionContext, ReviewQueue, ReviewSide, ReviewView } from '../patient-identity/review-queue';

export const OPERATOR_HEADER = 'x-tessera-operator';
const MAX_BODY = 16 * 1024;
const MAX_LIMIT = 1000;

class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${JSON.stringify(body)}\n`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new BadRequest(`body larger than ${MAX_BODY} bytes`, 413);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON object of a POST: empty body = {}; only `allowed` keys, each a string. */
async function jsonBody(req: IncomingMessage, allowed: readonly string[]): Promise<Record<string, string>> {
  const text = (await readBody(req)).trim();
  if (text === '') return {};
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new BadRequest('Content-Type must be application/json', 415);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequest('body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequest('body must be a JSON object');
  for (const [k, v] of Object.entries(value)) {
    if (!allowed.includes(k)) throw new BadRequest(`unexpected field "${k}"${allowed.length ? ` (expected ${allowed.join(', ')})` : ' (expected none)'}`);
    if (typeof v !== 'string') throw new BadRequest(`field "${k}" must be a string`);
  }
  return value as Record<string, string>;
}

function patientKey(body: Record<string, string>): PatientKey {
  const cx = body.id;
  if (cx === undefined) throw new BadRequest('field "id" is required (a patient id id^^^&OID&ISO)');
  const key = parseCx(cx);
  if (!key) throw new BadRequest(`invalid patient id "${cx}": ${checkCx(cx) ?? 'not a CX'} (expected id^^^&OID&ISO)`);
  return key;
}

function operatorOf(req: IncomingMessage): DecisionContext {
  const raw = req.headers[OPERATOR_HEADER];
  const operator = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
  if (!/^[\x21-\x7e][\x20-\x7e]{0,127}$/.test(operator)) {
    throw new BadRequest(`header ${OPERATOR_HEADER} is required: the operator's name (1-128 printable ASCII characters)`);
  }
  return { operator, sourceNode: req.socket.remoteAddress };
}

function positiveInt(value: string | null, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === null) return fallback;
  if (!/^\d{1,15}$/.test(value) || Number(value) > max) throw new BadRequest(`${name} must be an integer from 0 to ${max}`);
  return Number(value);
}

const cxOf = (k: PatientKey | undefined) => (k ? keyToCx(k) : undefined);

/** JSON shape of a side: ids as CX text; demographics as stored (shown to the operator, never logged). */
const sideJson = (s: ReviewSide) => ({
  id: keyToCx(s.key),
  person: s.personId ?? null,
  identifiers: s.identifiers.map(keyToCx),
  ...(s.mergedInto ? { mergedInto: keyToCx(s.mergedInto) } : {}),
  demographics: s.patient ? { names: s.patient.names, birthTime: s.patient.birthTime, gender: s.patient.gender, addresses: s.patient.addresses, telecoms: s.patient.telecoms } : null,
});
const itemJson = (v: ReviewView) => ({ id: v.seq, score: v.score, time: v.time, record: sideJson(v.record), candidate: sideJson(v.candidate) });

/** Replaces every PatientKey in an outcome by its CX text. */
function outcomeJson(o: object): Record<string, unknown> {
  const isKey = (v: unknown): v is PatientKey => typeof v === 'object' && v !== null && 'id' in v && 'authority' in v;
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, isKey(v) ? cxOf(v) : v]));
}

async function dispatch(req: IncomingMessage, url: URL, queue: ReviewQueue): Promise<[number, unknown]> {
  const path = url.pathname;
  if (path === '/identity/reviews') {
    if (req.method !== 'GET') throw new BadRequest('use GET', 405);
    const limit = positiveInt(url.searchParams.get('limit'), 'limit', 100, MAX_LIMIT);
    const after = positiveInt(url.searchParams.get('after'), 'after', 0);
    return [200, { reviews: (await queue.list(limit, after)).map(itemJson) }];
  }
  const item = /^\/identity\/reviews\/(\d{1,15})\/(link|distinct)$/.exec(path);
  const plain = /^\/identity\/(unlink|unmerge)$/.exec(path);
  if (!item && !plain) throw new BadRequest('Not Found', 404);
  if (req.method !== 'POST') throw new BadRequest('use POST', 405);
  const ctx = operatorOf(req);
  if (item) {
    await jsonBody(req, []);
    const seq = Number(item[1]);
    const outcome = item[2] === 'link' ? await queue.link(seq, ctx) : await queue.distinct(seq, ctx);
    return [200, { decision: item[2], ...outcomeJson(outcome) }];
  }
  const key = patientKey(await jsonBody(req, ['id']));
  const outcome = plain![1] === 'unlink' ? await queue.unlink(key, ctx) : await queue.unmerge(key, ctx);
  return [200, { decision: plain![1], ...outcomeJson(outcome) }];
}

/**
 * A browser on the host cannot drive these routes: POSTs need a custom header (a CORS preflight we never
 * answer), and a page reaching 127.0.0.1 through DNS rebinding still sends its own host name, refused here.
 */
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/i;

/** Answers a request under /identity/. `queue` is absent when the store bundle has no cross-reference. */
export async function routeIdentity(req: IncomingMessage, res: ServerResponse, queue: ReviewQueue | undefined): Promise<void> {
  if (!LOOPBACK_HOST.test(req.headers.host ?? '')) {
    req.resume();
    return sendJson(res, 403, { error: 'the admin API answers loopback host names only (127.0.0.1, localhost, [::1])' });
  }
  if (!queue) {
    req.resume();
    return sendJson(res, 501, { error: 'the patient cross-reference is not available with this store' });
  }
  try {
    const [status, body] = await dispatch(req, new URL(req.url ?? '/', 'http://admin'), queue);
    sendJson(res, status, body);
  } catch (err) {
    req.resume();
    if (err instanceof BadRequest) return sendJson(res, err.status, { error: err.message });
    if (!(err instanceof IdentityError)) throw err;
    const status = err.kind === 'conflict' ? 409 : err.kind === 'unknown-id' ? 404 : 400;
    sendJson(res, status, { error: err.key ? `${err.message}: ${keyToCx(err.key)}` : err.message });
  }
}
