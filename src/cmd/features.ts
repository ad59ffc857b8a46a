// --enable-feature: what each name does here, logged at start as Prometheus logs it. Features this
// server does not have are said so, not silently taken.
import type { Logger } from '../util/log.js';

/** Features that change behaviour here. */
const HONOURED: Record<string, string> = {
  'expand-external-labels': 'Experimental expand-external-labels enabled',
  'remote-write-receiver':
    'Remote write receiver enabled via feature flag remote-write-receiver. This is DEPRECATED. Use --web.enable-remote-write-receiver.',
  'extra-scrape-metrics': 'Experimental additional scrape metrics enabled',
  'no-default-scrape-port': "No default port will be appended to scrape targets' addresses.",
};
/** Features whose Prometheus purpose needs nothing here (Go runtime tuning, a discovery rewrite, a faster restart the WAL replay already gives). */
const NOTHING_TO_DO = new Set([
  'auto-gomaxprocs',
  'new-service-discovery-manager',
  'memory-snapshot-on-shutdown',
]);
const PERMANENT = new Set(['promql-at-modifier', 'promql-negative-offset']);

export function logFeatures(features: Iterable<string>, logger: Logger): void {
  for (const f of features) {
    if (HONOURED[f])
      (f === 'remote-write-receiver' ? logger.warn : logger.info).call(logger, HONOURED[f]!);
    else if (PERMANENT.has(f))
      logger.warn(
        'This option for --enable-feature is now permanently enabled and therefore a no-op.',
        { option: f },
      );
    else if (NOTHING_TO_DO.has(f))
      logger.info('Feature has nothing to change in prometheus-ts; accepted', { option: f });
    else if (f === 'native-histograms') {
      logger.warn(
        'Native histograms: the TSDB takes, stores, compacts and dumps them; scrapes (protobuf) and the remote-write receiver take them, remote write sends them (send_native_histograms); PromQL and the API over them are not supported by prometheus-ts yet',
        { option: f },
      );
    } else if (
      [
        'agent',
        'exemplar-storage',
        'otlp-write-receiver',
        'promql-per-step-stats',
        'promql-experimental-functions',
      ].includes(f)
    ) {
      logger.warn('Feature not supported by prometheus-ts yet; ignored', { option: f });
    } else logger.warn('Unknown option for --enable-feature', { option: f });
  }
}
