// A fault of ours during a query reaches the user as Prometheus words a panic in its engine — an
// execution error "unexpected error: runtime error: …" — never as a JavaScript engine's message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, PromQLError } from '../../src/promql/index.js';
import type { Queryable } from '../../src/storage/index.js';
import { readFileSync } from 'node:fs';
import { userErrorMessage } from '../../src/util/runtime_error.js';

function failing(err: () => never): Queryable {
  return {
    querier: () => ({ select: err, close() {}, labelValues: () => [], labelNames: () => [] }),
  } as unknown as Queryable;
}

test('a TypeError in storage or evaluation is an execution error in Go runtime words', async () => {
  const engine = new Engine({ timeout: 10_000, maxSamples: 1000, lookbackDelta: 300_000 });
  const q = failing(() => {
    const o = undefined as unknown as { x: { y: number } };
    return o.x.y as never;
  });
  await assert.rejects(engine.newInstantQuery(q, 'up', 1000).exec(), (e: unknown) => {
    assert.ok(e instanceof PromQLError);
    assert.equal(e.errorType, 'execution');
    assert.equal(
      e.message,
      'unexpected error: runtime error: invalid memory address or nil pointer dereference',
    );
    return true;
  });
});

test('RangeErrors map to their Go counterparts; our own errors keep their words', () => {
  assert.equal(
    userErrorMessage(new RangeError('Invalid array length')),
    'runtime error: out of memory',
  );
  assert.equal(
    userErrorMessage(new RangeError('Cannot create a string longer than 0x1fffffe8 characters')),
    'runtime error: out of memory',
  );
  assert.equal(
    userErrorMessage(new RangeError('Maximum call stack size exceeded')),
    'runtime error: stack overflow',
  );
  assert.equal(
    userErrorMessage(new Error('exceeded sample limit (5)')),
    'exceeded sample limit (5)',
  );
  // System calls as Go's os package words them.
  let err: unknown;
  try {
    readFileSync('/nonexistent/x');
  } catch (e) {
    err = e;
  }
  assert.equal(userErrorMessage(err), 'open /nonexistent/x: no such file or directory');
});
