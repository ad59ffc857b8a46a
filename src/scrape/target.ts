// A scrape target: the labels discovery gave it, the labels relabeling made of them, the URL
// those labels spell, and what its last scrape left (health, error, duration, metadata).
import { LabelsBuilder, fnv1a32, type Labels } from '../model/labels/index.js';
import { relabelBuilder } from '../model/relabel/index.js';
import { formatDuration, parseDuration } from '../model/duration/index.js';
import type { ScrapeConfig } from '../config/index.js';
import type { MetricMetadata, TargetHealth, TargetInfo } from './target_info.js';

const ADDRESS = '__address__';
const SCHEME = '__scheme__';
const METRICS_PATH = '__metrics_path__';
const SCRAPE_INTERVAL = '__scrape_interval__';
const SCRAPE_TIMEOUT = '__scrape_timeout__';
const PARAM_PREFIX = '__param_';
const META_PREFIX = '__meta_';

export class TargetError extends Error {}

export interface PopulatedLabels {
  /** Labels after relabeling (with the remaining `__` labels), or null when relabeling dropped the target. */
  labels: Labels | null;
  /** Labels before relabeling, with the scrape config's defaults added. */
  discovered: Labels;
}

/** Go's net.SplitHostPort acceptance: "host:port", "[v6]:port". */
function hasPort(addr: string): boolean {
  if (addr.startsWith('[')) return /^\[[^\]]*\]:[^:]*$/.test(addr);
  const i = addr.lastIndexOf(':');
  return i >= 0 && addr.indexOf(':') === i;
}

/**
 * Prometheus's PopulateLabels: config defaults (job, scheme, path, interval, timeout, params),
 * relabeling, a default port for the scheme, `instance` from the address, `__meta_*` removed.
 */
export function populateLabels(
  base: Labels,
  cfg: ScrapeConfig,
  noDefaultPort = false,
): PopulatedLabels {
  const lb = new LabelsBuilder(base);
  const defaults: [string, string][] = [
    ['job', cfg.job_name],
    [SCRAPE_INTERVAL, formatDuration(cfg.scrape_interval)],
    [SCRAPE_TIMEOUT, formatDuration(cfg.scrape_timeout)],
    [METRICS_PATH, cfg.metrics_path],
    [SCHEME, cfg.scheme],
  ];
  for (const [n, v] of defaults) if (lb.get(n) === '') lb.set(n, v);
  for (const [k, v] of Object.entries(cfg.params ?? {}))
    if (v.length > 0) lb.set(PARAM_PREFIX + k, v[0]!);
  const discovered = lb.labels();
  if (!relabelBuilder(lb, cfg.relabel_configs)) return { labels: null, discovered };
  let addr = lb.get(ADDRESS);
  if (addr === '') throw new TargetError('no address');
  const scheme = lb.get(SCHEME);
  // --enable-feature=no-default-scrape-port leaves a port-less address as it is.
  if (!hasPort(addr) && !noDefaultPort) {
    if (scheme === 'http' || scheme === '') addr += ':80';
    else if (scheme === 'https') addr += ':443';
    else throw new TargetError(`invalid scheme: "${cfg.scheme}"`);
    lb.set(ADDRESS, addr);
  }
  if (/[/]/.test(addr)) throw new TargetError(`"${addr}" is not a valid hostname`);
  const interval = lb.get(SCRAPE_INTERVAL);
  const timeout = lb.get(SCRAPE_TIMEOUT);
  let iv: number;
  let to: number;
  try {
    iv = parseDuration(interval);
  } catch (e) {
    throw new TargetError(`error parsing scrape interval: ${(e as Error).message}`);
  }
  if (iv === 0) throw new TargetError('scrape interval cannot be 0');
  try {
    to = parseDuration(timeout);
  } catch (e) {
    throw new TargetError(`error parsing scrape timeout: ${(e as Error).message}`);
  }
  if (to === 0) throw new TargetError('scrape timeout cannot be 0');
  if (to > iv)
    throw new TargetError(
      `scrape timeout cannot be greater than scrape interval ("${timeout}" > "${interval}")`,
    );
  const metas: string[] = [];
  lb.forEach((n) => {
    if (n.startsWith(META_PREFIX)) metas.push(n);
  });
  lb.del(...metas);
  if (lb.get('instance') === '') lb.set('instance', addr);
  return { labels: lb.labels(), discovered };
}

export class Target implements TargetInfo {
  health: TargetHealth = 'unknown';
  lastError = '';
  lastScrape: Date | null = null;
  lastScrapeDuration = 0;
  readonly scrapeInterval: number;
  readonly scrapeTimeout: number;
  readonly scrapeUrl: string;
  /** Target labels without the `__` ones: what scraped samples and the API show. */
  readonly labels: Labels;
  private readonly meta = new Map<string, MetricMetadata>();

  constructor(
    readonly scrapePool: string,
    /** All labels after relabeling, `__address__` and friends included. */
    readonly fullLabels: Labels,
    readonly discoveredLabels: Labels,
    readonly params: Record<string, string[]>,
  ) {
    // A dropped target has no labels left: it is shown, never scraped.
    const iv = fullLabels.get(SCRAPE_INTERVAL);
    const to = fullLabels.get(SCRAPE_TIMEOUT);
    this.scrapeInterval = iv ? parseDuration(iv) : 0;
    this.scrapeTimeout = to ? parseDuration(to) : 0;
    this.scrapeUrl = targetURL(fullLabels, params);
    const internal: string[] = [];
    fullLabels.forEach((n) => {
      if (n.startsWith('__')) internal.push(n);
    });
    this.labels = fullLabels.drop(internal);
  }

  get globalUrl(): string {
    return this.scrapeUrl;
  }

  /** Identity across reloads and discovery updates: same labels, same URL. */
  key(): string {
    return this.fullLabels.key() + '\u0000' + this.scrapeUrl;
  }

  /** Where in its interval this target is scraped: stable per target, spread across targets. */
  /**
   * Milliseconds until this target's first scrape: a stable phase within the interval from the
   * target's identity, mixed with the server's seed so that HA replicas scrape at different moments.
   */
  offset(interval: number, now: number, seed = 0): number {
    const h = (fnv1a32(this.key()) ^ seed) >>> 0;
    const base = interval - (now % interval);
    let next = base + (h % interval);
    if (next > interval) next -= interval;
    return next;
  }

  setMetadata(m: MetricMetadata): void {
    this.meta.set(m.metric, m);
  }

  metadata(): MetricMetadata[] {
    return [...this.meta.values()];
  }

  metadataFor(metric: string): MetricMetadata | undefined {
    return this.meta.get(metric);
  }
}

/** scheme://address/path?params, with `__param_*` overriding the config's params (Go's url.Values.Encode order). */
export function targetURL(ls: Labels, cfgParams: Record<string, string[]>): string {
  const params = new Map<string, string[]>();
  for (const [k, v] of Object.entries(cfgParams ?? {})) params.set(k, [...v]);
  ls.forEach((n, v) => {
    if (!n.startsWith(PARAM_PREFIX)) return;
    const k = n.slice(PARAM_PREFIX.length);
    const cur = params.get(k);
    if (cur && cur.length > 0) cur[0] = v;
    else params.set(k, [v]);
  });
  const keys = [...params.keys()].sort();
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  const query = keys.flatMap((k) => params.get(k)!.map((v) => `${enc(k)}=${enc(v)}`)).join('&');
  const path = ls.get(METRICS_PATH);
  return `${ls.get(SCHEME)}://${ls.get(ADDRESS)}${path.startsWith('/') || path === '' ? path : '/' + path}${query ? '?' + query : ''}`;
}
