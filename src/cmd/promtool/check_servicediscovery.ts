// promtool-ts check service-discovery [--timeout=30s] CONFIG JOB: runs the job's discovery for
// the whole timeout through the discovery manager, relabels every target it found as the scrape
// side would, and prints promtool's JSON: discoveredLabels, labels ({} when dropped) and error
// (Go marshals an error value as {}), one entry per distinct result.
import {
  getScrapeConfigs,
  loadConfigFile,
  type ScrapeConfig,
  type TargetGroup,
} from '../../config/index.js';
import { DiscoveryManager } from '../../discovery/index.js';
import { Labels } from '../../model/labels/index.js';
import { populateLabels } from '../../scrape/index.js';
import { parseArgs, parseGoDuration, withUsage, UsageError } from './flags.js';
import { missingFile } from './subcommand.js';

interface SDCheckResult {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  error?: Record<string, never>;
}

/** The target's own labels win over its group's, as in Prometheus's getSDCheckResult. */
function results(groups: TargetGroup[], cfg: ScrapeConfig): SDCheckResult[] {
  const out: SDCheckResult[] = [];
  const seen = new Set<string>();
  for (const g of groups) {
    for (const t of g.targets) {
      let r: SDCheckResult;
      try {
        const { labels, discovered } = populateLabels(
          Labels.fromObject({ ...g.labels, ...t }),
          cfg,
        );
        r = { discoveredLabels: discovered.toObject(), labels: labels?.toObject() ?? {} };
      } catch {
        r = { discoveredLabels: {}, labels: {}, error: {} };
      }
      const key = JSON.stringify(r);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(r);
    }
  }
  return out;
}

export function run(args: string[]): Promise<number> {
  return withUsage(async () => {
    const p = parseArgs(args, ['timeout'], {});
    const [file, job] = p.args;
    if (file === undefined) throw new UsageError("required argument 'config-file' not provided");
    if (missingFile([file])) return 1;
    if (job === undefined) throw new UsageError("required argument 'job' not provided");
    const timeout = parseGoDuration(p.flags.get('timeout') ?? '30s');
    let cfg;
    try {
      cfg = loadConfigFile(file);
    } catch (e) {
      process.stderr.write(`Cannot load config ${(e as Error).message}\n`);
      return 1;
    }
    let scfgs;
    try {
      scfgs = getScrapeConfigs(cfg);
    } catch (e) {
      process.stderr.write(`Cannot load scrape configs ${(e as Error).message}\n`);
      return 1;
    }
    const sc = scfgs.find((s) => s.job_name === job);
    if (!sc) {
      process.stderr.write(
        `Job ${job} not found. Select one of:\n${scfgs.map((s) => `\t${s.job_name}\n`).join('')}`,
      );
      return 1;
    }
    const manager = new DiscoveryManager({ name: 'scrape', updateThrottleMs: 0 });
    manager.applyConfig(new Map([[job, sc]]));
    // promtool listens until the timeout whatever arrives: discovery has no "done".
    await new Promise((r) => setTimeout(r, timeout));
    const groups = manager.targetGroups().get(job) ?? [];
    await manager.stop();
    process.stdout.write(JSON.stringify(results(groups, sc), null, 2));
    return 0;
  });
}
