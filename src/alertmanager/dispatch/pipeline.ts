// One flush of an aggregation group through Alertmanager's notification stages: inhibition,
// active and mute time intervals, silences, then for each integration of the receiver the
// notification-log dedup, delivery with retries and backoff, and the log entry.
import type { Logger } from '../../util/log.js';
import { anyIntervalContains, type TimeInterval } from '../config/index.js';
import type { Inhibitor } from '../inhibit/index.js';
import type { AMMetrics } from '../metrics/index.js';
import { contractDate, resolvedAt, type Alert } from '../model/index.js';
import type { NflogEntry, NotificationLog, ReceiverKey } from '../nflog/index.js';
import {
  NotifyError,
  type Integration,
  type NotifyAlert,
  type NotifyContext,
} from '../notify/index.js';
import type { Silences } from '../silence/index.js';
import { sleep } from '../../util/sleep.js';
import { promLabelsHash } from '../../util/xxhash.js';
import { ExponentialBackoff } from './backoff.js';

export interface FlushContext {
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly receiver: string;
  readonly repeatInterval: number;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  readonly now: number;
  readonly signal: AbortSignal;
}

export interface PipelineDeps {
  readonly inhibitor: Inhibitor;
  readonly silences: Silences;
  readonly nflog: NotificationLog;
  readonly timeIntervals: ReadonlyMap<string, readonly TimeInterval[]>;
  readonly receivers: ReadonlyMap<string, readonly Integration[]>;
  readonly metrics: AMMetrics;
  readonly logger: Logger;
  readonly externalURL: string;
}

/** Alertmanager's hash of an alert for the notification log: xxhash64 of its sorted labels. */
export function alertHash(a: Alert): bigint {
  return promLabelsHash(
    Object.keys(a.labels)
      .sort()
      .map((k) => [k, a.labels[k]!]),
  );
}

const isSubset = (set: ReadonlySet<bigint>, sub: ReadonlySet<bigint>): boolean => {
  for (const x of sub) if (!set.has(x)) return false;
  return true;
};

function needsUpdate(
  entry: NflogEntry | undefined,
  firing: ReadonlySet<bigint>,
  resolved: ReadonlySet<bigint>,
  sendResolved: boolean,
  repeat: number,
  now: number,
): boolean {
  if (entry === undefined) return firing.size > 0;
  if (!isSubset(entry.firing, firing)) return true;
  // All resolved: clear the log even without send_resolved, unless the receiver never heard of them.
  if (firing.size === 0) return entry.firing.size > 0;
  if (sendResolved && !isSubset(entry.resolved, resolved)) return true;
  return entry.timestamp < now - repeat;
}

export class Pipeline {
  constructor(private readonly deps: PipelineDeps) {}

  /** Runs the stages; true when every integration succeeded (or had nothing to do). */
  async run(ctx: FlushContext, alerts: readonly Alert[]): Promise<boolean> {
    const d = this.deps;
    let live = alerts.filter((a) => d.inhibitor.inhibitedBy(a.labels).length === 0);
    if (live.length === 0) return true;
    if (
      ctx.activeTimeIntervals.length > 0 &&
      !ctx.activeTimeIntervals.some((n) =>
        anyIntervalContains(d.timeIntervals.get(n) ?? [], ctx.now),
      )
    ) {
      d.logger.debug('Notifications not sent, route is not within active time', {
        aggrGroup: ctx.groupKey,
      });
      return true;
    }
    if (
      ctx.muteTimeIntervals.some((n) => anyIntervalContains(d.timeIntervals.get(n) ?? [], ctx.now))
    ) {
      d.logger.debug('Notifications not sent, route is within mute time', {
        aggrGroup: ctx.groupKey,
      });
      return true;
    }
    live = live.filter((a) => d.silences.mutedBy(a.labels).length === 0);
    if (live.length === 0) return true;
    const integrations = d.receivers.get(ctx.receiver) ?? [];
    const results = await Promise.all(integrations.map((i) => this.deliver(ctx, i, live)));
    return results.every(Boolean);
  }

