// Every `eval` expression of Prometheus 2.48's own PromQL test scripts must parse (those under
// `eval_fail` may fail to parse), and printing then re-parsing must give the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseExpr, exprToString } from '../../../src/promql/parser/index.js';

const DIR = '/work/shared/promql-conformance';

interface Case {
  file: string;
  line: number;
  expr: string;
  mayFail: boolean;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const f of readdirSync(DIR)
    .filter((n) => n.endsWith('.test'))
    .sort()) {
    const lines = readFileSync(join(DIR, f), 'utf8').split('\n');
    lines.forEach((l, i) => {
      const m = /^eval(_fail|_ordered)?\s+instant\s+at\s+\S+\s+(.*)$/.exec(l);
      if (m) out.push({ file: f, line: i + 1, expr: m[2]!, mayFail: m[1] === '_fail' });
    });
  }
  return out;
}

test('every eval expression of the conformance scripts parses and round-trips', (t) => {
  if (!existsSync(DIR)) {
    t.skip(`${DIR} not present`);
    return;
  }
  const all = cases();
  assert.ok(all.length > 500, `found only ${all.length} eval lines`);
  const failures: string[] = [];
  let parsed = 0;
  for (const c of all) {
    let text: string;
    try {
      text = exprToString(parseExpr(c.expr));
    } catch (e) {
      if (!c.mayFail) failures.push(`${c.file}:${c.line}: ${c.expr}: ${(e as Error).message}`);
      continue;
    }
    parsed++;
    let again: string;
    try {
      again = exprToString(parseExpr(text));
    } catch (e) {
      failures.push(
        `${c.file}:${c.line}: printed form ${text} does not parse: ${(e as Error).message}`,
      );
      continue;
    }
    if (again !== text) failures.push(`${c.file}:${c.line}: ${text} re-prints as ${again}`);
  }
  assert.deepEqual(failures, []);
  assert.ok(parsed > 500);
});
