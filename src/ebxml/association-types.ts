/**
 * Association type: short model value ↔ full URN (ITI TF-3 Table 4.2.2-1). HasMember is ebRIM's own type;
 * APND, RPLC, XFRM, XFRM_RPLC and signs are IHE 2007; the Metadata Update ones IHE 2010.
 */
import { AssociationTypes, type AssociationType } from '../metadata/model';
import { AssociationTypePrefix } from './vocabulary';

const IHE_2010: ReadonlySet<AssociationType> = new Set(['IsSnapshotOf', 'UpdateAvailabilityStatus', 'SubmitAssociation']);

export function associationTypeUrn(t: AssociationType): string {
  if (t === 'HasMember') return AssociationTypePrefix.HasMember + t;
  return (IHE_2010.has(t) ? AssociationTypePrefix.ihe2010 : AssociationTypePrefix.ihe2007) + t;
}

/** Full URN → short type; a URN not in the table is not an XDS association type. */
export const associationTypeByUrn: ReadonlyMap<string, AssociationType> = new Map(
  AssociationTypes.map((t) => [associationTypeUrn(t), t] as const),
);
