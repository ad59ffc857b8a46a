// The HTTP client settings (Prometheus common's HTTPClientConfig) shared by scraping, discovery,
// alerting and remote write: the type, its YAML decoding and validation, and how it is written back.
import {
  bool,
  ConfigError,
  parseConfigURL,
  schema,
  str,
  stringMap,
  strings,
  struct,
  type Decoded,
  type Decoder,
  type Field,
  type SchemaField,
  type Struct,
  type StructSpec,
} from '../configcodec/index.js';
import { Document, LineCounter, type Node } from 'yaml';

export interface BasicAuth {
  username: string;
  username_file?: string;
  password?: string;
  password_file?: string;
}

export interface Authorization {
  type: string; // default 'Bearer'
  credentials?: string;
  credentials_file?: string;
}

export interface OAuth2 {
  client_id: string;
  client_secret?: string;
  client_secret_file?: string;
  scopes?: string[];
  token_url: string;
  endpoint_params?: Record<string, string>;
  tls_config?: TLSConfig;
  proxy_url?: string;
}

export interface TLSConfig {
  ca?: string;
  ca_file?: string;
  cert?: string;
  cert_file?: string;
  key?: string;
  key_file?: string;
  server_name?: string;
  insecure_skip_verify: boolean;
  min_version?: string; // TLS10…TLS13
  max_version?: string;
}

export interface HTTPClientConfig {
  basic_auth?: BasicAuth;
  authorization?: Authorization;
  oauth2?: OAuth2;
  bearer_token?: string; // deprecated forms, still accepted by 2.48
  bearer_token_file?: string;
  tls_config: TLSConfig;
  proxy_url?: string;
  no_proxy?: string;
  proxy_from_environment?: boolean;
  proxy_connect_header?: Record<string, string[]>;
  follow_redirects: boolean; // default true
  enable_http2: boolean; // default true
}

const tls = schema('config.TLSConfig', [
  ['ca', str, 'str', true],
  ['cert', str, 'str', true],
  ['key', str, 'secret', true],
  ['ca_file', str, 'str', true],
  ['cert_file', str, 'str', true],
  ['key_file', str, 'str', true],
  ['server_name', str, 'str', true],
  ['insecure_skip_verify', bool, 'bool', false],
  ['min_version', str, 'str', true],
  ['max_version', str, 'str', true],
]);
export const tlsSpec = tls.spec;
export const TLS_FIELDS = tls.marshal;

function proxyFields(header: Decoder<unknown>): SchemaField[] {
  return [
    ['proxy_url', str, 'url', true],
    ['no_proxy', str, 'str', true],
    ['proxy_from_environment', bool, 'bool', true],
    ['proxy_connect_header', header, 'raw', true],
  ];
}

// username_file is read, but not written back: /api/v1/status/config shows basic_auth as the
// Prometheus this is compared with does (username, password, password_file).
const basicAuthSpec: StructSpec = {
  goType: 'config.BasicAuth',
  fields: { username: str, username_file: str, password: str, password_file: str },
};
const BASIC_AUTH_FIELDS: Struct = {
  fields: [
    ['username', 'str', false],
    ['password', 'secret', true],
    ['password_file', 'str', true],
  ],
};
const authorization = schema('config.Authorization', [
  ['type', str, 'str', true],
  ['credentials', str, 'secret', true],
  ['credentials_file', str, 'str', true],
]);
const oauth2 = schema('config.OAuth2', [
  ['client_id', str, 'str', false],
  ['client_secret', str, 'secret', false],
  ['client_secret_file', str, 'str', false],
  ['scopes', strings, 'list', true],
  ['token_url', str, 'str', false],
  ['endpoint_params', stringMap(str), 'strmap', true],
  ['tls_config', struct(tls.spec), tls.marshal, true],
  ...proxyFields(stringMap(strings)),
]);
/** HTTPClientConfig, in the order yaml.v2 writes its fields. */
const http = schema('config.HTTPClientConfig', [
  ['basic_auth', struct(basicAuthSpec), BASIC_AUTH_FIELDS, true],
  ['authorization', struct(authorization.spec), authorization.marshal, true],
  ['oauth2', struct(oauth2.spec), oauth2.marshal, true],
  ['bearer_token', str, 'secret', true],
  ['bearer_token_file', str, 'str', true],
  ['tls_config', struct(tls.spec), tls.marshal, true],
  ['follow_redirects', bool, 'bool', false],
  ['enable_http2', bool, 'bool', false],
  ...proxyFields(stringMap(strings, 'config.Header')),
]);
export const httpClientSpec = http.spec;
export const HTTP_FIELDS: Field[] = http.marshal.fields;

const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'];

