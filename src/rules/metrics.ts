// The rule manager's own metrics, named as Prometheus names them.
import { client, type Registry } from '../util/metrics.js';

export class RuleMetrics {
  readonly ruleDuration: client.Summary;
  readonly groupDuration: client.Summary;
  readonly missed: client.Counter<'rule_group'>;
  readonly iterations: client.Counter<'rule_group'>;
  readonly evaluations: client.Counter<'rule_group'>;
  readonly failures: client.Counter<'rule_group'>;
  readonly interval: client.Gauge<'rule_group'>;
  readonly rules: client.Gauge<'rule_group'>;
  readonly lastDuration: client.Gauge<'rule_group'>;
  readonly lastEvaluation: client.Gauge<'rule_group'>;
  readonly lastSamples: client.Gauge<'rule_group'>;

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    const g = (name: string, help: string) =>
      new client.Gauge({ name, help, labelNames: ['rule_group'], registers });
    const c = (name: string, help: string) =>
      new client.Counter({ name, help, labelNames: ['rule_group'], registers });
    this.ruleDuration = new client.Summary({
      name: 'prometheus_rule_evaluation_duration_seconds',
      help: 'The duration for a rule to execute.',
      percentiles: [0.5, 0.9, 0.99],
      maxAgeSeconds: 600,
      ageBuckets: 5,
      registers,
    });
    this.groupDuration = new client.Summary({
      name: 'prometheus_rule_group_duration_seconds',
      help: 'The duration of rule group evaluations.',
      percentiles: [0.01, 0.05, 0.5, 0.9, 0.99],
      maxAgeSeconds: 600,
      ageBuckets: 5,
      registers,
    });
    this.missed = c(
      'prometheus_rule_group_iterations_missed_total',
      'The total number of rule group evaluations missed due to slow rule group evaluation.',
    );
    this.iterations = c(
      'prometheus_rule_group_iterations_total',
      'The total number of scheduled rule group evaluations, whether executed or missed.',
    );
    this.evaluations = c(
      'prometheus_rule_evaluations_total',
      'The total number of rule evaluations.',
    );
    this.failures = c(
      'prometheus_rule_evaluation_failures_total',
      'The total number of rule evaluation failures.',
    );
    this.interval = g('prometheus_rule_group_interval_seconds', 'The interval of a rule group.');
    this.rules = g('prometheus_rule_group_rules', 'The number of rules.');
    this.lastDuration = g(
      'prometheus_rule_group_last_duration_seconds',
      'The duration of the last rule group evaluation.',
    );
    this.lastEvaluation = g(
      'prometheus_rule_group_last_evaluation_timestamp_seconds',
      'The timestamp of the last rule group evaluation in seconds.',
    );
    this.lastSamples = g(
      'prometheus_rule_group_last_evaluation_samples',
      'The number of samples returned during the last rule group evaluation.',
    );
  }
}
