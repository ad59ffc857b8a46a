// dns_sd_configs: SRV, A, AAAA, MX and NS lookups of the configured names, every refresh_interval.
import { promises as dns } from 'node:dns';
import { RefreshProvider, type TargetGroup, type ProviderContext } from '../mechanism/index.js';
import type { DNSSDConfig } from './config.js';

/** Record targets as DNS writes them (and Prometheus shows them): fully qualified, with the dot. */
function fqdn(name: string): string {
  return name.endsWith('.') ? name : name + '.';
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export class DNSProvider extends RefreshProvider {
  constructor(
    private readonly cfg: DNSSDConfig,
    ctx: ProviderContext,
  ) {
    super(ctx, cfg.refresh_interval, 'dns');
  }

  protected async refresh(): Promise<TargetGroup[]> {
    const out: TargetGroup[] = [];
    for (const name of this.cfg.names) {
      this.ctx.metrics.dnsLookups.inc();
      const targets: Record<string, string>[] = [];
      try {
        switch (this.cfg.type) {
          case 'SRV':
            for (const r of await dns.resolveSrv(name)) {
              const host = r.name.replace(/\.$/, '');
              targets.push({
                __address__: joinHostPort(host, r.port),
                __meta_dns_name: name,
                __meta_dns_srv_record_target: fqdn(r.name),
                __meta_dns_srv_record_port: String(r.port),
              });
            }
            break;
          case 'A':
          case 'AAAA':
            for (const ip of this.cfg.type === 'A'
              ? await dns.resolve4(name)
              : await dns.resolve6(name)) {
              targets.push({
                __address__: joinHostPort(ip, this.cfg.port),
                __meta_dns_name: name,
                __meta_dns_srv_record_target: '',
                __meta_dns_srv_record_port: '',
              });
            }
            break;
          case 'MX':
            for (const r of await dns.resolveMx(name)) {
              targets.push({
                __address__: joinHostPort(r.exchange.replace(/\.$/, ''), this.cfg.port),
                __meta_dns_name: name,
                __meta_dns_mx_record_target: fqdn(r.exchange),
              });
            }
            break;
          case 'NS':
            for (const ns of await dns.resolveNs(name)) {
              targets.push({
                __address__: joinHostPort(ns.replace(/\.$/, ''), this.cfg.port),
                __meta_dns_name: name,
                __meta_dns_ns_record_target: fqdn(ns),
              });
            }
            break;
        }
      } catch (e) {
        this.ctx.metrics.dnsLookupFailures.inc();
        this.ctx.logger.error('Error refreshing DNS targets', { name, err: e as Error });
      }
      out.push({ targets, labels: {}, source: name });
    }
    return out;
  }

  protected failed(err: Error): void {
    this.ctx.logger.error('Error refreshing DNS targets', { err });
  }
}
