// Go's filepath.Glob: wildcards * ? [..] in any path component, no **; a pattern matching
// nothing is not an error. Used for rule_files and file_sd_configs.
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';

function hasMeta(s: string): boolean {
  return /[*?[\\]/.test(s);
}

/** One path component pattern → RegExp (Go's path.Match syntax). */
function componentRegExp(pat: string): RegExp {
  let re = '';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pat.indexOf(']', i + 2);
      if (end < 0) throw new Error(`syntax error in pattern: ${pat}`);
      let cls = pat.slice(i + 1, end);
      if (cls.startsWith('^')) cls = '^' + cls.slice(1);
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pat.length) re += '\\' + pat[++i];
    else re += c.replace(/[.+^${}()|\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function glob(pattern: string): string[] {
  if (!hasMeta(pattern)) {
    try {
      statSync(pattern);
      return [pattern];
    } catch {
      return [];
    }
  }
  const abs = isAbsolute(pattern);
  const parts = pattern.split(sep).filter((p, i) => p !== '' || i === 0);
  let bases = [abs ? sep : '.'];
  for (let i = abs ? 1 : 0; i < parts.length; i++) {
    const part = parts[i]!;
    const next: string[] = [];
    for (const base of bases) {
      if (!hasMeta(part)) {
        const p = join(base, part);
        try {
          statSync(p);
          next.push(p);
        } catch {
          /* no match */
        }
        continue;
      }
      const re = componentRegExp(part);
      let names: string[];
      try {
        names = readdirSync(base);
      } catch {
        continue;
      }
      for (const n of names.sort())
        if (re.test(n) && !(n.startsWith('.') && !part.startsWith('.'))) next.push(join(base, n));
    }
    bases = next;
  }
  return bases;
}
