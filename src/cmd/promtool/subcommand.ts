// Dispatches `promtool-ts <family> <sub> …` to the module promtool/<family>_<sub>.(ts|js), which
// exports `run(args): Promise<number>`. Families whose subcommands belong to different packages
// (check, test) use this so each package owns its own command file.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export async function dispatch(
  family: string,
  subs: Record<string, string>,
  args: string[],
): Promise<number> {
  const sub = args[0];
  if (sub === undefined || sub === '--help' || !(sub in subs)) {
    const lines = [`usage: promtool-ts ${family} <command> [<args> ...]`, '', 'Commands:'];
    const width = Math.max(12, ...Object.keys(subs).map((n) => n.length + 1));
    for (const [name, help] of Object.entries(subs))
      lines.push(`  ${family} ${name.padEnd(width)} ${help}`);
    if (sub !== undefined && sub !== '--help')
      console.error(`promtool-ts: error: expected command but got "${sub}", try --help`);
    console.error(lines.join('\n'));
    return sub === '--help' ? 0 : 1;
  }
  const here = dirname(new URL(import.meta.url).pathname);
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const file = join(here, `${family}_${sub.replace(/-/g, '')}${ext}`);
  if (!existsSync(file)) {
    console.error(`promtool-ts: error: "${family} ${sub}" is not available in this build`);
    return 1;
  }
  const mod = (await import(pathToFileURL(file).href)) as {
    run: (args: string[]) => Promise<number>;
  };
  return mod.run(args.slice(1));
}

/** kingpin's ExistingFiles check: the first missing path is refused before any work is done. */
export function missingFile(files: string[]): boolean {
  const f = files.find((p) => !existsSync(p));
  if (f === undefined) return false;
  process.stderr.write(`promtool: error: path '${f}' does not exist, try --help\n`);
  return true;
}
