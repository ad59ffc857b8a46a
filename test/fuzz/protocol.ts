// What the fuzz workers and their parents say to each other.
import { MAX_INPUT } from './mutate.js';
import type { Outcome } from './target.js';

export interface ServeData {
  mode: 'serve';
  target: string;
  /** A directory for the target's files, removed by the parent (test/fuzz/scratch.ts). */
  scratch: string;
}
export interface MutateData {
  mode: 'mutate';
  target: string;
  scratch: string;
  seed: number;
  deadline: number;
  corpus: Uint8Array[];
  /** Int32 [cases run, input length, then a count per KINDS entry], then from BODY the input's bytes. */
  shared: SharedArrayBuffer;
}
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'outcome'; outcome: Outcome }
  | { type: 'finding'; input: Uint8Array; outcome: Outcome }
  | { type: 'done' };

/** How cases ended, counted in the shared buffer (hangs are counted by the parent). */
export const KINDS = ['ok', 'expected', 'known', 'crash'] as const;
export const BODY = 32;
export const SHARED_BYTES = BODY + MAX_INPUT;
