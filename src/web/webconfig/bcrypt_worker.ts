// bcrypt comparisons on a worker thread: a cost-10 hash takes ~100 ms of CPU in bcryptjs, and
// on the event loop every guessed password would stall every other request. Comparisons run
// one at a time, as exporter-toolkit serializes them behind a mutex: a flood of guesses costs
// one core, never the whole process.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

// CommonJS so it can run from a string under both the built server and tsx.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
parentPort.on('message', (m) => {
  let ok = false;
  try { ok = bcrypt.compareSync(m.pass, m.hash); } catch { ok = false; }
  parentPort.postMessage({ id: m.id, ok });
});
`;

export class BcryptWorker {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, (ok: boolean) => void>();
  /** Comparisons the worker has answered, for tests and the curious. */
  completed = 0;

  private start(): Worker {
    const bcryptPath = createRequire(import.meta.url).resolve('bcryptjs');
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath } });
    // Idle, the worker must not keep the process alive.
    w.unref();
    w.on('message', (m: { id: number; ok: boolean }) => {
      const done = this.pending.get(m.id);
      this.pending.delete(m.id);
      this.completed++;
      if (this.pending.size === 0) w.unref();
      done?.(m.ok);
    });
    w.on('error', (err) => this.fail(w, err));
    w.on('exit', () => this.fail(w, new Error('bcrypt worker exited')));
    return w;
  }

  /** A dead worker fails its pending checks closed (denied) and is replaced on the next call. */
  private fail(w: Worker, _err: Error): void {
    if (this.worker !== w) return;
    this.worker = null;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const done of waiting) done(false);
  }

  /** Whether pass matches the bcrypt hash; malformed hashes never match. */
  compare(pass: string, hash: string): Promise<boolean> {
    this.worker ??= this.start();
    const w = this.worker;
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      w.ref();
      w.postMessage({ id, pass, hash });
    });
  }

  /** Stops the worker; pending checks are denied. */
  async close(): Promise<void> {
    const w = this.worker;
    if (w === null) return;
    this.fail(w, new Error('closed'));
    await w.terminate();
  }
}
