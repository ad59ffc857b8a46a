// What the fuzz workers and their parents say to each other.
import { MAX_INPUT } from './mutate.ts';
import type { Outcome } from './target.ts';

export interface ServeData {
  mode: 'serve';
  target: string;
}
export interface MutateData {
  mode: 'mutate';
  target: string;
  seed: number;
  deadline: number;
  corpus: Uint8Array[];
  /** Int32 [cases run, input length], then the input's bytes. */
  shared: SharedArrayBuffer;
}
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'outcome'; outcome: Outcome }
  | { type: 'finding'; input: Uint8Array; outcome: Outcome }
  | { type: 'stats'; counts: Record<string, number> }
  | { type: 'done'; counts: Record<string, number> };

export const SHARED_BYTES = 8 + MAX_INPUT;
