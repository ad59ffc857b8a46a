// promtool-ts check metrics: lints exposition text from stdin as promtool (promlint) does:
// problems on stderr as "<metric> <problem>", exit 3 when there are any, 1 when the text does
// not parse.
import { newParser } from '../../model/textparse/index.js';

const UNITS: [string, string][] = [
  ['milliseconds', 'seconds'],
  ['microseconds', 'seconds'],
  ['nanoseconds', 'seconds'],
  ['minutes', 'seconds'],
  ['hours', 'seconds'],
  ['days', 'seconds'],
  ['weeks', 'seconds'],
  ['kilobytes', 'bytes'],
  ['megabytes', 'bytes'],
  ['gigabytes', 'bytes'],
  ['terabytes', 'bytes'],
  ['kilograms', 'grams'],
  ['celsius', 'celsius'],
  ['percent', 'ratios'],
];

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function lint(text: string): { problems: [string, string][]; error: string | null } {
  const p = newParser(text, 'text/plain; version=0.0.4');
  const families = new Map<string, { help: boolean; type: string; labels: Set<string> }>();
  const fam = (n: string) => {
    let f = families.get(n);
    if (!f) {
      f = { help: false, type: 'untyped', labels: new Set() };
      families.set(n, f);
    }
    return f;
  };
  try {
    for (let e = p.next(); e !== null; e = p.next()) {
      if (e === 'help') fam(p.help()[0]).help = true;
      else if (e === 'type')
        fam(p.type()[0]).type = p.type()[1] === 'unknown' ? 'untyped' : p.type()[1];
      else if (e === 'series') {
        const name = p.metricName();
        const base = [...families.keys()].find(
          (k) =>
            k === name ||
            (/_(bucket|count|sum)$/.test(name) &&
              name.replace(/_(bucket|count|sum)$/, '') === k &&
              ['histogram', 'summary'].includes(families.get(k)!.type)),
        );
        const f = fam(base ?? name);
        p.labels().forEach((n) => {
          if (n !== '__name__') f.labels.add(n);
        });
      }
    }
  } catch (e) {
    return {
      problems: [],
      error: `text format parsing error in line ${p.line()}: ${(e as Error).message}`,
    };
  }
  const problems: [string, string][] = [];
  for (const [name, f] of families) {
    if (!f.help) problems.push([name, 'no help text']);
    if (f.type === 'counter' && !name.endsWith('_total'))
      problems.push([name, 'counter metrics should have "_total" suffix']);
    if (f.type !== 'counter' && f.type !== 'untyped' && name.endsWith('_total'))
      problems.push([name, 'non-counter metrics should not have "_total" suffix']);
    if (!['histogram', 'summary', 'untyped'].includes(f.type)) {
      for (const s of ['_count', '_sum', '_bucket']) {
        if (name.endsWith(s) && !(s === '_bucket' && f.type === 'histogram'))
          problems.push([
            name,
            `non-histogram and non-summary metrics should not have "${s}" suffix`,
          ]);
      }
    }
    if (/[a-z][A-Z]/.test(name))
      problems.push([name, "metric names should be written in 'snake_case' not 'camelCase'"]);
    for (const l of f.labels)
      if (/[a-z][A-Z]/.test(l))
        problems.push([name, "label names should be written in 'snake_case' not 'camelCase'"]);
    for (const [unit, baseUnit] of UNITS) {
      if (unit === baseUnit) continue;
      if (name.split('_').includes(unit))
        problems.push([name, `use base unit "${baseUnit}" instead of "${unit}"`]);
    }
    for (const t of ['counter', 'gauge', 'histogram', 'summary']) {
      if (name.split('_').includes(t))
        problems.push([name, `metric name should not include type '${t}'`]);
    }
  }
  problems.sort((a, b) =>
    a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0,
  );
  return { problems, error: null };
}

export async function run(_args: string[]): Promise<number> {
  const { problems, error } = lint(await readStdin());
  if (error !== null) {
    process.stderr.write(`error while linting: ${error}\n`);
    return 1;
  }
  for (const [m, t] of problems) process.stderr.write(`${m} ${t}\n`);
  return problems.length > 0 ? 3 : 0;
}
