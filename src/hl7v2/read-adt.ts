/**
 * ITI-8 Patient Identity Feed (ITI TF-2a §3.8): ADT^A01/A04/A05 (admit, register, pre-admit → add),
 * ADT^A08 (update), ADT^A40 (merge: PID is the surviving patient, MRG-1 the prior identifier, §3.8.4.2).
 * Message type, event, structure and version are checked by the dispatcher (v2-dispatch in patient-identity).
 */
import type { Patient, PatientKey } from '../patient-identity/model';
import type { V2Message } from './er7';
import { readKeys, readPid, type AuthorityResolver } from './read-pid';
import { ErrorCode, V2Error } from './v2-error';

export type AdtEvent =
  | { readonly kind: 'add' | 'update'; readonly event: string; readonly patient: Patient }
  | { readonly kind: 'merge'; readonly event: string; readonly patient: Patient; readonly obsolete: PatientKey };

export const ADT_FEED_EVENTS: Readonly<Record<string, 'add' | 'update' | 'merge'>> = {
  A01: 'add',
  A04: 'add',
  A05: 'add',
  A08: 'update',
  A40: 'merge',
};

export function readAdt(m: V2Message, event: string, resolve: AuthorityResolver): AdtEvent {
  const kind = ADT_FEED_EVENTS[event];
  if (!kind) throw new V2Error('AR', ErrorCode.unsupportedEvent, `ADT event ${event} is not an ITI-8 feed event`, { segment: 'MSH', field: 9, component: 2 });
  const pid = m.segment('PID');
  if (!pid) throw new V2Error('AE', ErrorCode.segmentSequence, 'PID segment is missing', { segment: 'PID' });
  const patient = readPid(pid, resolve);
  if (kind !== 'merge') return { kind, event, patient };
  const mrg = m.segment('MRG');
  if (!mrg) throw new V2Error('AE', ErrorCode.segmentSequence, 'MRG segment is missing', { segment: 'MRG' });
  const prior = mrg.reps(1);
  if (prior.length === 0) throw new V2Error('AE', ErrorCode.requiredFieldMissing, 'MRG-1 prior patient identifier is empty', { segment: 'MRG', seq: 1, field: 1 });
  const [obsolete] = readKeys(prior.slice(0, 1), resolve, mrg, 1);
  return { kind, event, patient, obsolete: obsolete! };
}
