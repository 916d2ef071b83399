/**
 * ITI-18 Registry Stored Query (ITI TF-2a §3.18) and ITI-51 Multi-Patient Stored Query (§3.51): read the
 * AdhocQueryRequest, run the stored query, answer an AdhocQueryResponse. Errors are thrown as XdsError and
 * turned into `iti18ErrorBody` once, at the endpoint. Every query, successful or not, is audited as a
 * Query event (DICOM 110112) carrying only the query id and the patient id(s) (ITI TF-2a §3.18.5.1).
 */
import { XdsError, type RegistryErrorEntry } from '../errors';
import { readAdhocQueryRequest, type AdhocQueryRequest } from '../ebxml/read-adhoc-query';
import { completeStoredEbrim, writeObjectRef, writeRegistryObject, writeStoredEbrim } from '../ebxml/write-registry-object';
import { writeAdhocQueryResponse } from '../ebxml/write-registry-response';
import type { RegistryObject } from '../metadata/model';
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
 * are serialised as they are.
 */
function leafClassXml(o: RegistryObject, home: string | undefined, keep: EbrimToKeep[]): string {
  let stored = storedEbrimOf(o);
  if (stored === undefined) return writeRegistryObject(home === undefined ? o : { ...o, home });
  if (stored === null) {
    stored = writeStoredEbrim(o);
    keep.push({ object: o, ebrim: stored });
  }
  return completeStoredEbrim(o.kind, stored, home ?? o.home, o.availabilityStatus);
}

/**
 * Built with `+=`, not join(''): join copies a 1,000-entry LeafClass (6 MB) into a flat string that the reply
 * path copies again when it flattens the envelope around it; a rope is copied once, when the reply is encoded.
 */
function objectsXml(objects: readonly RegistryObject[], req: AdhocQueryRequest, keep: EbrimToKeep[]): string {
  const home = homeOf(req);
  let s = '';
  if (req.returnType === 'ObjectRef') for (let i = 0; i < objects.length; i++) s += writeObjectRef(objects[i]!.id, home);
  else for (let i = 0; i < objects.length; i++) s += leafClassXml(objects[i]!, home, keep);
  return s;
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
      const storedEbrim = req.returnType === 'LeafClass';
      const result = await runStoredQuery(queries, req, { store: deps.stores.registry, patients: deps.stores.patients, limit, storedEbrim });
      const keep: EbrimToKeep[] = [];
      const body = writeAdhocQueryResponse({ status: 'Success', objectsXml: objectsXml(result.objects, req, keep), errors: [] });
      // Not awaited: the answer does not depend on it; the store writes the forms after this turn.
      if (keep.length > 0) {
        deps.stores.registry.keepStoredEbrim(keep).catch((err: unknown) => ctx.log.warn({ err }, 'keeping stored ebRIM failed'));
      }
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
