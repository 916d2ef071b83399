/**
 * ITI-45 PIXV3 Query (ITI TF-2b §3.45.4.2.3): PRPA_IN201309UV02 → PRPA_IN201310UV02.
 * Case 1: ids found → AA/OK, one registrationEvent with the ids (never the queried one).
 * Case 2: patient known, nothing in the requested domains → AA/NF, no registrationEvent.
 * Case 3: patient id not recognised; case 4: its domain unknown; case 5: a dataSource domain unknown →
 * AE/AE with acknowledgementDetail code 204 at the offending value's location.
 */
import { Interaction } from '../hl7v3/vocabulary';
import { PIX_PATIENT_ID_LOCATION, pixDataSourceLocation, readPixQuery, type PixQuery } from '../hl7v3/read-pix-query';
import { tryHeader } from '../hl7v3/read-message';
import { writePixResponse } from '../hl7v3/write-query-response';
import type { AckDetail } from '../hl7v3/write-wrapper';
import type { Handler } from '../transactions';
import { isKnownDomain } from './domains';
import { keyEquals, keyToCx, type PatientKey } from './model';
import { audit, detail204, errorAck, replyContext, type PixContext } from './pix-context';

function domainErrors(pix: PixContext, q: PixQuery): AckDetail[] {
  const d = pix.xref.domains;
  const errors: AckDetail[] = [];
  if (!isKnownDomain(d, q.patientId.authority)) errors.push(detail204(`unknown assigning authority ${q.patientId.authority}`, PIX_PATIENT_ID_LOCATION));
  q.dataSources.forEach((oid, i) => {
    if (!isKnownDomain(d, oid)) errors.push(detail204(`unknown data source ${oid}`, pixDataSourceLocation(i)));
  });
  return errors;
}

async function lookup(pix: PixContext, q: PixQuery): Promise<{ errors: AckDetail[]; ids: PatientKey[] }> {
  const errors = domainErrors(pix, q);
  if (errors.length > 0) return { errors, ids: [] };
  const person = await pix.xref.personOf(q.patientId);
  if (!person) return { errors: [detail204(`unknown patient identifier ${keyToCx(q.patientId)}`, PIX_PATIENT_ID_LOCATION)], ids: [] };
  const all = await pix.xref.identifiers(person);
  const ids = all.filter((k) => !keyEquals(k, q.patientId) && (q.dataSources.length === 0 || q.dataSources.includes(k.authority)));
  return { errors: [], ids };
}

export const createIti45 =
  (pix: PixContext): Handler =>
  async (req, deps, ctx) => {
    const header = tryHeader(req.body);
    let q: PixQuery | undefined;
    try {
      q = readPixQuery(req.body);
      const { errors, ids } = await lookup(pix, q);
      const base = { queryId: q.queryId, queryByParameter: q.queryByParameter, custodianOid: pix.custodianOid };
      const r = errors.length > 0
        ? { ...base, ack: 'AE' as const, details: errors, responseCode: 'AE' as const }
        : { ...base, ack: 'AA' as const, details: [], responseCode: ids.length > 0 ? ('OK' as const) : ('NF' as const) };
      await audit(deps, ctx, { eventId: '110112', tx: 'ITI-45', action: 'E', ok: errors.length === 0, ids: [q.patientId, ...ids] });
      return { body: writePixResponse(q.header, replyContext(pix, deps), r, ids), count: ids.length };
    } catch (err) {
      const { ack, details } = errorAck(err);
      await audit(deps, ctx, { eventId: '110112', tx: 'ITI-45', action: 'E', ok: false, ids: q ? [q.patientId] : [] });
      const r = { ack, details, responseCode: 'AE' as const, queryId: q?.queryId, custodianOid: pix.custodianOid };
      return { body: writePixResponse(q?.header ?? { ...header, interaction: Interaction.pixQuery }, replyContext(pix, deps), r, []), count: 0 };
    }
  };