  private async deliver(
    ctx: FlushContext,
    integration: Integration,
    alerts: readonly Alert[],
  ): Promise<boolean> {
    const d = this.deps;
    const key: ReceiverKey = {
      groupName: ctx.receiver,
      integration: integration.name,
      idx: integration.index,
    };
    const firing: bigint[] = [];
    const resolved: bigint[] = [];
    const now = Date.now();
    for (const a of alerts) (resolvedAt(a, now) ? resolved : firing).push(alertHash(a));
    const entry = d.nflog.query(ctx.groupKey, key);
    if (
      !needsUpdate(
        entry,
        new Set(firing),
        new Set(resolved),
        integration.sendResolved,
        ctx.repeatInterval,
        ctx.now,
      )
    )
      return true;
    const log = d.logger.with({
      receiver: ctx.receiver,
      integration: `${integration.name}[${integration.index}]`,
      aggrGroup: ctx.groupKey,
    });
    d.metrics.notifications.inc({ integration: integration.name });
    let sent = alerts;
    if (!integration.sendResolved) {
      if (firing.length === 0) {
        d.nflog.log(ctx.groupKey, key, firing, resolved, 2 * ctx.repeatInterval);
        return true;
      }
      sent = alerts.filter((a) => !resolvedAt(a, now));
    }
    const ok = await this.retry(ctx, integration, sent, log);
    if (!ok) {
      d.metrics.notificationsFailed.inc({ integration: integration.name });
      return false;
    }
    d.nflog.log(ctx.groupKey, key, firing, resolved, 2 * ctx.repeatInterval);
    return true;
  }

  private async retry(
    ctx: FlushContext,
    integration: Integration,
    alerts: readonly Alert[],
    log: Logger,
  ): Promise<boolean> {
    const d = this.deps;
    const nctx: NotifyContext = {
      receiver: ctx.receiver,
      groupKey: ctx.groupKey,
      groupLabels: ctx.groupLabels,
      externalURL: d.externalURL,
      now: new Date(ctx.now),
      repeatInterval: ctx.repeatInterval,
      signal: ctx.signal,
    };
    const notifyAlerts: NotifyAlert[] = alerts.map((a) => ({
      labels: a.labels,
      annotations: a.annotations,
      startsAt: contractDate(a.startsAt),
      endsAt: contractDate(a.endsAt),
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    }));
    const backoff = new ExponentialBackoff();
    let lastErr = '';
    for (let attempt = 1; ; attempt++) {
      if (ctx.signal.aborted) {
        log.error('Notify for alerts failed', {
          err: `${ctx.receiver}/${integration.name}[${integration.index}]: notify retry canceled after ${attempt} attempts: ${lastErr || 'context deadline exceeded'}`,
        });
        return false;
      }
      const started = performance.now();
      try {
        d.metrics.requests.inc({ integration: integration.name });
        await integration.notify(nctx, notifyAlerts);
        d.metrics.latency.observe(
          { integration: integration.name },
          (performance.now() - started) / 1000,
        );
        if (attempt > 1) log.info('Notify success', { attempts: attempt });
        else log.debug('Notify success', { attempts: attempt });
        return true;
      } catch (e) {
        d.metrics.latency.observe(
          { integration: integration.name },
          (performance.now() - started) / 1000,
        );
        d.metrics.requestsFailed.inc({ integration: integration.name });
        const msg = (e as Error).message;
        if (e instanceof NotifyError && !e.retry) {
          log.error('Notify for alerts failed', {
            err: `${ctx.receiver}/${integration.name}[${integration.index}]: notify retry canceled due to unrecoverable error after ${attempt} attempts: ${msg}`,
          });
          return false;
        }
        if (!ctx.signal.aborted && msg !== lastErr)
          log.warn('Notify attempt failed, will retry later', { attempts: attempt, err: msg });
        lastErr = msg;
      }
      await sleep(backoff.next(), ctx.signal);
    }
  }
}
