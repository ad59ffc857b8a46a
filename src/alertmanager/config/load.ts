// Loads alertmanager.yml as Alertmanager 0.25 does, strictly: an unknown field, a bad matcher,
// an undefined receiver or time interval, a bad duration — each an error naming file:line.
// Receivers' `<name>_configs` entries are validated by the matching IntegrationType.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import {
  bool,
  DecodeError,
  list,
  str,
  stringMap,
  struct,
  type DecodeCtx,
  type Decoded,
  type Decoder,
  type StructSpec,
  lineOf,
} from '../../configcodec/index.js';
import { parseDuration } from '../../model/duration/index.js';
import { AMMatcher, compareMatchers, parseMatchers } from '../matchers/index.js';
import { isValidLabelName } from '../model/index.js';
import type { AlertmanagerGlobal } from '../notify/index.js';
import { integrationTypes, checkedHTTPConfig } from '../notify/index.js';
import {
  checkLocation,
  parseDayOfMonthRange,
  parseMonthRange,
  parseTimeRange,
  parseWeekdayRange,
  parseYearRange,
  type TimeInterval,
} from './timeinterval.js';
import type {
  AlertmanagerConfig,
  InhibitRuleConfig,
  IntegrationConfig,
  ReceiverConfig,
  RouteConfig,
} from './types.js';

export class AMConfigError extends Error {}

/** An error at a line of the file; the loader prefixes the file name. */
class LineError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Every integration key of Alertmanager 0.25's receivers. */
const AM_INTEGRATION_KEYS = [
  'discord_configs',
  'email_configs',
  'pagerduty_configs',
  'slack_configs',
  'webhook_configs',
  'opsgenie_configs',
  'wechat_configs',
  'pushover_configs',
  'victorops_configs',
  'sns_configs',
  'telegram_configs',
  'webex_configs',
];

const duration: Decoder<number> = (node, ctx) => {
  const s = str(node, ctx);
  try {
    return parseDuration(s);
  } catch (e) {
    throw new DecodeError(0, (e as Error).message);
  }
};
const strings = list(str);

/** A node kept with its line, for the parts checked after decoding. */
interface At<T> {
  value: T;
  line: number;
}
function at<T>(d: Decoder<T>): Decoder<At<T>> {
  return (node, ctx) => ({ value: d(node, ctx), line: lineOf(ctx, node) });
}

/** A raw mapping (an integration's entry), passed on as JSON with its line. */
const rawEntry: Decoder<At<Record<string, unknown>>> = (node, ctx) => {
  if (node !== null && !isMap(node))
    throw new DecodeError(
      lineOf(ctx, node),
      `line ${lineOf(ctx, node)}: cannot unmarshal into a mapping`,
      true,
    );
  return {
    value: (node?.toJSON() as Record<string, unknown> | null) ?? {},
    line: lineOf(ctx, node),
  };
};

const matchRegexps: Decoder<At<Record<string, string>>> = at(stringMap(str, 'config.MatchRegexps'));
const matchersList: Decoder<At<AMMatcher[]>> = (node, ctx) => {
  const line = lineOf(ctx, node);
  const out: AMMatcher[] = [];
  for (const s of strings(node, ctx)) {
    try {
      out.push(...parseMatchers(s));
    } catch (e) {
      throw new LineError(line, (e as Error).message);
    }
  }
  return { value: out.sort(compareMatchers), line };
};

const globalSpec: StructSpec = {
  goType: 'config.GlobalConfig',
  fields: {
    resolve_timeout: duration,
    http_config: rawEntry,
    smtp_from: str,
    smtp_hello: str,
    smtp_smarthost: str,
    smtp_auth_username: str,
    smtp_auth_password: str,
    smtp_auth_password_file: str,
    smtp_auth_secret: str,
    smtp_auth_identity: str,
    smtp_require_tls: bool,
    slack_api_url: str,
    slack_api_url_file: str,
    pagerduty_url: str,
    opsgenie_api_url: str,
    opsgenie_api_key: str,
    opsgenie_api_key_file: str,
    wechat_api_url: str,
    wechat_api_secret: str,
    wechat_api_corp_id: str,
    victorops_api_url: str,
    victorops_api_key: str,
    victorops_api_key_file: str,
    telegram_api_url: str,
    webex_api_url: str,
  },
};

