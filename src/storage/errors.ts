// Append errors, worded as Prometheus words them (they reach logs and scrape metrics).

export type StorageErrorKind =
  | 'out_of_order'
  | 'duplicate'
  | 'out_of_bounds'
  | 'too_old'
  | 'not_found'
  | 'invalid_sample'
  | 'disk';

export class StorageError extends Error {
  readonly kind: StorageErrorKind;
  constructor(kind: StorageErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

export const errOutOfOrderSample = (): StorageError =>
  new StorageError('out_of_order', 'out of order sample');
export const errDuplicateSampleForTimestamp = (): StorageError =>
  new StorageError('duplicate', 'duplicate sample for timestamp');
export const errOutOfBounds = (): StorageError =>
  new StorageError('out_of_bounds', 'out of bounds');

/**
 * Stored data could not be read (a corrupt or truncated block): the query fails with it, worded
 * as Prometheus words it, as an execution error — never a partial answer passed off as whole.
 */
export class StorageReadError extends Error {}
export const errNativeHistogramsDisabled = (): StorageError =>
  new StorageError('invalid_sample', 'native histograms are disabled');
