// What a user is told about a bug of ours. Prometheus reports a panic during a query as
// "unexpected error: runtime error: …" in Go's words; a JavaScript engine's own message
// ("Cannot read properties of undefined (reading 'x')", "Invalid array length") says nothing to a
// Prometheus user and is an implementation detail, so it goes to the log and the answer carries
// the Go runtime's wording of the same kind of fault.

/** JavaScript's built-in errors: faults in our code, not conditions we report on purpose. */
export function isRuntimeError(e: unknown): boolean {
  return (
    e instanceof TypeError ||
    e instanceof RangeError ||
    e instanceof ReferenceError ||
    e instanceof SyntaxError ||
    e instanceof EvalError ||
    e instanceof URIError
  );
}

/**
 * An error's text for users: ours as worded, a runtime fault as Go's runtime words its kind, a
 * system call's failure as Go's os package words it ("open /x: no such file or directory", not
 * Node's "ENOENT: no such file or directory, open '/x'").
 */
export function userErrorMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const sys = e as NodeJS.ErrnoException & { dest?: string };
  if (typeof sys.code === 'string' && typeof sys.syscall === 'string') {
    const desc = /^[A-Z0-9_]+: (.*?)(?:, |$)/.exec(e.message)?.[1] ?? sys.code;
    const where = [sys.path, sys.dest].filter((p) => typeof p === 'string' && p !== '').join(' ');
    return `${sys.syscall}${where !== '' ? ' ' + where : ''}: ${desc}`;
  }
  if (!isRuntimeError(e)) return e.message;
  if (e instanceof RangeError) {
    if (/call stack/i.test(e.message)) return 'runtime error: stack overflow';
    if (/length|longer than|allocation failed|out of memory/i.test(e.message))
      return 'runtime error: out of memory';
    return 'runtime error: index out of range';
  }
  return 'runtime error: invalid memory address or nil pointer dereference';
}
