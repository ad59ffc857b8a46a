// consul_sd_configs: the services of a Consul catalog, each watched with blocking queries
// (`index`/`wait`) on /v1/health/service/<name>, as Prometheus's Consul SD does — the catalog
// list itself too when no fixed service list is given. A service that leaves the catalog sends
// an empty group so its targets go away.
import {
  sleep,
  type TargetGroup,
  type Provider,
  type ProviderContext,
} from '../mechanism/index.js';
import type { ConsulSDConfig } from './config.js';
import { doRequest } from '../../httpclient/index.js';

const WATCH_TIMEOUT_MS = 2 * 60 * 1000;
const RETRY_INTERVAL_MS = 15 * 1000;

interface ServiceEntry {
  Node: {
    Node: string;
    Address: string;
    Datacenter?: string;
    TaggedAddresses?: Record<string, string> | null;
    Meta?: Record<string, string> | null;
  };
  Service: {
    ID: string;
    Service: string;
    Tags: string[] | null;
    Address: string;
    Port: number;
    Meta?: Record<string, string> | null;
    Namespace?: string;
    Partition?: string;
  };
  Checks: { Status: string }[] | null;
}

/** Consul's AggregatedStatus: maintenance > critical > warning > passing. */
function aggregatedStatus(checks: { Status: string; CheckID?: string }[] | null): string {
  let passing = false;
  let warning = false;
  let critical = false;
  let maintenance = false;
  for (const c of checks ?? []) {
    const id = c.CheckID ?? '';
    if (id === '_node_maintenance' || id.startsWith('_service_maintenance:')) {
      maintenance = true;
      continue;
    }
    if (c.Status === 'passing') passing = true;
    else if (c.Status === 'warning') warning = true;
    else if (c.Status === 'critical') critical = true;
    else return '';
  }
  if (maintenance) return 'maintenance';
  if (critical) return 'critical';
  if (warning) return 'warning';
  if (passing) return 'passing';
  return 'passing';
}

