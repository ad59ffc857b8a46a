// promtool-ts test rules FILE…: rule unit tests, reported as promtool reports them.
import { runRuleTestFile } from '../../rules/index.js';
import { missingFile } from './subcommand.js';

export async function run(args: string[]): Promise<number> {
  const files = args.filter((a) => !a.startsWith('--'));
  if (missingFile(files)) return 1;
  let failed = false;
  for (const f of files) {
    process.stdout.write(`Unit Testing:  ${f}\n`);
    const errs = await runRuleTestFile(f);
    if (errs.length > 0) {
      process.stderr.write('  FAILED:\n');
      for (const e of errs) {
        process.stderr.write(`${e}\n`);
        process.stdout.write('\n');
      }
      failed = true;
    } else {
      process.stdout.write('  SUCCESS\n');
    }
    process.stdout.write('\n');
  }
  return failed ? 1 : 0;
}
