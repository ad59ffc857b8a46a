import { readFileSync } from 'node:fs';
import { target } from './targets/index.ts';
import { runCase } from './target.ts';
const [name, file] = process.argv.slice(2);
const t0 = Date.now();
const o = await runCase(target(name!), new Uint8Array(readFileSync(file!)));
console.log(Date.now() - t0, 'ms', JSON.stringify(o).slice(0, 600));
process.exit(0);
