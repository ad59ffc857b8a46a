// http_sd_configs: a URL answering a JSON list of target groups, polled every refresh_interval.
import { RefreshProvider, type TargetGroup, type ProviderContext } from '../mechanism/index.js';
import type { HTTPSDConfig } from './config.js';
import { doRequest } from '../../httpclient/index.js';

export class HTTPProvider extends RefreshProvider {
  constructor(
    private readonly cfg: HTTPSDConfig,
    ctx: ProviderContext,
  ) {
    super(ctx, cfg.refresh_interval, 'http');
  }

  protected async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    const res = await doRequest(this.cfg.url, {
      client: this.cfg,
      signal,
      headers: {
        Accept: 'application/json',
        'X-Prometheus-Refresh-Interval-Seconds': String(this.cfg.refresh_interval / 1000),
      },
    });
    if (res.status !== 200) throw new Error(`server returned HTTP status ${res.status}`);
    const ct = String(res.headers['content-type'] ?? '');
    if (!/^application\/json(;|$)/.test(ct)) throw new Error(`unsupported content type "${ct}"`);
    const data = JSON.parse(res.body.toString('utf8')) as {
      targets?: string[];
      labels?: Record<string, string>;
    }[];
    if (!Array.isArray(data)) throw new Error('response is not a list of target groups');
    return data.map((g, i) => ({
      targets: (g.targets ?? []).map((t) => ({ __address__: t })),
      labels: { ...(g.labels ?? {}), __meta_url: this.cfg.url },
      source: `${this.cfg.url}:${i}`,
    }));
  }

  protected failed(err: Error): void {
    this.ctx.metrics.httpFailures.inc();
    this.ctx.logger.error('Unable to refresh target groups', { discovery: 'http', err });
  }
}
