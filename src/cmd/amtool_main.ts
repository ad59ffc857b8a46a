// The amtool-ts process: runs the command, writes its output, exits with its status.
import { readFileSync } from 'node:fs';
import { main } from './amtool.js';

main(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  stdin: () => readFileSync(0, 'utf8'),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`amtool: error: ${err instanceof Error ? err.message : String(err)}\n\n`);
    process.exitCode = 1;
  },
);
