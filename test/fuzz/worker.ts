// A fuzz target's worker thread. "serve": runs the inputs it is sent, one at a time, answering
// each with its outcome. "mutate": runs the mutation loop itself until its deadline; before each
// case it copies the input into the shared buffer and bumps the case counter, so the parent can
// tell a hang (the counter stops) and save the input that caused it.
import fc from 'fast-check';
import { parentPort, workerData } from 'node:worker_threads';
import { target } from './targets/index.js';
import { runCase } from './target.js';
import { MAX_INPUT, mutate, Rng } from './mutate.js';
import { BODY, KINDS, type MutateData, type ServeData, type WorkerMessage } from './protocol.js';

const data = workerData as ServeData | MutateData;
const t = target(data.target);
const port = parentPort!;

if (data.mode === 'serve') {
  port.on('message', (input: Uint8Array) => {
    void runCase(t, input).then((outcome) =>
      port.postMessage({ type: 'outcome', outcome } satisfies WorkerMessage),
    );
  });
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
} else {
  await loop(data);
}

async function loop(d: MutateData): Promise<void> {
  const head = new Int32Array(d.shared, 0, BODY / 4);
  const body = new Uint8Array(d.shared, BODY);
  const rng = new Rng(d.seed);
  const enc = new TextEncoder();
  const pool: Uint8Array[] = [
    ...d.corpus,
    ...fc.sample(t.arbitrary, { numRuns: 300, seed: d.seed }),
  ];
  const seeds = pool.length;
  const ctx = { rng, text: t.text, tokens: t.tokens.map((s) => enc.encode(s)), pool };
  while (Date.now() < d.deadline) {
    const input = mutate(rng.pick(pool), ctx);
    body.set(input.subarray(0, MAX_INPUT));
    Atomics.store(head, 1, input.length);
    Atomics.add(head, 0, 1);
    const outcome = await runCase(t, input);
    Atomics.add(head, 2 + KINDS.indexOf(outcome.kind as (typeof KINDS)[number]), 1);
    if (outcome.kind === 'crash' || outcome.kind === 'known')
      port.postMessage({ type: 'finding', input, outcome } satisfies WorkerMessage);
    // Inputs that went all the way through are kept as new starting points (a small bounded pool).
    else if (outcome.kind === 'ok' && rng.below(8) === 0) {
      if (pool.length < seeds + 2000) pool.push(input);
      else pool[seeds + rng.below(2000)] = input;
    }
  }
  port.postMessage({ type: 'done' } satisfies WorkerMessage);
}
