// alertmanager.yml as loaded: defaults applied, matchers compiled, receivers' integrations
// validated by their IntegrationType. Durations in milliseconds.
import type { AMMatcher } from '../matchers/index.js';
import type { AlertmanagerGlobal, IntegrationType } from '../notify/index.js';
import type { TimeInterval } from './timeinterval.js';

export interface RouteConfig {
  readonly receiver: string;
  /** The group_by label names; null for `['...']` (group by all labels). */
  readonly groupBy: readonly string[] | null;
  /** Matchers from match, match_re and matchers, in Alertmanager's order. */
  readonly matchers: readonly AMMatcher[];
  readonly continue: boolean;
  readonly groupWait: number;
  readonly groupInterval: number;
  readonly repeatInterval: number;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  readonly routes: readonly RouteConfig[];
  /** Where the route starts in the file, for messages about it. */
  readonly line: number;
}

export interface InhibitRuleConfig {
  readonly sourceMatchers: readonly AMMatcher[];
  readonly targetMatchers: readonly AMMatcher[];
  readonly equal: readonly string[];
}

export interface IntegrationConfig {
  readonly type: IntegrationType;
  readonly index: number;
  readonly config: unknown;
}

export interface ReceiverConfig {
  readonly name: string;
  readonly integrations: readonly IntegrationConfig[];
}

export interface AlertmanagerConfig {
  readonly global: AlertmanagerGlobal;
  readonly route: RouteConfig;
  readonly inhibitRules: readonly InhibitRuleConfig[];
  readonly receivers: readonly ReceiverConfig[];
  readonly timeIntervals: ReadonlyMap<string, readonly TimeInterval[]>;
  /** Template globs, made absolute against the config file's directory. */
  readonly templates: readonly string[];
  /** The file's text, as /api/v2/status shows `config.original`. */
  readonly original: string;
  readonly sourceFile: string;
}
