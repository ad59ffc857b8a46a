// What a fuzz target is: one module's entry point fed one input, with the module's own error
// type (an expected refusal) told apart from everything else (a finding: a crash, a broken
// property, or — seen by the runner, not here — a hang).
import type * as fc from 'fast-check';

export interface Target {
  readonly name: string;
  /** The input is UTF-8 text (mutated by tokens as well as bytes), or raw bytes. */
  readonly text: boolean;
  /** A case running longer than this is a hang (generous: the machine is shared). */
  readonly hangMs: number;
  /** Structured near-valid inputs, for the property tests and as seeds of the mutation loop. */
  readonly arbitrary: fc.Arbitrary<Uint8Array>;
  /** Words that mean something to the module, spliced in by the token mutator. */
  readonly tokens: readonly string[];
  /** Runs one input; throws only what the module throws or a PropertyViolation. */
  run(input: Uint8Array): void | Promise<void>;
  /** Whether a thrown value is the module's own way of refusing the input. */
  expected(e: unknown): boolean;
  /** A defect someone else is fixing: the reference to it, or null. */
  known?(input: Uint8Array, e: unknown): string | null;
}

/** A property of the output that did not hold (the module did not throw, but answered wrongly). */
export class PropertyViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropertyViolation';
  }
}

export type Outcome =
  | { kind: 'ok' }
  | { kind: 'expected'; message: string }
  | { kind: 'known'; ref: string; message: string }
  | { kind: 'crash'; name: string; message: string; stack: string }
  | { kind: 'hang'; ms: number };

const dec = new TextDecoder();
const enc = new TextEncoder();
export const text = (b: Uint8Array): string => dec.decode(b);
export const bytes = (s: string): Uint8Array => enc.encode(s);

/** Runs one input and classifies how it ended (hangs are the caller's to detect). */
export async function runCase(t: Target, input: Uint8Array): Promise<Outcome> {
  try {
    await t.run(input);
    return { kind: 'ok' };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (t.expected(e)) return { kind: 'expected', message };
    const ref = t.known?.(input, e) ?? null;
    if (ref !== null) return { kind: 'known', ref, message };
    return {
      kind: 'crash',
      name: e instanceof Error ? e.name : typeof e,
      message,
      stack:
        e instanceof Error
          ? (e.stack ?? '') +
            (e.cause instanceof Error ? `\ncaused by ${e.cause.stack ?? e.cause.message}` : '')
          : '',
    };
  }
}
