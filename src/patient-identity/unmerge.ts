/**
 * Unmerge (an administrative operation: ITI-44 has no unmerge message). Removes the merge row in the
 * cross-reference and the mirrored merge in the registry's PatientIndex, so the obsolete id is accepted
 * again and its documents are found under it (nothing was rewritten by the merge).
 */
import type { CrossReference } from './cross-reference';
import type { MergeRow } from './identity-ports';
import type { PatientKey } from './model';
import type { PatientIndex } from './ports';

export async function unmergePatient(xref: CrossReference, patients: PatientIndex, obsolete: PatientKey): Promise<MergeRow | undefined> {
  const row = await xref.unmerge(obsolete);
  if (row) await patients.unmerge(obsolete);
  return row;
}
