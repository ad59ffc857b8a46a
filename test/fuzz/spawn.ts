// Starts a fuzz worker: a worker thread that loads TypeScript through tsx (a worker does not
// inherit the parent's loader hooks) with a heap of its own, so a runaway case ends the worker
// rather than the test run.
import { Worker } from 'node:worker_threads';
import type { MutateData, ServeData } from './protocol.js';

const TSX = import.meta.resolve('tsx/esm/api');
const WORKER = new URL('./worker.ts', import.meta.url).href;

export function spawnWorker(data: ServeData | MutateData): Worker {
  const boot = `import(${JSON.stringify(TSX)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER)}); })`;
  return new Worker(boot, {
    eval: true,
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: 768 },
    stdout: false,
    stderr: false,
  });
}
