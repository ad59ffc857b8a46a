// Lints of prometheus.yml: every relabel list of the file, and scrape timeouts equal to their
// interval. Works on the YAML itself (with its positions) after the loader has accepted it.
import { parseDuration } from '../model/duration/index.js';
import type { LintFinding } from './finding.js';
import { lintRelabelList } from './relabel.js';
import { YamlDoc, type Path } from './yaml_doc.js';

/** The `__meta_` prefix of the labels a `<name>_sd_configs` mechanism sets. */
function metaPrefix(mechanism: string): string {
  const name = mechanism.replace(/_sd_configs$/, '');
  if (name === 'file') return '__meta_filepath';
  if (name === 'http') return '__meta_url';
  return `__meta_${name}_`;
}

function mechanisms(doc: YamlDoc, path: Path): string[] {
  return doc.keys(path).filter((k) => k.endsWith('_sd_configs') && doc.count([...path, k]) > 0);
}

function duration(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  try {
    return parseDuration(s);
  } catch {
    return undefined;
  }
}

/** Lints the scrape configs of one file (the main config, or one of its scrape_config_files). */
function lintScrapeConfigs(
  doc: YamlDoc,
  globalInterval: string | undefined,
  globalTimeout: string | undefined,
  out: LintFinding[],
): void {
  for (let i = 0; i < doc.count(['scrape_configs']); i++) {
    const job = ['scrape_configs', i];
    const jobName = doc.str([...job, 'job_name']) ?? `#${i}`;
    const mech = mechanisms(doc, job);
    lintRelabelList(
      doc,
      [...job, 'relabel_configs'],
      `job "${jobName}" relabel_configs`,
      { kind: 'target', metaPrefixes: mech.map(metaPrefix), mechanisms: mech },
      out,
    );
    lintRelabelList(
      doc,
      [...job, 'metric_relabel_configs'],
      `job "${jobName}" metric_relabel_configs`,
      { kind: 'series', section: 'metric_relabel_configs' },
      out,
    );
    const intervalText = doc.str([...job, 'scrape_interval']) ?? globalInterval;
    const timeoutText = doc.str([...job, 'scrape_timeout']);
    const interval = duration(intervalText) ?? 60_000;
    // Only a timeout the user wrote: Prometheus itself derives timeout = interval when the
    // global timeout is longer than a job's interval.
    const explicitTimeout =
      timeoutText ??
      (doc.str([...job, 'scrape_interval']) === undefined ? globalTimeout : undefined);
    const timeout = duration(explicitTimeout);
    if (timeout !== undefined && timeout === interval) {
      const where =
        timeoutText !== undefined ? [...job, 'scrape_timeout'] : ['global', 'scrape_timeout'];
      out.push({
        file: doc.file,
        ...doc.pos(where),
        message: `job "${jobName}": scrape_timeout ${explicitTimeout} equals scrape_interval ${intervalText ?? '1m'}: a slow target's scrape runs into the next one, and every scrape that takes the whole interval is reported as late.`,
        fix: `leave room between them, e.g. scrape_timeout: ${formatShort(Math.max(1000, Math.floor(interval * 0.8)))}.`,
      });
    }
  }
}

function formatShort(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * Lints the config file `file` (its text `text`, already accepted by the loader) and the
 * scrape config files it includes (already resolved to paths, with their texts).
 */
export function lintConfig(
  file: string,
  text: string,
  scrapeConfigFiles: readonly { file: string; text: string }[] = [],
): LintFinding[] {
  const out: LintFinding[] = [];
  const doc = new YamlDoc(file, text);
  const globalInterval = doc.str(['global', 'scrape_interval']);
  const globalTimeout = doc.str(['global', 'scrape_timeout']);
  lintScrapeConfigs(doc, globalInterval, globalTimeout, out);
  for (const f of scrapeConfigFiles)
    lintScrapeConfigs(new YamlDoc(f.file, f.text), globalInterval, globalTimeout, out);
  for (let i = 0; i < doc.count(['remote_write']); i++) {
    lintRelabelList(
      doc,
      ['remote_write', i, 'write_relabel_configs'],
      `remote_write[${i}] write_relabel_configs`,
      { kind: 'series', section: 'write_relabel_configs' },
      out,
    );
  }
  lintRelabelList(
    doc,
    ['alerting', 'alert_relabel_configs'],
    'alerting alert_relabel_configs',
    { kind: 'series', section: 'alert_relabel_configs' },
    out,
  );
  for (let i = 0; i < doc.count(['alerting', 'alertmanagers']); i++) {
    const am = ['alerting', 'alertmanagers', i];
    const mech = mechanisms(doc, am);
    lintRelabelList(
      doc,
      [...am, 'relabel_configs'],
      `alertmanagers[${i}] relabel_configs`,
      { kind: 'target', metaPrefixes: mech.map(metaPrefix), mechanisms: mech },
      out,
    );
  }
  return out;
}

/** The global evaluation interval a rule group without its own falls back to (ms). */
export function globalEvaluationInterval(text: string): number {
  return duration(new YamlDoc('', text).str(['global', 'evaluation_interval'])) ?? 60_000;
}
