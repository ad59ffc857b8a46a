// The long fuzz run, off the default suite: `npm run fuzz -- --minutes N [--target T]`. The loop
// itself is TypeScript (test/fuzz/loop.ts), loaded through tsx like the tests.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../test/fuzz/loop.ts');
process.exitCode = await main(process.argv.slice(2));
