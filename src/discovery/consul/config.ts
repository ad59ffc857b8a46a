// consul_sd_configs: services of a Consul catalog, watched with blocking queries.
import {
  bool,
  ConfigError,
  duration,
  INLINE_HTTP,
  schema,
  str,
  stringMap,
  strings,
  type Decoded,
} from '../../configcodec/index.js';
import { httpClientSpec, toHTTPClient, type HTTPClientConfig } from '../../httpclient/index.js';
import { onePerConfig, registerMechanism } from '../mechanism/index.js';
import { ConsulProvider } from './consul.js';

export interface ConsulSDConfig extends HTTPClientConfig {
  server: string; // localhost:8500
  path_prefix?: string;
  token?: string;
  datacenter?: string;
  namespace?: string;
  partition?: string;
  tag_separator: string; // ','
  scheme: string; // http
  username?: string;
  password?: string;
  services: string[];
  tags: string[];
  node_meta: Record<string, string>;
  allow_stale: boolean; // true
  refresh_interval: number; // ms, 30s
}

declare module '../mechanism/registry.js' {
  interface SDConfigs {
    consul_sd_configs: ConsulSDConfig[];
  }
}

registerMechanism<ConsulSDConfig>({
  name: 'consul',
  key: 'consul_sd_configs',
  ...schema('consul.SDConfig', [
    ['server', str, 'str', true],
    ['path_prefix', str, 'str', true],
    ['token', str, 'secret', true],
    ['datacenter', str, 'str', true],
    ['namespace', str, 'str', true],
    ['partition', str, 'str', true],
    ['tag_separator', str, 'str', true],
    ['scheme', str, 'str', true],
    ['username', str, 'str', true],
    ['password', str, 'secret', true],
    ['allow_stale', bool, 'bool', false],
    ['refresh_interval', duration, 'dur', true],
    ['services', strings, 'list', true],
    ['tags', strings, 'list', true],
    ['node_meta', stringMap(str), 'strmap', true],
    { inline: httpClientSpec, key: INLINE_HTTP },
  ]),
  fromDecoded(d: Decoded): ConsulSDConfig {
    const x = d.values;
    const server = (x.server as string) ?? 'localhost:8500';
    if (server.trim() === '')
      throw new ConfigError('consul SD configuration requires a server address');
    return {
      ...toHTTPClient(x),
      server,
      ...(x.path_prefix ? { path_prefix: x.path_prefix as string } : {}),
      ...(x.token ? { token: x.token as string } : {}),
      ...(x.datacenter ? { datacenter: x.datacenter as string } : {}),
      ...(x.namespace ? { namespace: x.namespace as string } : {}),
      ...(x.partition ? { partition: x.partition as string } : {}),
      ...(x.username ? { username: x.username as string } : {}),
      ...(x.password ? { password: x.password as string } : {}),
      tag_separator: x.tag_separator === undefined ? ',' : (x.tag_separator as string),
      scheme: (x.scheme as string) || 'http',
      services: (x.services as string[]) ?? [],
      tags: (x.tags as string[]) ?? [],
      node_meta: (x.node_meta as Record<string, string>) ?? {},
      allow_stale: x.allow_stale === undefined ? true : (x.allow_stale as boolean),
      refresh_interval: (x.refresh_interval as number) ?? 30_000,
    };
  },
  providers: onePerConfig('consul', (c, ctx) => new ConsulProvider(c, ctx)),
});
