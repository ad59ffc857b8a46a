// The contract between the Alertmanager's dispatcher and the integrations that deliver
// notifications (webhook, email, Slack, …). The dispatcher owns grouping, timing, the
// notification log and retries; an integration only turns one group's alerts into one request.
// Written down first so the dispatcher and the integrations can be built apart.

/** An alert as the dispatcher hands it over (Alertmanager's types.Alert, already merged). */
export interface NotifyAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: Date;
  /** The end time; in the future (or the zero time, new Date(0)) while the alert fires. */
  readonly endsAt: Date;
  readonly generatorURL: string;
  /** Alertmanager's fingerprint of the label set: 16 lower-case hex digits. */
  readonly fingerprint: string;
}

/** What Alertmanager's notify context carries for one notification of one aggregation group. */
export interface NotifyContext {
  readonly receiver: string;
  /** The aggregation group's key, e.g. `{}/{severity="critical"}:{alertname="X"}`. */
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly now: Date;
  readonly repeatInterval: number; // milliseconds
  /** Aborted when the dispatcher gives up (shutdown, the next group_interval tick). */
  readonly signal: AbortSignal;
}

/** A delivery failure; `retry` says whether the dispatcher should try again with backoff. */
export class NotifyError extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
  ) {
    super(message);
    this.name = 'NotifyError';
  }
}

/** One configured integration of a receiver (e.g. the second `slack_configs` entry). */
export interface Integration {
  /** Alertmanager's integration name: "webhook", "email", "slack", "pagerduty", … */
  readonly name: string;
  /** Position within the receiver's list of this integration's configs. */
  readonly index: number;
  readonly sendResolved: boolean;
  /** Sends one notification; throws NotifyError on failure. */
  notify(ctx: NotifyContext, alerts: readonly NotifyAlert[]): Promise<void>;
}

/** Alertmanager's template data (template.Data), as templates and payloads see it. */
export interface TemplateAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly generatorURL: string;
  readonly fingerprint: string;
}
export interface TemplateData {
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly alerts: readonly TemplateAlert[];
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalURL: string;
}

/**
 * The loaded notification templates (default.tmpl plus the config's `templates:` globs). The
 * project's Go template engine executes asynchronously, so the real set returns promises; callers
 * await either form.
 */
export interface NotificationTemplates {
  /** Expands a text template string with the data (text/template semantics). */
  expandText(text: string, data: TemplateData): string | Promise<string>;
  /** Expands an HTML template string with the data (html/template escaping). */
  expandHTML(text: string, data: TemplateData): string | Promise<string>;
}

/** What an integration may use besides its own config. */
export interface IntegrationDeps {
  readonly templates: NotificationTemplates;
  /** Logs with the integration's context; level is Alertmanager's (debug|info|warn|error). */
  log(
    level: 'debug' | 'info' | 'warn' | 'error',
    msg: string,
    fields?: Record<string, unknown>,
  ): void;
}

/** Alertmanager 0.25's `global:` section, defaults applied (durations in milliseconds). */
export interface AlertmanagerGlobal {
  readonly resolveTimeout: number;
  /** The raw `global.http_config` mapping; each integration applies it under its own http_config. */
  readonly httpConfig: Readonly<Record<string, unknown>> | undefined;
  readonly smtpFrom?: string;
  readonly smtpHello: string;
  readonly smtpSmarthost?: string;
  readonly smtpAuthUsername?: string;
  readonly smtpAuthPassword?: string;
  readonly smtpAuthPasswordFile?: string;
  readonly smtpAuthSecret?: string;
  readonly smtpAuthIdentity?: string;
  readonly smtpRequireTls: boolean;
  readonly slackApiUrl?: string;
  readonly slackApiUrlFile?: string;
  readonly pagerdutyUrl: string;
  readonly opsgenieApiUrl: string;
  readonly opsgenieApiKey?: string;
  readonly opsgenieApiKeyFile?: string;
  readonly wechatApiUrl: string;
  readonly wechatApiSecret?: string;
  readonly wechatApiCorpId?: string;
  readonly victoropsApiUrl: string;
  readonly victoropsApiKey?: string;
  readonly victoropsApiKeyFile?: string;
  readonly telegramApiUrl: string;
  readonly webexApiUrl: string;
}

/**
 * One kind of integration: its key in a receiver (`email_configs`), how to validate one entry
 * of it (defaults and `global:` applied; throw an Error whose message names the field), and how
 * to build the integration from the validated entry.
 */
export interface IntegrationType<C = unknown> {
  readonly configKey: string;
  readonly name: string;
  parse(raw: Readonly<Record<string, unknown>>, global: AlertmanagerGlobal): C;
  create(config: C, index: number, deps: IntegrationDeps): Integration;
}
