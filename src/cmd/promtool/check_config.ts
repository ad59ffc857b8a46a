// promtool-ts check config FILE…: the config (and, unless --syntax-only, the rule files it names)
// checked and reported as promtool reports it.
import { getScrapeConfigs, loadConfigFile } from '../../config/index.js';
import { glob } from '../../util/glob.js';
import { checkRuleFile } from './check_rules.js';
import { missingFile } from './subcommand.js';

export async function run(args: string[]): Promise<number> {
  const syntaxOnly = args.includes('--syntax-only');
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length === 0) {
    process.stderr.write("promtool: error: required argument 'config-files' not provided, try --help\n");
    return 1;
  }
  if (missingFile(files)) return 1;
  let failed = false;
  for (const f of files) {
    process.stdout.write(`Checking ${f}\n`);
    let ruleFiles: string[] = [];
    try {
      const cfg = loadConfigFile(f);
      if (!syntaxOnly) {
        // Patterns come joined to the config file's directory already.
        for (const pattern of cfg.rule_files) ruleFiles.push(...glob(pattern));
        // Jobs of scrape_config_files are checked as the server would load them.
        getScrapeConfigs(cfg);
        ruleFiles = [...new Set(ruleFiles)];
        if (ruleFiles.length > 0) process.stdout.write(`  SUCCESS: ${ruleFiles.length} rule files found\n`);
      }
      process.stdout.write(` SUCCESS: ${f} is valid prometheus config file syntax\n\n`);
    } catch (e) {
      process.stderr.write(`  FAILED: ${(e as Error).message}\n`);
      process.stdout.write('\n');
      failed = true;
      continue;
    }
    for (const rf of ruleFiles) {
      process.stdout.write(`Checking ${rf}\n`);
      const { count, errors } = checkRuleFile(rf);
      if (errors.length > 0) {
        process.stderr.write('  FAILED:\n');
        for (const e of errors) process.stderr.write(`     ${e}\n`);
        process.stdout.write('\n');
        failed = true;
        continue;
      }
      process.stdout.write(`  SUCCESS: ${count} rules found\n\n`);
    }
  }
  return failed ? 1 : 0;
}
