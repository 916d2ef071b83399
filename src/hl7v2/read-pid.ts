/**
 * PID (HL7 v2.5 §3.4.2; profiled by ITI TF-2a §3.8.4.1.2.3) → Patient. PID-3 is the list of the
 * patient's identifiers; each must name a known domain in CX-4 (else 204 at that repetition's CX-4).
 * Demographics: PID-5 names, PID-6 mother's maiden name, PID-7 birth, PID-8 sex, PID-11 addresses,
 * PID-13/14 telecoms. A malformed PID-7 or PID-8 is a data type error (102).
 */
import type { Patient, PatientKey, Telecom } from '../patient-identity/model';
import type { Rep, V2Segment } from './er7';
import { readCx, readSex, readTs, readXad, readXpn, readXtn } from './datatypes';
import { ErrorCode, V2Error } from './v2-error';

export type AuthorityResolver = (namespace: string, universalId: string) => string | undefined;

const defined = <T>(v: T | undefined): v is T => v !== undefined;

/** CX repetitions → keys; every repetition must carry an id and a resolvable domain. */
export function readKeys(reps: readonly Rep[], resolve: AuthorityResolver, segment: V2Segment, field: number): PatientKey[] {
  return reps.map((rep, i) => {
    const { id, authority } = readCx(rep, resolve);
    const at = { segment: segment.name, seq: segment.seq, field, rep: i + 1 };
    if (!id) throw new V2Error('AE', ErrorCode.requiredFieldMissing, 'identifier without an id (CX-1)', { ...at, component: 1 });
    if (!authority) throw new V2Error('AE', ErrorCode.unknownKey, 'unknown assigning authority', { ...at, component: 4 });
    return { id, authority };
  });
}

export function readPid(pid: V2Segment, resolve: AuthorityResolver): Patient {
  const at = { segment: 'PID', seq: pid.seq };
  const idReps = pid.reps(3);
  if (idReps.length === 0) throw new V2Error('AE', ErrorCode.requiredFieldMissing, 'PID-3 patient identifier list is empty', { ...at, field: 3 });
  const ids = readKeys(idReps, resolve, pid, 3);
  const names = pid.reps(5).map(readXpn).filter(defined);
  if (names.length === 0) throw new V2Error('AE', ErrorCode.requiredFieldMissing, 'PID-5 patient name is empty', { ...at, field: 5 });
  const birthTime = readTs(pid.get(7));
  if (birthTime === null) throw new V2Error('AE', ErrorCode.dataType, 'PID-7 is not a valid date/time', { ...at, field: 7 });
  const gender = readSex(pid.get(8));
  if (gender === null) throw new V2Error('AE', ErrorCode.dataType, 'PID-8 is not an administrative sex code', { ...at, field: 8 });
  const mothers = pid.reps(6).map(readXpn).find(defined);
  const telecoms: Telecom[] = [...pid.reps(13), ...pid.reps(14)].map(readXtn).filter(defined);
  return {
    ids,
    otherIds: [],
    names,
    ...(birthTime ? { birthTime } : {}),
    ...(gender ? { gender } : {}),
    addresses: pid.reps(11).map(readXad).filter(defined),
    telecoms,
    ...(mothers ? { mothersMaidenName: mothers } : {}),
  };
}
