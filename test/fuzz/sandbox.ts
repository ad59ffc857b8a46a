// Runs a target's cases one at a time in a worker with a time limit: a case that does not finish
// in time is a hang (the worker is ended and a fresh one started), a worker that dies (out of
// memory) is a crash.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from './spawn.js';
import type { Outcome } from './target.js';
import type { WorkerMessage } from './protocol.js';

export class Sandbox {
  private worker: Promise<Worker> | null = null;
  private readonly scratch = mkdtempSync(join(tmpdir(), 'fuzz-sandbox-'));

  constructor(readonly target: string) {}

  /** A worker that has loaded its modules (loading is not part of any case's time). */
  private start(): Promise<Worker> {
    this.worker ??= new Promise((resolve, reject) => {
      const w = spawnWorker({ mode: 'serve', target: this.target, scratch: this.scratch });
      w.once('error', reject);
      w.once('message', (m: WorkerMessage) => {
        w.off('error', reject);
        if (m.type === 'ready') resolve(w);
      });
    });
    return this.worker;
  }

  async run(input: Uint8Array, limitMs: number): Promise<Outcome> {
    const w = await this.start();
    return new Promise((resolve) => {
      const done = (o: Outcome): void => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        resolve(o);
      };
      const onMessage = (m: WorkerMessage): void => {
        if (m.type === 'outcome') done(m.outcome);
      };
      const onError = (e: Error): void => {
        this.worker = null;
        done({ kind: 'crash', name: 'WorkerDied', message: e.message, stack: e.stack ?? '' });
      };
      const timer = setTimeout(() => {
        this.worker = null;
        void w.terminate();
        done({ kind: 'hang', ms: limitMs });
      }, limitMs);
      w.on('message', onMessage);
      w.once('error', onError);
      w.postMessage(input);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await (await w).terminate();
    rmSync(this.scratch, { recursive: true, force: true });
  }
}
