// Recursion without the call stack. Expressions nest as deep as their text allows (Prometheus,
// in Go, answers 100,000 nested unary minus or 5,000 nested sum( in well under a second), while
// V8's stack holds only a few thousand frames. A recursive function written as a generator
// yields each recursive call instead of making it; runDeep keeps the pending calls on a heap
// stack, so depth costs memory, never stack frames.

/** A recursive computation yielding its sub-computations; `(yield sub) as T` is the sub-result. */
export type Deep<T> = Generator<Deep<unknown>, T, unknown>;

/** Runs a Deep computation to its result; exceptions travel up through the callers as thrown. */
export function runDeep<T>(root: Deep<T>): T {
  const stack: Deep<unknown>[] = [root];
  let value: unknown = undefined;
  let error: { e: unknown } | null = null;
  for (;;) {
    const top = stack[stack.length - 1]!;
    let r: IteratorResult<Deep<unknown>, unknown>;
    try {
      if (error !== null) {
        const e = error.e;
        error = null;
        r = top.throw(e);
      } else {
        r = top.next(value);
      }
    } catch (e) {
      stack.pop();
      if (stack.length === 0) throw e;
      error = { e };
      continue;
    }
    if (r.done) {
      stack.pop();
      if (stack.length === 0) return r.value as T;
      value = r.value;
    } else {
      stack.push(r.value);
      value = undefined;
    }
  }
}
