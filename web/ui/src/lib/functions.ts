// The PromQL functions this server knows — its parser's own table, compiled in — so the editor
// offers and accepts exactly those, not codemirror-promql's list (which has Prometheus 3's).
import { FUNCTIONS } from '../../../../src/promql/parser/functions.js';

export const SERVER_FUNCTIONS: ReadonlySet<string> = new Set(Object.keys(FUNCTIONS));

/** Whether a completion codemirror-promql offers is one this server accepts. */
export function offeredByServer(option: { label: string; type?: string }): boolean {
  return option.type !== 'function' || SERVER_FUNCTIONS.has(option.label);
}

/** Calls of functions this server does not have: [from, to, name] of each name. */
export function unknownFunctionCalls(
  text: string,
  editorFunctions: ReadonlySet<string>,
): Array<[number, number, string]> {
  const out: Array<[number, number, string]> = [];
  for (const m of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
    const name = m[1]!;
    if (editorFunctions.has(name) && !SERVER_FUNCTIONS.has(name))
      out.push([m.index!, m.index! + name.length, name]);
  }
  return out;
}
