/** Content errors of the cross-reference; handlers turn them into AE acknowledgements with code 204 / 101. */
import { TesseraError } from '../errors';
import type { PatientKey } from './model';

export type IdentityErrorKind = 'unknown-domain' | 'unknown-id' | 'conflict';

export class IdentityError extends TesseraError {
  constructor(
    readonly kind: IdentityErrorKind,
    message: string,
    readonly key?: PatientKey,
  ) {
    super(message);
  }
}