const routeFields: StructSpec['fields'] = {
  receiver: str,
  group_by: at(strings),
  match: at(stringMap(str)),
  match_re: matchRegexps,
  matchers: matchersList,
  mute_time_intervals: at(strings),
  active_time_intervals: at(strings),
  continue: bool,
  group_wait: at(duration),
  group_interval: at(duration),
  repeat_interval: at(duration),
};
const routeSpec: StructSpec = { goType: 'config.plain', fields: routeFields };
routeFields.routes = list(struct(routeSpec), '[]*config.Route');

const inhibitSpec: StructSpec = {
  goType: 'config.plain',
  fields: {
    source_match: at(stringMap(str)),
    source_match_re: matchRegexps,
    source_matchers: matchersList,
    target_match: at(stringMap(str)),
    target_match_re: matchRegexps,
    target_matchers: matchersList,
    equal: at(strings),
  },
};

const timeRangeSpec: StructSpec = {
  goType: 'timeinterval.plain',
  fields: { start_time: str, end_time: str },
};
const timeIntervalSpec: StructSpec = {
  goType: 'timeinterval.TimeInterval',
  fields: {
    times: list(struct(timeRangeSpec), '[]timeinterval.TimeRange'),
    weekdays: strings,
    days_of_month: strings,
    months: strings,
    years: strings,
    location: str,
  },
};
const namedIntervalSpec: StructSpec = {
  goType: 'config.plain',
  fields: {
    name: str,
    time_intervals: list(struct(timeIntervalSpec), '[]timeinterval.TimeInterval'),
  },
};

/** A receiver: its name and any `<integration>_configs` lists, each entry kept raw. */
const receiverDecoder: Decoder<
  At<{ name: string; configs: Map<string, At<At<Record<string, unknown>>[]>> }>
> = (node, ctx) => {
  const line = lineOf(ctx, node);
  if (node === null || !isMap(node)) throw new LineError(line, 'receiver must be a mapping');
  let name = '';
  const configs = new Map<string, At<At<Record<string, unknown>>[]>>();
  for (const p of (node as YAMLMap<Node, Node>).items as Pair<Node, Node>[]) {
    const key = str(p.key, ctx);
    const l = lineOf(ctx, p.key);
    if (key === 'name') name = str(p.value ?? null, ctx);
    else if (AM_INTEGRATION_KEYS.includes(key) || key.endsWith('_configs')) {
      if (configs.has(key)) throw new LineError(l, `key "${key}" already set in map`);
      configs.set(key, {
        value: list(rawEntry, `[]*config.${key}`)(p.value ?? null, ctx),
        line: l,
      });
    } else throw new LineError(l, `field ${key} not found in type config.plain`);
  }
  return { value: { name, configs }, line };
};

const topSpec: StructSpec = {
  goType: 'config.plain',
  fields: {
    global: struct(globalSpec),
    route: struct(routeSpec),
    inhibit_rules: list(struct(inhibitSpec), '[]*config.InhibitRule'),
    receivers: list(receiverDecoder, '[]*config.Receiver'),
    templates: strings,
    time_intervals: list(struct(namedIntervalSpec), '[]config.TimeInterval'),
    mute_time_intervals: list(struct(namedIntervalSpec), '[]config.MuteTimeInterval'),
  },
};

