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

export const errOutOfOrderSample = (): StorageError => new StorageError('out_of_order', 'out of order sample');
export const errDuplicateSampleForTimestamp = (): StorageError =>
  new StorageError('duplicate', 'duplicate sample for timestamp');
export const errOutOfBounds = (): StorageError => new StorageError('out_of_bounds', 'out of bounds');
