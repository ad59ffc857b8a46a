// The errors a query can end with, each carrying the API error type Prometheus reports for it
// (bad_data 400, execution 422, timeout 503, canceled 499/503, internal 500).
export type PromQLErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal';

export class PromQLError extends Error {
  constructor(
    readonly errorType: PromQLErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'PromQLError';
  }
}

export function executionError(message: string): PromQLError {
  return new PromQLError('execution', message);
}

export const ERR_SAME_LABELSET = 'vector cannot contain metrics with the same labelset';

/** Prometheus's ErrTooManySamples, worded for where it happened. */
export function tooManySamples(env: string): PromQLError {
  return new PromQLError(
    'execution',
    `query processing would load too many samples into memory in ${env}`,
  );
}