function toGlobal(d: Decoded | undefined): AlertmanagerGlobal {
  const v = d?.values ?? {};
  const s = (k: string): string | undefined =>
    v[k] === undefined || v[k] === '' ? undefined : (v[k] as string);
  const http = v.http_config as At<Record<string, unknown>> | undefined;
  if (http !== undefined) {
    try {
      checkedHTTPConfig(http.value);
    } catch (e) {
      throw new LineError(
        http.line,
        `http_config: ${(e as Error).message.replace(/^http_config: /, '')}`,
      );
    }
  }
  const urlOf = (k: string, def: string): string => {
    const u = s(k) ?? def;
    checkURL(u, d?.lines[k] ?? 0, k);
    return u;
  };
  const both = (a: string, b: string) => {
    if (s(a) !== undefined && s(b) !== undefined)
      throw new LineError(d?.lines[b] ?? 0, `at most one of ${a} & ${b} must be configured`);
  };
  both('slack_api_url', 'slack_api_url_file');
  both('opsgenie_api_key', 'opsgenie_api_key_file');
  both('victorops_api_key', 'victorops_api_key_file');
  both('smtp_auth_password', 'smtp_auth_password_file');
  if (s('slack_api_url') !== undefined)
    checkURL(s('slack_api_url')!, d?.lines.slack_api_url ?? 0, 'slack_api_url');
  const g: AlertmanagerGlobal = {
    resolveTimeout: (v.resolve_timeout as number | undefined) ?? 5 * 60_000,
    httpConfig: http?.value,
    smtpHello: s('smtp_hello') ?? 'localhost',
    smtpRequireTls: (v.smtp_require_tls as boolean | undefined) ?? true,
    pagerdutyUrl: urlOf('pagerduty_url', 'https://events.pagerduty.com/v2/enqueue'),
    opsgenieApiUrl: urlOf('opsgenie_api_url', 'https://api.opsgenie.com/'),
    wechatApiUrl: urlOf('wechat_api_url', 'https://qyapi.weixin.qq.com/cgi-bin/'),
    victoropsApiUrl: urlOf(
      'victorops_api_url',
      'https://alert.victorops.com/integrations/generic/20131114/alert/',
    ),
    telegramApiUrl: urlOf('telegram_api_url', 'https://api.telegram.org'),
    webexApiUrl: urlOf('webex_api_url', 'https://webexapis.com/v1/messages'),
    ...opt('smtpFrom', s('smtp_from')),
    ...opt('smtpSmarthost', s('smtp_smarthost')),
    ...opt('smtpAuthUsername', s('smtp_auth_username')),
    ...opt('smtpAuthPassword', s('smtp_auth_password')),
    ...opt('smtpAuthPasswordFile', s('smtp_auth_password_file')),
    ...opt('smtpAuthSecret', s('smtp_auth_secret')),
    ...opt('smtpAuthIdentity', s('smtp_auth_identity')),
    ...opt('slackApiUrl', s('slack_api_url')),
    ...opt('slackApiUrlFile', s('slack_api_url_file')),
    ...opt('opsgenieApiKey', s('opsgenie_api_key')),
    ...opt('opsgenieApiKeyFile', s('opsgenie_api_key_file')),
    ...opt('wechatApiSecret', s('wechat_api_secret')),
    ...opt('wechatApiCorpId', s('wechat_api_corp_id')),
    ...opt('victoropsApiKey', s('victorops_api_key')),
    ...opt('victoropsApiKeyFile', s('victorops_api_key_file')),
  };
  if (g.smtpSmarthost !== undefined && !/^.*:[^:]+$/.test(g.smtpSmarthost))
    throw new LineError(
      d?.lines.smtp_smarthost ?? 0,
      `address ${JSON.stringify(g.smtpSmarthost)}: port cannot be empty`,
    );
  return g;
}

const opt = <K extends string, V>(k: K, v: V | undefined): Partial<Record<K, V>> =>
  v === undefined ? {} : ({ [k]: v } as Record<K, V>);

