// The rule manager: loads rule files, runs one schedule per group, and on reload keeps the state
// of groups that did not change (their alerts carry on), replaces changed ones and stops removed
// ones. A rule file with errors fails the whole update, so a bad reload keeps the old rules.
import type { Labels } from '../model/labels/index.js';
import { parseRuleFile, type RuleGroupDef } from '../model/rulefmt/index.js';
import type { Appendable, Queryable } from '../storage/index.js';
import type { Engine } from '../promql/index.js';
import type { Alert } from '../notifier/index.js';
import { nopLogger, type Logger } from '../util/log.js';
import type { Registry } from '../util/metrics.js';
import type { RuleGroupInfo, RulesRetriever } from './rule_info.js';
import { RuleGroup } from './group.js';
import { RuleMetrics } from './metrics.js';

export interface RuleManagerOptions {
  queryable: Queryable;
  appendable: Appendable;
  engine: Engine;
  notify: (alerts: Alert[]) => void;
  externalLabels: Labels;
  externalURL: string;
  logger?: Logger;
  registry?: Registry;
  /** ms */
  outageTolerance?: number;
  forGracePeriod?: number;
  resendDelay?: number;
}

export class RuleLoadError extends Error {}

export class RuleManager implements RulesRetriever {
  private groups = new Map<string, { group: RuleGroup; defKey: string }>();
  private readonly logger: Logger;
  private readonly metrics: RuleMetrics;
  private firstUpdate = true;

  constructor(private readonly opts: RuleManagerOptions) {
    this.logger = opts.logger ?? nopLogger;
    this.metrics = new RuleMetrics(opts.registry);
  }

  /** Loads the files (already glob-expanded) and applies them; throws listing every error. */
  async update(
    evaluationInterval: number,
    files: string[],
    externalLabels: Labels,
    externalURL: string,
  ): Promise<void> {
    const defs: { file: string; def: RuleGroupDef }[] = [];
    const errors: string[] = [];
    for (const f of files) {
      const { groups, errors: errs } = parseRuleFile(f);
      for (const e of errs) errors.push(e.message);
      for (const g of groups) defs.push({ file: f, def: g });
    }
    if (errors.length > 0)
      throw new RuleLoadError(
        `error loading rules, previous rule set restored: ${errors.join('; ')}`,
      );
    const next = new Map<string, { group: RuleGroup; defKey: string }>();
    const restore = this.firstUpdate;
    this.firstUpdate = false;
    for (const { file, def } of defs) {
      const key = `${file};${def.name}`;
      const interval = def.interval > 0 ? def.interval : evaluationInterval;
      const defKey = JSON.stringify({
        def: { ...def, line: 0, rules: def.rules.map((r) => ({ ...r, line: 0 })) },
        interval,
        ext: externalLabels.key(),
        externalURL,
      });
      const old = this.groups.get(key);
      if (old && old.defKey === defKey) {
        next.set(key, old);
        continue;
      }
      const group = new RuleGroup({
        file,
        def,
        interval,
        queryable: this.opts.queryable,
        appendable: this.opts.appendable,
        engine: this.opts.engine,
        notify: this.opts.notify,
        externalLabels,
        externalURL,
        logger: this.logger.with({ file, group: def.name }),
        metrics: this.metrics,
        outageTolerance: this.opts.outageTolerance ?? 3_600_000,
        forGracePeriod: this.opts.forGracePeriod ?? 600_000,
        resendDelay: this.opts.resendDelay ?? 60_000,
      });
      if (old) group.copyState(old.group);
      else if (restore) group.markForRestore();
      next.set(key, { group, defKey });
    }
    for (const [key, old] of this.groups) {
      const kept = next.get(key);
      if (kept === old) continue;
      // A replaced group's series continue in its successor; a removed group's end here.
      await old.group.stop(kept === undefined);
    }
    for (const [key, g] of next) if (this.groups.get(key) !== g) g.group.start();
    this.groups = next;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.groups.values()].map((g) => g.group.stop(false)));
    this.groups.clear();
  }

  ruleGroups(): RuleGroupInfo[] {
    return [...this.groups.values()]
      .map((g) => g.group.info())
      .sort((a, b) =>
        a.file !== b.file
          ? a.file < b.file
            ? -1
            : 1
          : a.name < b.name
            ? -1
            : a.name > b.name
              ? 1
              : 0,
      );
  }

  /** The running groups (for rule unit tests and the UI). */
  groupList(): RuleGroup[] {
    return [...this.groups.values()].map((g) => g.group);
  }
}
