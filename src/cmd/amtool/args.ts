// Command-line parsing in kingpin's manner for amtool-ts: flags anywhere after the program name
// (--name=value, --name value, -x value, -xvalue, --no-name for booleans), repeatable flags,
// and defaults from amtool's config file ($HOME/.config/amtool/config.yml, /etc/amtool/config.yml).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYAML } from 'yaml';

export class UsageError extends Error {}

export interface FlagSpec {
  name: string;
  short?: string;
  kind: 'string' | 'bool' | 'list';
  default?: string;
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  const set = (s: FlagSpec, v: string) =>
    flags.set(s.name, s.kind === 'list' ? [...(flags.get(s.name) ?? []), v] : [v]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      let name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      let s = byName.get(name);
      if (!s && name.startsWith('no-') && byName.get(name.slice(3))?.kind === 'bool') {
        name = name.slice(3);
        flags.set(name, ['false']);
        continue;
      }
      if (!s) throw new UsageError(`unknown long flag '--${name}'`);
      if (s.kind === 'bool') {
        flags.set(s.name, [eq >= 0 ? a.slice(eq + 1) : 'true']);
        continue;
      }
      const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`expected argument for flag '--${name}'`);
      set(s, v);
      s = undefined;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      const s = byShort.get(a[1]!);
      if (!s) throw new UsageError(`unknown short flag '${a.slice(0, 2)}'`);
      if (s.kind === 'bool') {
        flags.set(s.name, ['true']);
        continue;
      }
      const v = a.length > 2 ? a.slice(2) : argv[++i];
      if (v === undefined) throw new UsageError(`expected argument for flag '-${s.short}'`);
      set(s, v);
      continue;
    }
    positional.push(a);
  }
  return { positional, flags };
}

/** amtool's config file: flag names as keys, used where the command line sets nothing. */
export function configFileDefaults(home = homedir()): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of [join(home, '.config', 'amtool', 'config.yml'), '/etc/amtool/config.yml']) {
    if (!existsSync(p)) continue;
    let doc: unknown;
    try {
      doc = parseYAML(readFileSync(p, 'utf8'));
    } catch (e) {
      throw new UsageError(`could not load config file: ${(e as Error).message}`);
    }
    if (doc && typeof doc === 'object') {
      for (const [k, v] of Object.entries(doc as Record<string, unknown>))
        out.set(k === 'comment_required' ? 'require-comment' : k, String(v));
    }
    break;
  }
  return out;
}

export class Flags {
  constructor(
    private readonly parsed: ParsedArgs,
    private readonly specs: readonly FlagSpec[],
    private readonly fileDefaults: Map<string, string>,
  ) {}

  private spec(name: string): FlagSpec {
    const s = this.specs.find((x) => x.name === name);
    if (!s) throw new Error(`flag ${name} not declared`);
    return s;
  }

  str(name: string): string {
    return (
      this.parsed.flags.get(name)?.at(-1) ??
      this.fileDefaults.get(name) ??
      this.spec(name).default ??
      ''
    );
  }

  bool(name: string): boolean {
    const v = this.str(name);
    if (v === '') return false;
    if (v !== 'true' && v !== 'false')
      throw new UsageError(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
    return v === 'true';
  }

  list(name: string): string[] {
    return this.parsed.flags.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.parsed.flags.has(name);
  }
}