export function toTLS(d: Decoded | undefined): TLSConfig {
  const v = d?.values ?? {};
  const t: TLSConfig = { insecure_skip_verify: (v.insecure_skip_verify as boolean) ?? false };
  for (const k of [
    'ca',
    'ca_file',
    'cert',
    'cert_file',
    'key',
    'key_file',
    'server_name',
    'min_version',
    'max_version',
  ] as const)
    if (v[k]) t[k] = v[k] as string;
  for (const k of ['min_version', 'max_version'] as const)
    if (t[k] && !TLS_VERSIONS.includes(t[k]!))
      throw new ConfigError(`unknown TLS version: ${t[k]}`);
  if (t.ca && t.ca_file) throw new ConfigError('at most one of ca and ca_file must be configured');
  if (t.cert && t.cert_file)
    throw new ConfigError('at most one of cert and cert_file must be configured');
  if (t.key && t.key_file)
    throw new ConfigError('at most one of key and key_file must be configured');
  if ((t.cert || t.cert_file) && !(t.key || t.key_file))
    throw new ConfigError(
      'exactly one of key or key_file must be configured when a client certificate is configured',
    );
  if ((t.key || t.key_file) && !(t.cert || t.cert_file))
    throw new ConfigError(
      'exactly one of cert or cert_file must be configured when a client key is configured',
    );
  return t;
}

export function toHTTPClient(v: Record<string, unknown>): HTTPClientConfig {
  const c: HTTPClientConfig = {
    tls_config: toTLS(v.tls_config as Decoded | undefined),
    follow_redirects: v.follow_redirects === undefined ? true : (v.follow_redirects as boolean),
    enable_http2: v.enable_http2 === undefined ? true : (v.enable_http2 as boolean),
  };
  if (v.basic_auth) {
    const b = (v.basic_auth as Decoded).values;
    c.basic_auth = {
      username: (b.username as string) ?? '',
      ...(b.username_file ? { username_file: b.username_file as string } : {}),
      ...(b.password ? { password: b.password as string } : {}),
      ...(b.password_file ? { password_file: b.password_file as string } : {}),
    } as BasicAuth;
    if (c.basic_auth.password && c.basic_auth.password_file)
      throw new ConfigError(
        'at most one of basic_auth password & password_file must be configured',
      );
    if (c.basic_auth.username && c.basic_auth.username_file)
      throw new ConfigError(
        'at most one of basic_auth username & username_file must be configured',
      );
  }
  if (v.authorization) {
    const a = (v.authorization as Decoded).values;
    c.authorization = {
      type: (a.type as string) || 'Bearer',
      ...(a.credentials ? { credentials: a.credentials as string } : {}),
      ...(a.credentials_file ? { credentials_file: a.credentials_file as string } : {}),
    } as Authorization;
    if (c.authorization.type.toLowerCase() === 'basic')
      throw new ConfigError(
        `authorization type cannot be set to "basic", use "basic_auth" instead`,
      );
    if (c.authorization.credentials && c.authorization.credentials_file)
      throw new ConfigError(
        'at most one of authorization credentials & credentials_file must be configured',
      );
  }
  if (v.oauth2) {
    const o = (v.oauth2 as Decoded).values;
    c.oauth2 = {
      client_id: (o.client_id as string) ?? '',
      token_url: (o.token_url as string) ?? '',
      ...(o.client_secret ? { client_secret: o.client_secret as string } : {}),
      ...(o.client_secret_file ? { client_secret_file: o.client_secret_file as string } : {}),
      scopes: (o.scopes as string[]) ?? [],
      endpoint_params: (o.endpoint_params as Record<string, string>) ?? {},
    } as OAuth2;
  }
  if (v.bearer_token) c.bearer_token = v.bearer_token as string;
  if (v.bearer_token_file) c.bearer_token_file = v.bearer_token_file as string;
  if (v.proxy_url) {
    c.proxy_url = v.proxy_url as string;
    parseConfigURL(c.proxy_url);
  }
  if (v.no_proxy) c.no_proxy = v.no_proxy as string;
  if (v.proxy_from_environment) c.proxy_from_environment = true;
  if (v.proxy_connect_header)
    c.proxy_connect_header = v.proxy_connect_header as Record<string, string[]>;
  const auths =
    [c.basic_auth, c.authorization, c.oauth2].filter(Boolean).length +
    (c.bearer_token || c.bearer_token_file ? 1 : 0);
  if (c.bearer_token && c.bearer_token_file)
    throw new ConfigError('at most one of bearer_token & bearer_token_file must be configured');
  if (auths > 1) {
    if (c.basic_auth && (c.bearer_token || c.bearer_token_file))
      throw new ConfigError(
        'at most one of basic_auth, bearer_token & bearer_token_file must be configured',
      );
    if (c.authorization && (c.bearer_token || c.bearer_token_file))
      throw new ConfigError(
        'authorization is not compatible with bearer_token & bearer_token_file',
      );
    if (c.basic_auth && c.authorization)
      throw new ConfigError('at most one of basic_auth, oauth2 & authorization must be configured');
    throw new ConfigError('at most one of basic_auth, oauth2 & authorization must be configured');
  }
  return c;
}

/**
 * An HTTP client config given as a plain mapping (Alertmanager's `http_config`, handed to each
 * integration as JSON): decoded and checked exactly as prometheus.yml's.
 */
export function httpClientConfigFrom(raw: unknown): HTTPClientConfig {
  const d = struct(httpClientSpec)((new Document(raw ?? null).contents as Node | null) ?? null, {
    lc: new LineCounter(),
  });
  return toHTTPClient(d.values);
}
