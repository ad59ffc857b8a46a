// rule_files globs → the files they match, as Go's filepath.Glob does (wildcards * ? [..] in any
// path component, no **; a pattern matching nothing is not an error).
import { resolve, dirname, isAbsolute, join } from 'node:path';
import type { Config } from '../config/types.js';
import { glob } from '../util/glob.js';

export { glob };

/** The rule files a config names, globs expanded relative to the config file's directory. */
export async function expandRuleFiles(cfg: Config): Promise<string[]> {
  const base = cfg.sourceFile ? dirname(resolve(cfg.sourceFile)) : process.cwd();
  const files: string[] = [];
  for (const pat of cfg.rule_files) {
    const p = isAbsolute(pat) ? pat : join(base, pat);
    for (const f of glob(p)) if (!files.includes(f)) files.push(f);
  }
  return files;
}
