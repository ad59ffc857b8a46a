// promtool-ts check config FILE…: the config (and, unless --syntax-only, the rule files it names)
// checked and reported as promtool reports it, with promtool's lint flags; prometheus-ts's own
// lints (src/lint: valid configs that certainly do not do what they say) are printed as
// WARNING lines and, like promtool's lints, fail only under --lint-fatal (exit 3).
import { readFileSync } from 'node:fs';
import { getScrapeConfigs, loadConfigFile } from '../../config/index.js';
import {
  formatFinding,
  globalEvaluationInterval,
  lintConfig,
  lintRuleFile,
  type LintFinding,
} from '../../lint/index.js';
import { glob } from '../../util/glob.js';
import { checkRuleFile, DEFAULT_LINT, parseLintSettings, report } from './check_rules.js';
import { UsageError, parseArgs } from './flags.js';
import { missingFile } from './subcommand.js';

/** The metric names the server at `url` has, for the rule lint that finds selectors of none. */
async function metricNames(url: string): Promise<Set<string>> {
  const u = new URL('api/v1/label/__name__/values', url.endsWith('/') ? url : url + '/');
  const res = await fetch(u);
  if (!res.ok) throw new Error(`${u.href}: ${res.status} ${res.statusText}`);
  const body = (await res.json()) as { data?: string[] };
  return new Set(body.data ?? []);
}

function printFindings(findings: readonly LintFinding[]): void {
  for (const f of findings) process.stderr.write(`  WARNING: ${formatFinding(f)}\n`);
}

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, ['lint', 'enable-feature', 'url'], {
    'syntax-only': 'syntax-only',
    'lint-fatal': 'lint-fatal',
    agent: 'agent',
    extended: 'extended',
  });
  if (p.bools.has('agent'))
    throw new UsageError('prometheus-ts does not support agent mode (--agent)');
  const files = p.args;
  if (files.length === 0) {
    process.stderr.write(
      "promtool: error: required argument 'config-files' not provided, try --help\n",
    );
    return 1;
  }
  if (missingFile(files)) return 1;
  const syntaxOnly = p.bools.has('syntax-only');
  const ls = parseLintSettings(p.flags.get('lint') ?? DEFAULT_LINT, p.bools.has('lint-fatal'));
  const url = p.flags.get('url');
  const known = url !== undefined && ls.config ? await metricNames(url) : undefined;
  let failed = false;
  let hasErrors = false;
  for (const f of files) {
    process.stdout.write(`Checking ${f}\n`);
    let ruleFiles: string[] = [];
    const findings: LintFinding[] = [];
    let evalInterval = 60_000;
    try {
      const cfg = loadConfigFile(f);
      const text = readFileSync(f, 'utf8');
      evalInterval = globalEvaluationInterval(text);
      if (!syntaxOnly) {
        // Patterns come joined to the config file's directory already.
        for (const pattern of cfg.rule_files) ruleFiles.push(...glob(pattern));
        // Jobs of scrape_config_files are checked as the server would load them.
        getScrapeConfigs(cfg);
        ruleFiles = [...new Set(ruleFiles)];
        if (ruleFiles.length > 0)
          process.stdout.write(`  SUCCESS: ${ruleFiles.length} rule files found\n`);
      }
      if (ls.config) {
        const included = syntaxOnly
          ? []
          : [...new Set(cfg.scrape_config_files.flatMap((pat) => glob(pat)))].map((file) => ({
              file,
              text: readFileSync(file, 'utf8'),
            }));
        findings.push(...lintConfig(f, text, included));
      }
      printFindings(findings);
      process.stdout.write(` SUCCESS: ${f} is valid prometheus config file syntax\n\n`);
    } catch (e) {
      process.stderr.write(`  FAILED: ${(e as Error).message}\n`);
      process.stdout.write('\n');
      failed = hasErrors = true;
      continue;
    }
    if (findings.length > 0) failed = true;
    for (const rf of ruleFiles) {
      process.stdout.write(`Checking ${rf}\n`);
      const { groups, errors } = checkRuleFile(rf);
      if (ls.config && errors.length === 0) {
        const ruleFindings = lintRuleFile(rf, readFileSync(rf, 'utf8'), {
          evaluationInterval: evalInterval,
          ...(known ? { knownMetrics: known, knownFrom: url } : {}),
        });
        printFindings(ruleFindings);
        if (ruleFindings.length > 0) failed = true;
      }
      const [fl, h] = report(groups, errors, ls, '     ');
      failed ||= fl;
      hasErrors ||= h;
    }
  }
  if (failed && hasErrors) return 1;
  if (failed && ls.fatal) return 3;
  return 0;
}
