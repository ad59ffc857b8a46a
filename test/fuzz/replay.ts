// Runs one saved input through its target in this thread and prints how it ended, with its
// time: for a finding's stack, or to check a fix. node --import tsx test/fuzz/replay.ts <target> <file>
import { readFileSync } from 'node:fs';
import { target } from './targets/index.js';
import { runCase } from './target.js';

const [name, file] = process.argv.slice(2);
if (!name || !file) {
  console.error('usage: node --import tsx test/fuzz/replay.ts <target> <file>');
  process.exit(2);
}
const t0 = performance.now();
const o = await runCase(target(name), new Uint8Array(readFileSync(file)));
console.log(
  `${(performance.now() - t0).toFixed(1)} ms`,
  o.kind === 'crash' ? `crash ${o.name}: ${o.message}\n${o.stack}` : JSON.stringify(o),
);
process.exit(o.kind === 'crash' ? 1 : 0);
