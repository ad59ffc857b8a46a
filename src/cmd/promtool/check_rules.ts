// promtool-ts check rules FILE…: each file's groups validated, printed as promtool prints it
// (results on stdout, failures on stderr; exit 1 when any file fails).
import { existsSync } from 'node:fs';
import { parseRuleFile, type RuleGroupDef } from '../../model/rulefmt/index.js';

/** Checks one rule file; returns the rule count or the error lines. */
export function checkRuleFile(path: string): { count: number; errors: string[]; groups: RuleGroupDef[] } {
  const { groups, errors } = parseRuleFile(path);
  let count = 0;
  for (const g of groups) count += g.rules.length;
  return { count, errors: errors.map((e) => e.message), groups };
}

/** promtool's duplicate-rules lint: the same record name with the same labels twice. */
function duplicates(groups: RuleGroupDef[]): { metric: string; labels: Record<string, string> }[] {
  const seen = new Map<string, number>();
  const out: { metric: string; labels: Record<string, string> }[] = [];
  for (const g of groups) {
    for (const r of g.rules) {
      if (r.record === undefined) continue;
      const key = JSON.stringify([r.record, Object.entries(r.labels).sort()]);
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (n === 2) out.push({ metric: r.record, labels: r.labels });
    }
  }
  return out;
}

export async function run(args: string[]): Promise<number> {
  const files = args.filter((a) => !a.startsWith('--'));
  const lint = args.find((a) => a.startsWith('--lint='))?.slice('--lint='.length) ?? 'duplicate-rules';
  const lintFatal = args.includes('--lint-fatal');
  for (const f of files) {
    if (!existsSync(f)) {
      process.stderr.write(`promtool: error: path '${f}' does not exist, try --help\n`);
      return 1;
    }
  }
  let failed = false;
  for (const f of files) {
    process.stdout.write(`Checking ${f}\n`);
    const { count, errors, groups } = checkRuleFile(f);
    if (errors.length > 0) {
      process.stderr.write('  FAILED:\n');
      for (const e of errors) process.stderr.write(`${e}\n`);
      process.stdout.write('\n');
      failed = true;
      continue;
    }
    if (lint.split(',').includes('duplicate-rules')) {
      const dups = duplicates(groups);
      if (dups.length > 0) {
        process.stdout.write(`${dups.length} duplicate rule(s) found.\n`);
        for (const d of dups) {
          process.stdout.write(`Metric: ${d.metric}\nLabel(s):\n`);
          for (const [k, v] of Object.entries(d.labels).sort()) process.stdout.write(`\t${k}: ${v}\n`);
        }
        process.stdout.write('Might cause inconsistency while recording expressions.\n');
        if (lintFatal) failed = true;
      }
    }
    process.stdout.write(`  SUCCESS: ${count} rules found\n\n`);
  }
  return failed ? 1 : 0;
}