function checkURL(u: string, line: number, field: string): void {
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    throw new LineError(line, `${field}: parse ${JSON.stringify(u)}: invalid URI for request`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new LineError(
      line,
      `${field}: unsupported scheme ${JSON.stringify(parsed.protocol.slice(0, -1))} for URL`,
    );
  if (parsed.host === '') throw new LineError(line, `${field}: missing host for URL`);
}

/** match / match_re / matchers of a route or one side of an inhibit rule, in Alertmanager's order. */
function matchersOf(
  v: Record<string, unknown>,
  match: string,
  matchRe: string,
  matchers: string,
): AMMatcher[] {
  const out: AMMatcher[] = [];
  const eq = v[match] as At<Record<string, string>> | undefined;
  for (const [k, val] of Object.entries(eq?.value ?? {})) {
    if (!isValidLabelName(k))
      throw new LineError(eq!.line, `invalid label name ${JSON.stringify(k)}`);
    out.push(new AMMatcher('=', k, val));
  }
  const re = v[matchRe] as At<Record<string, string>> | undefined;
  for (const [k, val] of Object.entries(re?.value ?? {})) {
    if (!isValidLabelName(k))
      throw new LineError(re!.line, `invalid label name ${JSON.stringify(k)}`);
    try {
      out.push(new AMMatcher('=~', k, val));
    } catch (e) {
      throw new LineError(re!.line, `${matchRe}: ${(e as Error).message}`);
    }
  }
  out.push(...((v[matchers] as At<AMMatcher[]> | undefined)?.value ?? []));
  return out.sort(compareMatchers);
}

interface RouteDefaults {
  receiver: string;
  groupBy: readonly string[] | null;
  groupWait: number;
  groupInterval: number;
  repeatInterval: number;
}

function toRoute(
  d: Decoded,
  parent: RouteDefaults,
  isRoot: boolean,
  receivers: Set<string>,
  intervals: ReadonlyMap<string, unknown>,
): RouteConfig {
  const v = d.values;
  const lineOfKey = (k: string) => d.lines[k] ?? d.line;
  const receiver = (v.receiver as string | undefined) || parent.receiver;
  let groupBy: readonly string[] | null = parent.groupBy;
  const gb = v.group_by as At<string[]> | undefined;
  if (gb !== undefined) {
    if (gb.value.includes('...')) {
      if (gb.value.length !== 1)
        throw new LineError(
          gb.line,
          'cannot have wildcard group_by (`...`) and other other labels at the same time',
        );
      groupBy = null;
    } else {
      const seen = new Set<string>();
      for (const l of gb.value) {
        if (!isValidLabelName(l))
          throw new LineError(gb.line, `invalid label name ${JSON.stringify(l)} in group_by list`);
        if (seen.has(l))
          throw new LineError(gb.line, `duplicated label ${JSON.stringify(l)} in group_by`);
        seen.add(l);
      }
      groupBy = gb.value;
    }
  }
  const dur = (k: string, def: number): number => (v[k] as At<number> | undefined)?.value ?? def;
  const groupInterval = dur('group_interval', parent.groupInterval);
  const repeatInterval = dur('repeat_interval', parent.repeatInterval);
  if (v.group_interval !== undefined && groupInterval === 0)
    throw new LineError(lineOfKey('group_interval'), 'group_interval cannot be zero');
  if (v.repeat_interval !== undefined && repeatInterval === 0)
    throw new LineError(lineOfKey('repeat_interval'), 'repeat_interval cannot be zero');
  const matchers = matchersOf(v, 'match', 'match_re', 'matchers');
  const mute = (v.mute_time_intervals as At<string[]> | undefined)?.value ?? [];
  const active = (v.active_time_intervals as At<string[]> | undefined)?.value ?? [];
  if (isRoot) {
    if (receiver === '') throw new LineError(d.line, 'root route must specify a default receiver');
    if (matchers.length > 0)
      throw new LineError(
        lineOfKey(['match', 'match_re', 'matchers'].find((k) => v[k] !== undefined) ?? ''),
        'root route must not have any matchers',
      );
    if (v.continue === true)
      throw new LineError(lineOfKey('continue'), 'cannot have continue in root route');
    if (mute.length > 0)
      throw new LineError(
        lineOfKey('mute_time_intervals'),
        'root route must not have any mute time intervals',
      );
    if (active.length > 0)
      throw new LineError(
        lineOfKey('active_time_intervals'),
        'root route must not have any active time intervals',
      );
  }
  if (v.receiver !== undefined && v.receiver !== '' && !receivers.has(receiver))
    throw new LineError(
      lineOfKey('receiver'),
      `undefined receiver ${JSON.stringify(receiver)} used in route`,
    );
  if (isRoot && !receivers.has(receiver))
    throw new LineError(
      lineOfKey('receiver'),
      `undefined receiver ${JSON.stringify(receiver)} used in route`,
    );
  for (const [k, names] of [
    ['mute_time_intervals', mute],
    ['active_time_intervals', active],
  ] as const) {
    for (const n of names)
      if (!intervals.has(n))
        throw new LineError(
          lineOfKey(k),
          `undefined time interval ${JSON.stringify(n)} used in route`,
        );
  }
  const self: RouteDefaults = {
    receiver,
    groupBy,
    groupWait: dur('group_wait', parent.groupWait),
    groupInterval,
    repeatInterval,
  };
  return {
    ...self,
    matchers,
    continue: (v.continue as boolean | undefined) ?? false,
    muteTimeIntervals: mute,
    activeTimeIntervals: active,
    routes: ((v.routes as Decoded[] | undefined) ?? []).map((c) =>
      toRoute(c, self, false, receivers, intervals),
    ),
    line: d.line,
  };
}

function toInhibit(d: Decoded): InhibitRuleConfig {
  const v = d.values;
  const equal = (v.equal as At<string[]> | undefined) ?? { value: [], line: d.line };
  for (const l of equal.value)
    if (!isValidLabelName(l))
      throw new LineError(equal.line, `invalid label name ${JSON.stringify(l)}`);
  return {
    sourceMatchers: matchersOf(v, 'source_match', 'source_match_re', 'source_matchers'),
    targetMatchers: matchersOf(v, 'target_match', 'target_match_re', 'target_matchers'),
    equal: equal.value,
  };
}

function toInterval(d: Decoded): TimeInterval {
  const v = d.values;
  const each = <T>(k: string, f: (s: string) => T): T[] | undefined => {
    const xs = v[k] as string[] | undefined;
    if (xs === undefined) return undefined;
    return xs.map((x) => {
      try {
        return f(x);
      } catch (e) {
        throw new LineError(d.lines[k] ?? d.line, (e as Error).message);
      }
    });
  };
  const times = (v.times as Decoded[] | undefined)?.map((t) => {
    try {
      return parseTimeRange(
        (t.values.start_time as string) ?? '',
        (t.values.end_time as string) ?? '',
      );
    } catch (e) {
      throw new LineError(t.line, (e as Error).message);
    }
  });
  const location = v.location as string | undefined;
  if (location !== undefined && location !== '') {
    try {
      checkLocation(location);
    } catch (e) {
      throw new LineError(d.lines.location ?? d.line, (e as Error).message);
    }
  }
  const out: { -readonly [K in keyof TimeInterval]: TimeInterval[K] } = {};
  if (times !== undefined) out.times = times;
  const wd = each('weekdays', parseWeekdayRange);
  if (wd !== undefined) out.weekdays = wd;
  const dm = each('days_of_month', parseDayOfMonthRange);
  if (dm !== undefined) out.daysOfMonth = dm;
  const mo = each('months', parseMonthRange);
  if (mo !== undefined) out.months = mo;
  const yr = each('years', parseYearRange);
  if (yr !== undefined) out.years = yr;
  if (location !== undefined && location !== '') out.location = location;
  return out;
}

/** Makes relative `*_file` paths of an integration's or http_config's mapping absolute against dir. */
function resolveFiles(v: unknown, dir: string): unknown {
  if (Array.isArray(v)) return v.map((x) => resolveFiles(x, dir));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    out[k] =
      k.endsWith('_file') && typeof x === 'string' && x !== '' && !isAbsolute(x)
        ? join(dir, x)
        : resolveFiles(x, dir);
  }
  return out;
}

