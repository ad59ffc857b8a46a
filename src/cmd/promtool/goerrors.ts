// Node's network errors in the words of Go's net package, which promtool's messages carry.
interface NodeNetError extends Error {
  code?: string;
  address?: string;
  port?: number;
}

/** "connect ECONNREFUSED 127.0.0.1:9" → "dial tcp 127.0.0.1:9: connect: connection refused". */
export function goNetError(e: unknown): string {
  const err = ((e as { cause?: unknown }).cause ?? e) as NodeNetError;
  if (err.code === 'ECONNREFUSED' && err.address !== undefined)
    return `dial tcp ${err.address}:${err.port}: connect: connection refused`;
  if (err.code === 'ENOTFOUND')
    return `dial tcp: lookup ${(err as { hostname?: string }).hostname ?? ''}: no such host`;
  return err.message;
}
