// rule_files globs → the files they match, as Go's filepath.Glob does (wildcards * ? [..] in any
// path component, no **; a pattern matching nothing is not an error).
import type { Config } from '../config/index.js';
import { glob } from '../util/glob.js';

export { glob };

/**
 * The rule files a config names, globs expanded. Loading already joined relative patterns to the
 * config file's directory (Prometheus's SetDirectory), so what is left relative is relative to
 * the working directory, as Go's filepath.Glob takes it.
 */
export async function expandRuleFiles(cfg: Config): Promise<string[]> {
  const files: string[] = [];
  for (const pat of cfg.rule_files) {
    for (const f of glob(pat)) if (!files.includes(f)) files.push(f);
  }
  return files;
}
