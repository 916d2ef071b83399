/**
 * ITI-18 Registry Stored Query (ITI TF-2a §3.18) and ITI-51 Multi-Patient Stored Query (§3.51): read the
 * AdhocQueryRequest, run the stored query, answer an AdhocQueryResponse. Errors are thrown as XdsError and
 * turned into `iti18ErrorBody` once, at the endpoint. Every query, successful or not, is audited as a
 * Query event (DICOM 110112) carrying only the query id and the patient id(s) (ITI TF-2a §3.18.5.1).
 */
import { XdsError, type RegistryErrorEntry } from '../errors';
import { readAdhocQueryRequest, type AdhocQueryRequest } from '../ebxml/read-adhoc-query';
import { writeObjectRef, writeRegistryObject } from '../ebxml/write-registry-object';
import { writeAdhocQueryResponse } from '../ebxml/write-registry-response';
import type { RegistryObject } from '../metadata/model';
import type { Deps, Handler, HandlerContext, TransactionId } from '../transactions';
import {
  ITI18_QUERIES,
  ITI51_QUERIES,
  requestedPatientIds,
  runStoredQuery,
  type StoredQueryDef,
} from './stored-queries';

/** The AdhocQueryResponse with status Failure, no objects and the error list. */
export function iti18ErrorBody(errors: readonly RegistryErrorEntry[]): string {
  return writeAdhocQueryResponse({ status: 'Failure', objectsXml: '', errors });
}

/**
 * The homeCommunityId to echo on returned objects: AdhocQuery@home, else the $homeCommunityId parameter.
 * A registry does not route on it (NIST 11901/homeCommunityId: accepted, otherwise ignored).
 */
const homeOf = (req: AdhocQueryRequest): string | undefined => req.home ?? req.params.get('$homeCommunityId')?.[0]?.[0];

function objectsXml(objects: readonly RegistryObject[], req: AdhocQueryRequest): string {
  const home = homeOf(req);
  if (req.returnType === 'ObjectRef') return objects.map((o) => writeObjectRef(o.id, home)).join('');
  return objects.map((o) => writeRegistryObject(home === undefined ? o : { ...o, home })).join('');
}

async function audit(
  deps: Deps,
  ctx: HandlerContext,
  tx: TransactionId | 'ITI-51',
  req: AdhocQueryRequest | undefined,
  outcome: 0 | 4 | 8,
): Promise<void> {
  const objects = req
    ? [{ type: 'query', id: req.queryId }, ...requestedPatientIds(req).map((id) => ({ type: 'patient', id }))]
    : [];
  await deps.stores.audit.append({
    eventId: '110112',
    eventTypeCode: tx,
    action: 'E',
    outcome,
    time: deps.now().toISOString(),
    sourceNode: ctx.peer.subject,
    messageId: ctx.messageId,
    objects,
  });
}

function storedQueryHandler(tx: TransactionId | 'ITI-51', queries: ReadonlyMap<string, StoredQueryDef>): Handler {
  return async (soap, deps, ctx) => {
    let req: AdhocQueryRequest | undefined;
    try {
      req = readAdhocQueryRequest(soap.body);
      const limit = deps.registry.maxQueryResults;
      const result = await runStoredQuery(queries, req, { store: deps.stores.registry, patients: deps.stores.patients, limit });
      const body = writeAdhocQueryResponse({ status: 'Success', objectsXml: objectsXml(result.objects, req), errors: [] });
      await audit(deps, ctx, tx, req, 0);
      ctx.log.info({ query: result.query.name, returnType: req.returnType, count: result.objects.length }, 'stored query');
      return { body, count: result.objects.length };
    } catch (e) {
      await audit(deps, ctx, tx, req, e instanceof XdsError ? 4 : 8).catch((auditError: unknown) =>
        ctx.log.error({ err: auditError }, 'audit of a failed stored query failed'),
      );
      throw e; // converted once at the endpoint (XdsError → iti18ErrorBody, anything else → XDSRegistryError)
    }
  };
}

export const handleIti18: Handler = storedQueryHandler('ITI-18', ITI18_QUERIES);

/** ITI-51: same message, the multi-patient query table (needs its own transaction row, see README). */
export const handleIti51: Handler = storedQueryHandler('ITI-51', ITI51_QUERIES);