/** strutil.SanitizeLabelName: anything not [a-zA-Z0-9_] becomes '_'. */
function sanitize(s: string): string {
  return s.replace(/[^a-zA-Z0-9_]/g, '_');
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export class ConsulProvider implements Provider {
  private readonly ac = new AbortController();
  private datacenter = '';
  private readonly watching = new Map<string, AbortController>();
  private emitFn: (groups: TargetGroup[]) => void = () => {};
  /** The latest group of every watched service; every emit sends them all. */
  private readonly groups = new Map<string, TargetGroup>();

  constructor(
    private readonly cfg: ConsulSDConfig,
    private readonly ctx: ProviderContext,
  ) {}

  start(emit: (groups: TargetGroup[]) => void): void {
    this.emitFn = emit;
    void this.run();
  }

  stop(): void {
    this.ac.abort();
    for (const c of this.watching.values()) c.abort();
  }

  private emit(): void {
    this.emitFn([...this.groups.values()]);
  }

  private baseURL(): string {
    const prefix = this.cfg.path_prefix ? '/' + this.cfg.path_prefix.replace(/^\/+|\/+$/g, '') : '';
    return `${this.cfg.scheme || 'http'}://${this.cfg.server}${prefix}`;
  }

  private async get<T>(
    path: string,
    params: [string, string][],
    signal: AbortSignal,
    endpoint: string,
  ): Promise<{ data: T; index: number }> {
    const q = new URLSearchParams();
    for (const [k, v] of params) q.append(k, v);
    if (this.cfg.namespace) q.append('ns', this.cfg.namespace);
    if (this.cfg.partition) q.append('partition', this.cfg.partition);
    const headers: Record<string, string> = {};
    if (this.cfg.token) headers['X-Consul-Token'] = this.cfg.token;
    const client = { ...this.cfg };
    if (this.cfg.username && !client.basic_auth)
      client.basic_auth = {
        username: this.cfg.username,
        ...(this.cfg.password ? { password: this.cfg.password } : {}),
      };
    const started = performance.now();
    try {
      const qs = q.toString();
      const res = await doRequest(`${this.baseURL()}${path}${qs ? '?' + qs : ''}`, {
        headers,
        client,
        signal,
        timeoutMs: WATCH_TIMEOUT_MS + 15_000,
      });
      if (res.status !== 200)
        throw new Error(
          `Unexpected response code: ${res.status} (${res.body.toString('utf8').trim()})`,
        );
      const index = Number(res.headers['x-consul-index'] ?? 0);
      return {
        data: JSON.parse(res.body.toString('utf8')) as T,
        index: Number.isFinite(index) ? index : 0,
      };
    } finally {
      this.ctx.metrics.consulRpcDuration.observe(
        { endpoint, call: 'query' },
        (performance.now() - started) / 1000,
      );
    }
  }

  private queryParams(index: number): [string, string][] {
    const p: [string, string][] = [];
    if (this.datacenter) p.push(['dc', this.datacenter]);
    if (this.cfg.allow_stale) p.push(['stale', '']);
    if (index > 0) {
      p.push(['index', String(index)]);
      p.push(['wait', `${WATCH_TIMEOUT_MS}ms`]);
    }
    for (const [k, v] of Object.entries(this.cfg.node_meta ?? {}))
      p.push(['node-meta', `${k}:${v}`]);
    return p;
  }

  private async run(): Promise<void> {
    const signal = this.ac.signal;
    // The datacenter label comes from the config or, when unset, from the agent.
    this.datacenter = this.cfg.datacenter ?? '';
    while (!this.datacenter && !signal.aborted) {
      try {
        const { data } = await this.get<{ Config?: { Datacenter?: unknown } }>(
          '/v1/agent/self',
          [],
          signal,
          'agent',
        );
        const dc = data.Config?.Datacenter;
        if (typeof dc !== 'string')
          throw new Error(`invalid value '${String(dc)}' for Config.Datacenter`);
        this.datacenter = dc;
      } catch (e) {
        if (signal.aborted) return;
        this.ctx.metrics.consulRpcFailures.inc();
        this.ctx.logger.error('Error retrieving datacenter name', { err: e as Error });
        await sleep(RETRY_INTERVAL_MS, signal);
      }
    }
    if (signal.aborted) return;
    const services = this.cfg.services ?? [];
    if (services.length > 0 && (this.cfg.tags ?? []).length === 0) {
      for (const name of services) this.watchService(name);
      return;
    }
    let lastIndex = 0;
    while (!signal.aborted) {
      const started = Date.now();
      try {
        const { data, index } = await this.get<Record<string, string[] | null>>(
          '/v1/catalog/services',
          this.queryParams(lastIndex),
          signal,
          'catalog',
        );
        if (index < lastIndex) lastIndex = 0; // Consul's index went backwards (a reset): start over.
        if (index !== lastIndex) {
          lastIndex = index;
          for (const [name, tags] of Object.entries(data)) {
            if (!this.shouldWatch(name, tags ?? [])) continue;
            if (!this.watching.has(name)) this.watchService(name);
          }
          let removed = false;
          for (const [name, c] of this.watching) {
            if (!(name in data)) {
              c.abort();
              this.watching.delete(name);
              this.groups.set(name, { targets: [], labels: {}, source: name });
              removed = true;
            }
          }
          if (removed) this.emit();
        }
      } catch (e) {
        if (signal.aborted) return;
        this.ctx.metrics.consulRpcFailures.inc();
        this.ctx.logger.error('Error refreshing service list', { err: e as Error });
        await sleep(RETRY_INTERVAL_MS, signal);
      }
      // At most one catalog round trip per refresh_interval.
      await sleep(Math.max(0, this.cfg.refresh_interval - (Date.now() - started)), signal);
    }
  }

  private shouldWatch(name: string, tags: string[]): boolean {
    const services = this.cfg.services ?? [];
    if (services.length > 0 && !services.includes(name)) return false;
    for (const t of this.cfg.tags ?? []) if (!tags.includes(t)) return false;
    return true;
  }

  private watchService(name: string): void {
    const ac = new AbortController();
    this.watching.set(name, ac);
    const signal = AbortSignal.any([ac.signal, this.ac.signal]);
    void (async () => {
      let lastIndex = 0;
      while (!signal.aborted) {
        const started = Date.now();
        try {
          const params = this.queryParams(lastIndex);
          for (const t of this.cfg.tags ?? []) params.push(['tag', t]);
          const { data, index } = await this.get<ServiceEntry[]>(
            `/v1/health/service/${encodeURIComponent(name)}`,
            params,
            signal,
            'health',
          );
          if (signal.aborted) return;
          if (index < lastIndex) lastIndex = 0;
          if (index !== lastIndex) {
            lastIndex = index;
            this.groups.set(name, this.group(name, data));
            this.emit();
          }
        } catch (e) {
          if (signal.aborted) return;
          this.ctx.metrics.consulRpcFailures.inc();
          this.ctx.logger.error('Error refreshing service', { service: name, err: e as Error });
          await sleep(RETRY_INTERVAL_MS, signal);
        }
        await sleep(Math.max(0, this.cfg.refresh_interval - (Date.now() - started)), signal);
      }
    })();
  }

  private group(name: string, entries: ServiceEntry[]): TargetGroup {
    const sep = this.cfg.tag_separator ?? ',';
    const targets = entries.map((e) => {
      const svc = e.Service;
      const node = e.Node;
      const t: Record<string, string> = {
        __address__: joinHostPort(svc.Address !== '' ? svc.Address : node.Address, svc.Port),
        __meta_consul_address: node.Address,
        __meta_consul_node: node.Node,
        __meta_consul_namespace: svc.Namespace ?? '',
        __meta_consul_partition: svc.Partition ?? '',
        __meta_consul_tags: sep + (svc.Tags ?? []).join(sep) + sep,
        __meta_consul_service_address: svc.Address,
        __meta_consul_service_port: String(svc.Port),
        __meta_consul_service_id: svc.ID,
        __meta_consul_health: aggregatedStatus(e.Checks),
      };
      for (const [k, v] of Object.entries(node.Meta ?? {}))
        t[`__meta_consul_metadata_${sanitize(k)}`] = v;
      for (const [k, v] of Object.entries(svc.Meta ?? {}))
        t[`__meta_consul_service_metadata_${sanitize(k)}`] = v;
      for (const [k, v] of Object.entries(node.TaggedAddresses ?? {}))
        t[`__meta_consul_tagged_address_${sanitize(k)}`] = v;
      return t;
    });
    return {
      targets,
      labels: { __meta_consul_service: name, __meta_consul_dc: this.datacenter },
      source: name,
    };
  }
}
