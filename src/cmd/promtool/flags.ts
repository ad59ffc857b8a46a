// kingpin-style command-line parsing shared by promtool-ts's commands: --name=value,
// --name value, -r (bool), --bool, --no-bool; a repeated flag keeps every value.
export class UsageError extends Error {}

export interface Parsed {
  /** The last value of each valued flag. */
  flags: Map<string, string>;
  /** Every value of each valued flag, in order (for flags that may be repeated). */
  all: Map<string, string[]>;
  bools: Set<string>;
  args: string[];
}

/**
 * `bools` maps each short letter (or the long name itself) to a flag's long name: a boolean one,
 * or a valued one when `valued` also names it.
 */
export function parseArgs(args: string[], valued: string[], bools: Record<string, string>): Parsed {
  const p: Parsed = { flags: new Map(), all: new Map(), bools: new Set(), args: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (valued.includes(name)) {
        const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
        if (v === undefined) throw new UsageError(`expected argument for flag '--${name}'`);
        p.flags.set(name, v);
        p.all.set(name, [...(p.all.get(name) ?? []), v]);
      } else if (Object.values(bools).includes(name)) p.bools.add(name);
      else if (name.startsWith('no-') && Object.values(bools).includes(name.slice(3)))
        p.bools.delete(name.slice(3));
      else throw new UsageError(`unknown long flag '--${name}'`);
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const long = bools[c];
        if (long && valued.includes(long)) {
          // A valued short flag takes the rest of the word or the next argument: -t=~, -t '=~'.
          const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
          if (v === undefined) throw new UsageError(`expected argument for flag '-${c}'`);
          p.flags.set(long, v);
          p.all.set(long, [...(p.all.get(long) ?? []), v]);
          break;
        }
        if (!long) throw new UsageError(`unknown short flag '-${c}'`);
        p.bools.add(long);
      }
    } else p.args.push(a);
  }
  return p;
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.ParseDuration, in milliseconds. */
export function parseGoDuration(s: string): number {
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    if (m.index !== consumed) break;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    consumed += m[0].length;
  }
  if (s === '0') return 0;
  if (consumed !== s.length || s === '') throw new UsageError(`time: invalid duration "${s}"`);
  return total;
}

/** Runs a command body, turning a UsageError into kingpin's "error: …, try --help" (exit 1). */
export async function withUsage(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`promtool: error: ${e.message}, try --help\n`);
      return 1;
    }
    throw e;
  }
}

/** promtool's global flags, set by the dispatcher before a command runs. */
export const globalFlags = { experimental: false };

/** promtool's checkExperimental: the experimental commands refuse to run without --experimental. */
export function experimentalRefused(): boolean {
  if (globalFlags.experimental) return false;
  process.stderr.write(
    'This command is experimental and requires the --experimental flag to be set.\n',
  );
  return true;
}
