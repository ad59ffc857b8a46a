// http_sd_configs: target groups fetched as JSON from a URL.
import {
  ConfigError,
  duration,
  INLINE_HTTP,
  parseConfigURL,
  schema,
  str,
  type Decoded,
} from '../../configcodec/index.js';
import { httpClientSpec, toHTTPClient, type HTTPClientConfig } from '../../httpclient/index.js';
import { onePerConfig, registerMechanism } from '../mechanism/index.js';
import { HTTPProvider } from './http.js';

export interface HTTPSDConfig extends HTTPClientConfig {
  url: string;
  refresh_interval: number; // ms, 60s
}

declare module '../mechanism/registry.js' {
  interface SDConfigs {
    http_sd_configs: HTTPSDConfig[];
  }
}

registerMechanism<HTTPSDConfig>({
  name: 'http',
  key: 'http_sd_configs',
  ...schema('http.SDConfig', [
    { inline: httpClientSpec, key: INLINE_HTTP },
    ['refresh_interval', duration, 'dur', true],
    ['url', str, 'str', false],
  ]),
  fromDecoded(d: Decoded): HTTPSDConfig {
    const url = (d.values.url as string) ?? '';
    if (url === '') throw new ConfigError('URL is missing');
    const u = parseConfigURL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new ConfigError("URL scheme must be 'http' or 'https'");
    if (u.host === '') throw new ConfigError('host is missing in URL');
    return {
      ...toHTTPClient(d.values),
      url,
      refresh_interval: (d.values.refresh_interval as number) ?? 60_000,
    };
  },
  providers: onePerConfig('http', (c, ctx) => new HTTPProvider(c, ctx)),
});
