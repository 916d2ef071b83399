/**
 * ITI-18 Registry Stored Query (ITI TF-2a §3.18) and ITI-51 Multi-Patient Stored Query (§3.51): read the
 * AdhocQueryRequest, run the stored query, answer an AdhocQueryResponse. Errors are thrown as XdsError and
 * turned into `iti18ErrorBody` once, at the endpoint. Every query, successful or not, is audited as a
 * Query event (DICOM 110112) carrying only the query id and the patient id(s) (ITI TF-2a §3.18.5.1).
 */
import { XdsError, type RegistryErrorEntry } from '../errors';
import { readAdhocQueryRequest, type AdhocQueryRequest } from '../ebxml/read-adhoc-query';
import { completeStoredEbrimParts, writeObjectRef, writeRegistryObject, writeStoredEbrim } from '../ebxml/write-registry-object';
import { writeAdhocQueryResponse } from '../ebxml/write-registry-response';
import type { RegistryObject } from '../metadata/model';
import type { BodyParts } from '../soap/write-response';
import type { Deps, Handler, HandlerContext, TransactionId } from '../transactions';
import { storedEbrimOf, type EbrimToKeep } from './ports';
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

/**
 * LeafClass: the ebRIM form the store keeps for the object, completed with home and the current status. An
 * object the store returned without one gets it made now (same bytes as writeRegistryObject, test/storage/
 * stored-ebrim.test.ts) and listed in `keep` for the store; objects that are not the store's own (copies)
 * are serialised as they are. Appends pieces to `out`.
 */
function leafClassParts(o: RegistryObject, home: string | undefined, keep: EbrimToKeep[], out: string[]): void {
  let stored = storedEbrimOf(o);
  if (stored === undefined) {
    out.push(writeRegistryObject(home === undefined ? o : { ...o, home }));
    return;
  }
  if (stored === null) {
    stored = writeStoredEbrim(o);
    keep.push({ object: o, ebrim: stored });
  }
  completeStoredEbrimParts(o.kind, stored, home ?? o.home, o.availabilityStatus, out);
}

/** Stands for the object list in the response template; never in a Success answer otherwise (no errors). */
const OBJECTS_HERE = '\u0000';

/**
 * The AdhocQueryResponse as pieces: the template around the object list, and each object's pieces. Neither
 * joined nor concatenated: the reply path packs them into socket-sized buffers (soap/write-response.ts).
 */
function successBody(objects: readonly RegistryObject[], req: AdhocQueryRequest, keep: EbrimToKeep[]): string | BodyParts {
  if (objects.length === 0) return writeAdhocQueryResponse({ status: 'Success', objectsXml: '', errors: [] });
  const template = writeAdhocQueryResponse({ status: 'Success', objectsXml: OBJECTS_HERE, errors: [] });
  const at = template.indexOf(OBJECTS_HERE);
  const home = homeOf(req);
  const out: string[] = [template.slice(0, at)];
  if (req.returnType === 'ObjectRef') for (let i = 0; i < objects.length; i++) out.push(writeObjectRef(objects[i]!.id, home));
  else for (let i = 0; i < objects.length; i++) leafClassParts(objects[i]!, home, keep, out);
  out.push(template.slice(at + OBJECTS_HERE.length));
  return out;
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

function storedQueryHandler(tx: TransactionId | 'ITI-51', queries: ReadonlyMap<string, StoredQueryDef>): Handler<string | BodyParts> {
  return async (soap, deps, ctx) => {
    let req: AdhocQueryRequest | undefined;
    try {
      req = readAdhocQueryRequest(soap.body);
      const limit = deps.registry.maxQueryResults;
      const storedEbrim = req.returnType === 'LeafClass';
      const result = await runStoredQuery(queries, req, { store: deps.stores.registry, patients: deps.stores.patients, limit, storedEbrim });
      const keep: EbrimToKeep[] = [];
      const body = successBody(result.objects, req, keep);
      await audit(deps, ctx, tx, req, 0);
      ctx.log.info({ query: result.query.name, returnType: req.returnType, count: result.objects.length }, 'stored query');
      if (keep.length === 0) return { body, count: result.objects.length };
      // After the reply: writing 1,000 forms (≈ 6 MB of row updates) while the answer streams would delay it.
      const afterReply = () => {
        deps.stores.registry.keepStoredEbrim(keep).catch((err: unknown) => ctx.log.warn({ err }, 'keeping stored ebRIM failed'));
      };
      return { body, count: result.objects.length, afterReply };
    } catch (e) {
      await audit(deps, ctx, tx, req, e instanceof XdsError ? 4 : 8).catch((auditError: unknown) =>
        ctx.log.error({ err: auditError }, 'audit of a failed stored query failed'),
      );
      throw e; // converted once at the endpoint (XdsError → iti18ErrorBody, anything else → XDSRegistryError)
    }
  };
}

export const handleIti18: Handler<string | BodyParts> = storedQueryHandler('ITI-18', ITI18_QUERIES);

/** ITI-51: same message, the multi-patient query table (needs its own transaction row, see README). */
export const handleIti51: Handler<string | BodyParts> = storedQueryHandler('ITI-51', ITI51_QUERIES);
