// promtool-ts check web-config FILE…: "<file> SUCCESS" or "<file> FAILED: <error>".
import { loadWebConfig } from '../../web/webconfig/index.js';

export async function run(args: string[]): Promise<number> {
  const files = args.filter((a) => !a.startsWith('--'));
  let failed = false;
  for (const f of files) {
    try {
      loadWebConfig(f);
      process.stderr.write(`${f} SUCCESS\n`);
    } catch (e) {
      process.stderr.write(`${f} FAILED: ${(e as Error).message}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
