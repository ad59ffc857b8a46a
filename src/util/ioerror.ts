// File-system errors worded as Go's os package words them ("write <path>: no space left on device"),
// which is what Prometheus's logs and API answers carry; the errno code stays on the error.

/** e (a node fs error) as `<op> <path>: <system message>`, keeping e.code. */
export function ioError(op: string, path: string, e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  const text = /^[A-Z0-9]+: (.*?)(?:, .*)?$/.exec(err.message)?.[1] ?? err.message;
  const out: NodeJS.ErrnoException = new Error(`${op} ${path}: ${text}`);
  if (err.code !== undefined) out.code = err.code;
  return out;
}
