// Which proxy a request goes through, as common/config's ProxyConfig decides: proxy_url for every
// request (with no_proxy, Go's httpproxy rules, which never proxy localhost), or with
// proxy_from_environment the HTTP_PROXY / HTTPS_PROXY / NO_PROXY variables.
import { isIP } from 'node:net';
import type { HTTPClientConfig } from './config.js';

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}

function inCIDR(ip: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (isIP(ip) !== 4 || isIP(net!) !== 4 || !Number.isInteger(bits)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipv4ToInt(ip) & mask) >>> 0 === (ipv4ToInt(net!) & mask) >>> 0;
}

/** Go's httpproxy NO_PROXY matching: `*`, IPs, CIDRs, domains (`.y.com` only below it, `y.com` itself too), optional port. */
export function noProxyMatches(u: URL, noProxy: string): boolean {
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  for (let entry of noProxy.split(',')) {
    entry = entry.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (inCIDR(host, entry)) return true;
      continue;
    }
    let entryPort = '';
    const m = /^(.*):(\d+)$/.exec(entry);
    if (m && !entry.includes('::')) {
      entry = m[1]!;
      entryPort = m[2]!;
    }
    if (entryPort !== '' && entryPort !== port) continue;
    if (isIP(entry)) {
      if (entry === host) return true;
      continue;
    }
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (entry.startsWith('.') ? host.endsWith(entry) : host === entry || host.endsWith('.' + entry))
      return true;
  }
  return false;
}

function isLocal(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

/** The proxy for a request to u, or null to go direct. */
export function proxyFor(
  u: URL,
  c: Partial<HTTPClientConfig> | undefined,
  env: NodeJS.ProcessEnv = process.env,
): URL | null {
  if (!c) return null;
  let proxy: string | undefined;
  let noProxy = '';
  let httpproxyRules = false;
  if (c.proxy_from_environment) {
    proxy =
      u.protocol === 'https:'
        ? (env.HTTPS_PROXY ?? env.https_proxy)
        : (env.HTTP_PROXY ?? env.http_proxy);
    noProxy = env.NO_PROXY ?? env.no_proxy ?? '';
    httpproxyRules = true;
  } else if (c.proxy_url) {
    proxy = c.proxy_url;
    noProxy = c.no_proxy ?? '';
    httpproxyRules = noProxy !== '';
  }
  if (!proxy) return null;
  if (httpproxyRules && (isLocal(u.hostname) || noProxyMatches(u, noProxy))) return null;
  return new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
}

/** Proxy-Authorization for a proxy URL with user info. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username) return undefined;
  return (
    'Basic ' +
    Buffer.from(
      `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`,
    ).toString('base64')
  );
}
