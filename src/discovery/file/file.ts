// file_sd_configs: target groups read from JSON or YAML files named by globs, re-read when a
// file changes (fs.watch) and every refresh_interval; a file that fails to read or parse keeps
// its last good groups.
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { glob } from '../../util/glob.js';
import { parse as parseYAML } from 'yaml';
import { RefreshProvider, type TargetGroup, type ProviderContext } from '../mechanism/index.js';
import type { FileSDConfig } from './config.js';
import { isValidLabelName } from '../../model/labels/index.js';

export class FileProvider extends RefreshProvider {
  private readonly lastGood = new Map<string, TargetGroup[]>();
  private watchers: FSWatcher[] = [];
  private trigger: (() => void) | null = null;

  constructor(
    private readonly cfg: FileSDConfig,
    ctx: ProviderContext,
  ) {
    super(ctx, cfg.refresh_interval, null); // file SD has metrics of its own, not the refresh ones
  }

  override start(emit: (groups: TargetGroup[]) => void): void {
    super.start(emit);
    // Changes are picked up at once, not only at the next refresh.
    const dirs = new Set(this.cfg.files.map((f) => dirname(resolve(f))));
    for (const d of dirs) {
      try {
        const w = watch(d, () => {
          if (this.trigger) return;
          this.trigger = () => {};
          setTimeout(() => {
            this.trigger = null;
            void this.refresh(new AbortController().signal).then(emit, (e: Error) =>
              this.failed(e),
            );
          }, 100);
        });
        w.on('error', () => this.ctx.metrics.fileWatcherErrors.inc());
        this.watchers.push(w);
      } catch {
        // A directory that does not exist yet is covered by the periodic refresh; Prometheus
        // counts the failed watch all the same.
        this.ctx.metrics.fileWatcherErrors.inc();
      }
    }
  }

  override stop(): void {
    super.stop();
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }

  protected async refresh(_signal?: AbortSignal): Promise<TargetGroup[]> {
    const started = performance.now();
    const files = new Set<string>();
    // Paths stay as the pattern spells them: __meta_filepath is what Prometheus shows (t.json, not /abs/t.json).
    for (const pattern of this.cfg.files) {
      for (const f of glob(pattern)) files.add(f);
    }
    const out: TargetGroup[] = [];
    for (const f of [...files].sort()) {
      try {
        const groups = readGroups(f);
        this.lastGood.set(f, groups);
        out.push(...groups);
      } catch (e) {
        this.ctx.metrics.fileReadErrors.inc();
        this.ctx.logger.error('Error reading file', { path: f, err: e as Error });
        out.push(...(this.lastGood.get(f) ?? []));
      }
    }
    // Files that went away lose their groups.
    for (const f of this.lastGood.keys()) if (!files.has(f)) this.lastGood.delete(f);
    this.ctx.metrics.fileScanDuration.observe((performance.now() - started) / 1000);
    return out;
  }

  protected failed(err: Error): void {
    this.ctx.metrics.fileReadErrors.inc();
    this.ctx.logger.error('Error refreshing file SD', { err });
  }
}

/** Parses one file: a list of {targets: [...], labels: {...}}, as Prometheus's file SD reads it. */
export function readGroups(path: string): TargetGroup[] {
  const text = readFileSync(path, 'utf8');
  const ext = extname(path).toLowerCase();
  let data: unknown;
  if (ext === '.json') data = JSON.parse(text);
  else if (ext === '.yml' || ext === '.yaml') data = parseYAML(text);
  else throw new Error(`retrieving targets from file "${path}" failed: unsupported file format`);
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data)) throw new Error('file content is not a list of target groups');
  return data.map((g: unknown, i: number) => {
    const o = (g ?? {}) as { targets?: unknown; labels?: unknown };
    const targets = Array.isArray(o.targets) ? o.targets.map(String) : [];
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries((o.labels ?? {}) as Record<string, unknown>)) {
      if (!isValidLabelName(k)) throw new Error(`"${k}" is not a valid label name`);
      labels[k] = String(v);
    }
    for (const t of targets) if (t.includes('/')) throw new Error(`"${t}" is not a valid hostname`);
    labels['__meta_filepath'] = path;
    return { targets: targets.map((t) => ({ __address__: t })), labels, source: `${path}:${i}` };
  });
}
