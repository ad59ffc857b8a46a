// dns_sd_configs: targets from SRV, A, AAAA, MX or NS records.
import {
  ConfigError,
  duration,
  int,
  schema,
  strings,
  str,
  type Decoded,
} from '../../configcodec/index.js';
import { onePerConfig, registerMechanism } from '../mechanism/index.js';
import { DNSProvider } from './dns.js';

export interface DNSSDConfig {
  names: string[];
  refresh_interval: number; // ms, 30s
  type: 'SRV' | 'A' | 'AAAA' | 'MX' | 'NS';
  port: number;
}

declare module '../mechanism/registry.js' {
  interface SDConfigs {
    dns_sd_configs: DNSSDConfig[];
  }
}

registerMechanism<DNSSDConfig>({
  name: 'dns',
  key: 'dns_sd_configs',
  ...schema('dns.SDConfig', [
    ['names', strings, 'list', false],
    ['refresh_interval', duration, 'dur', true],
    ['type', str, 'str', false],
    ['port', int, 'int', false],
  ]),
  fromDecoded(d: Decoded): DNSSDConfig {
    const names = (d.values.names as string[]) ?? [];
    if (names.length === 0)
      throw new ConfigError('DNS-SD config must contain at least one SRV record name');
    const type = ((d.values.type as string) || 'SRV').toUpperCase() as DNSSDConfig['type'];
    if (!['SRV', 'A', 'AAAA', 'MX', 'NS'].includes(type))
      throw new ConfigError(`invalid DNS-SD records type ${type}`);
    const port = (d.values.port as number) ?? 0;
    if (type !== 'SRV' && type !== 'NS' && port === 0)
      throw new ConfigError('a port is required in DNS-SD configs for all record types except SRV');
    return { names, refresh_interval: (d.values.refresh_interval as number) ?? 30_000, type, port };
  },
  providers: onePerConfig('dns', (c, ctx) => new DNSProvider(c, ctx)),
});