function toReceiver(
  r: At<{ name: string; configs: Map<string, At<At<Record<string, unknown>>[]>> }>,
  global: AlertmanagerGlobal,
  dir: string,
): ReceiverConfig {
  if (r.value.name === '') throw new LineError(r.line, 'missing name in receiver');
  const integrations: IntegrationConfig[] = [];
  for (const [key, entries] of r.value.configs) {
    const type = integrationTypes.find((t) => t.configKey === key);
    if (type === undefined) {
      if (AM_INTEGRATION_KEYS.includes(key))
        throw new LineError(
          entries.line,
          `receiver ${JSON.stringify(r.value.name)}: ${key} is not supported by this build of prometheus-ts`,
        );
      throw new LineError(entries.line, `field ${key} not found in type config.plain`);
    }
    entries.value.forEach((e, index) => {
      let config: unknown;
      try {
        config = type.parse(resolveFiles(e.value, dir) as Record<string, unknown>, global);
      } catch (err) {
        throw new LineError(
          e.line,
          `receiver ${JSON.stringify(r.value.name)}: ${key}[${index}]: ${(err as Error).message}`,
        );
      }
      integrations.push({ type, index, config });
    });
  }
  return { name: r.value.name, integrations };
}

/** Parses and validates an alertmanager.yml text; errors are AMConfigError `file:line: message`. */
export function loadAlertmanagerConfig(text: string, filename: string): AlertmanagerConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lc,
    prettyErrors: false,
    uniqueKeys: false,
    merge: true,
  });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new AMConfigError(
      `${filename}:${lc.linePos(e.pos[0]).line}: yaml: ${e.message.split('\n')[0]}`,
    );
  }
  const ctx: DecodeCtx = { lc };
  const dir = dirname(resolve(filename));
  try {
    const contents = (doc.contents as Node | null) ?? null;
    if (contents !== null && isScalar(contents) && contents.value === null)
      throw new LineError(1, 'no route provided in config');
    if (contents !== null && !isMap(contents) && !isSeq(contents))
      throw new LineError(lineOf(ctx, contents), 'cannot unmarshal into config.Config');
    const top = struct(topSpec)(contents, ctx);
    const v = top.values;
    const global = toGlobal(v.global as Decoded | undefined);
    const intervals = new Map<string, TimeInterval[]>();
    for (const k of ['mute_time_intervals', 'time_intervals']) {
      for (const ti of (v[k] as Decoded[] | undefined) ?? []) {
        const name = (ti.values.name as string | undefined) ?? '';
        if (name === '')
          throw new LineError(
            ti.line,
            `missing name in ${k === 'time_intervals' ? 'time interval' : 'mute time interval'}`,
          );
        if (intervals.has(name))
          throw new LineError(
            ti.line,
            `${k === 'time_intervals' ? 'time interval' : 'mute time interval'} ${JSON.stringify(name)} is not unique`,
          );
        intervals.set(
          name,
          ((ti.values.time_intervals as Decoded[] | undefined) ?? []).map(toInterval),
        );
      }
    }
    const receivers: ReceiverConfig[] = [];
    const names = new Set<string>();
    for (const r of (v.receivers as
      | At<{ name: string; configs: Map<string, At<At<Record<string, unknown>>[]>> }>[]
      | undefined) ?? []) {
      const rc = toReceiver(r, global, dir);
      if (names.has(rc.name))
        throw new LineError(
          r.line,
          `notification config name ${JSON.stringify(rc.name)} is not unique`,
        );
      names.add(rc.name);
      receivers.push(rc);
    }
    const routeD = v.route as Decoded | undefined;
    if (routeD === undefined) throw new LineError(top.line, 'no route provided in config');
    const route = toRoute(
      routeD,
      {
        receiver: '',
        groupBy: [],
        groupWait: 30_000,
        groupInterval: 5 * 60_000,
        repeatInterval: 4 * 3600_000,
      },
      true,
      names,
      intervals,
    );
    const templates = ((v.templates as string[] | undefined) ?? []).map((t) =>
      isAbsolute(t) ? t : join(dir, t),
    );
    return {
      global,
      route,
      inhibitRules: ((v.inhibit_rules as Decoded[] | undefined) ?? []).map(toInhibit),
      receivers,
      timeIntervals: intervals,
      templates,
      original: text,
      sourceFile: resolve(filename),
    };
  } catch (e) {
    if (e instanceof LineError) throw new AMConfigError(`${filename}:${e.line}: ${e.message}`);
    if (e instanceof DecodeError)
      throw new AMConfigError(`${filename}:${e.line}: ${e.message.replace(/^line \d+: /, '')}`);
    throw e;
  }
}

export function loadAlertmanagerConfigFile(path: string): AlertmanagerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AMConfigError(
      `open ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`,
    );
  }
  return loadAlertmanagerConfig(text, path);
}
