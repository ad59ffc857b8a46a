// promtool-ts check rules [FILE…]: each file's groups validated, printed as promtool prints it
// (results on stdout, failures on stderr). Exit 1 on errors; lint findings (duplicate rules) fail
// with 3 only under --lint-fatal. With no files the rules are read from standard input.
import { readFileSync } from 'node:fs';
import { parseRuleFile, parseRules, type RuleGroupDef } from '../../model/rulefmt/index.js';
import { missingFile } from './subcommand.js';

/** Checks one rule file; returns the rule count or the error lines. */
export function checkRuleFile(path: string): {
  count: number;
  errors: string[];
  groups: RuleGroupDef[];
} {
  const { groups, errors } = parseRuleFile(path);
  let count = 0;
  for (const g of groups) count += g.rules.length;
  return { count, errors: errors.map((e) => e.message), groups };
}

interface DupRule {
  metric: string;
  labels: [string, string][];
}

function compareDup(a: DupRule, b: DupRule): number {
  if (a.metric !== b.metric) return a.metric < b.metric ? -1 : 1;
  const n = Math.min(a.labels.length, b.labels.length);
  for (let i = 0; i < n; i++) {
    const [an, av] = a.labels[i]!;
    const [bn, bv] = b.labels[i]!;
    if (an !== bn) return an < bn ? -1 : 1;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return a.labels.length - b.labels.length;
}

/** promtool's duplicate-rules lint: two rules (recording or alerting) with one name and the same labels. */
export function findDuplicateRules(groups: RuleGroupDef[]): DupRule[] {
  const rules: DupRule[] = [];
  for (const g of groups) {
    for (const r of g.rules) {
      rules.push({
        metric: r.alert ?? r.record ?? '',
        labels: Object.entries(r.labels).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
      });
    }
  }
  const out: DupRule[] = [];
  if (rules.length < 2) return out;
  rules.sort(compareDup);
  for (let i = 1; i < rules.length; i++) {
    const last = rules[i - 1]!;
    if (
      compareDup(last, rules[i]!) === 0 &&
      (out.length === 0 || compareDup(last, out[out.length - 1]!) !== 0)
    )
      out.push(rules[i]!);
  }
  return out;
}

/** The lint message promtool prints after "  FAILED:", or null when nothing is found. */
export function duplicateRulesMessage(groups: RuleGroupDef[]): string | null {
  const dups = findDuplicateRules(groups);
  if (dups.length === 0) return null;
  let msg = `lint error ${dups.length} duplicate rule(s) found.\n`;
  for (const d of dups) {
    msg += `Metric: ${d.metric}\nLabel(s):\n`;
    for (const [k, v] of d.labels) msg += `\t${k}: ${v}\n`;
  }
  return msg + 'Might cause inconsistency while recording expressions';
}

export interface LintSettings {
  duplicateRules: boolean;
  /** prometheus-ts's own lints of configs and rules (src/lint): `config`, on by default. */
  config: boolean;
  fatal: boolean;
}

/** promtool's --lint values, plus `config` (ours), which the default includes. */
export const DEFAULT_LINT = 'duplicate-rules,config';

export function parseLintSettings(value: string, fatal: boolean): LintSettings {
  const ls: LintSettings = { duplicateRules: false, config: false, fatal };
  for (const s of value.split(',')) {
    if (s === 'all') ls.duplicateRules = ls.config = true;
    else if (s === 'duplicate-rules') ls.duplicateRules = true;
    else if (s === 'config') ls.config = true;
    else if (s !== 'none') process.stdout.write(`WARNING: unknown lint option ${s}\n`);
  }
  return ls;
}

/**
 * Checks parsed rules and prints the verdict; returns [failed, hasErrors] as promtool tracks them.
 * `indent` prefixes each error and the lint message: check config prints them with Println("    ", …).
 */
export function report(
  groups: RuleGroupDef[],
  errors: string[],
  ls: LintSettings,
  indent = '',
): [boolean, boolean] {
  if (errors.length > 0) {
    process.stderr.write('  FAILED:\n');
    for (const e of errors) process.stderr.write(`${indent}${e}\n`);
    // Since 2.48 a file that fails to parse ends without the blank line.
    if (indent !== '') process.stdout.write('\n');
    return [true, true];
  }
  const lint = ls.duplicateRules ? duplicateRulesMessage(groups) : null;
  if (lint !== null) {
    process.stderr.write(`  FAILED:\n${indent}${lint}\n`);
    process.stdout.write('\n');
    return [true, false];
  }
  let count = 0;
  for (const g of groups) count += g.rules.length;
  process.stdout.write(`  SUCCESS: ${count} rules found\n\n`);
  return [false, false];
}

function readStdin(): string {
  return readFileSync(0, 'utf8');
}

export async function run(args: string[]): Promise<number> {
  const files: string[] = [];
  let lintValue = DEFAULT_LINT;
  let lintFatal = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--lint=')) lintValue = a.slice('--lint='.length);
    else if (a === '--lint') lintValue = args[++i] ?? '';
    else if (a === '--lint-fatal') lintFatal = true;
    else if (a === '--no-lint-fatal') lintFatal = false;
    else files.push(a);
  }
  if (missingFile(files)) return 1;
  const ls = parseLintSettings(lintValue, lintFatal);
  let failed = false;
  let hasErrors = false;
  if (files.length === 0) {
    process.stdout.write('Checking standard input\n');
    const { groups, errors } = parseRules(readStdin(), '');
    // Errors from standard input carry no file name prefix.
    [failed, hasErrors] = report(
      groups,
      errors.map((e) => e.message.replace(/^: /, '')),
      ls,
    );
  } else {
    for (const f of files) {
      process.stdout.write(`Checking ${f}\n`);
      const { groups, errors } = checkRuleFile(f);
      const [fl, h] = report(groups, errors, ls);
      failed ||= fl;
      hasErrors ||= h;
    }
  }
  if (failed && hasErrors) return 1;
  if (failed && ls.fatal) return 3;
  return 0;
}
