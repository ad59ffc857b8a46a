// The HTTP client settings (Prometheus common's HTTPClientConfig) shared by scraping, discovery,
// alerting and remote write: the type, its YAML decoding and validation, and how it is written back.
import { bool, ConfigError, parseConfigURL, str, stringMap, strings, struct, type Decoded, type Field, type Struct, type StructSpec } from '../configcodec/index.js';

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

export const tlsSpec: StructSpec = {
  goType: 'config.TLSConfig',
  fields: { ca: str, ca_file: str, cert: str, cert_file: str, key: str, key_file: str, server_name: str, insecure_skip_verify: bool, min_version: str, max_version: str },
};
const basicAuthSpec: StructSpec = { goType: 'config.BasicAuth', fields: { username: str, username_file: str, password: str, password_file: str } };
const authorizationSpec: StructSpec = { goType: 'config.Authorization', fields: { type: str, credentials: str, credentials_file: str } };
const oauth2Spec: StructSpec = {
  goType: 'config.OAuth2',
  fields: { client_id: str, client_secret: str, client_secret_file: str, scopes: strings, token_url: str, endpoint_params: stringMap(str), tls_config: struct(tlsSpec), proxy_url: str, no_proxy: str, proxy_from_environment: bool, proxy_connect_header: stringMap(strings) },
};
export const httpClientSpec: StructSpec = {
  goType: 'config.HTTPClientConfig',
  fields: {
    basic_auth: struct(basicAuthSpec),
    authorization: struct(authorizationSpec),
    oauth2: struct(oauth2Spec),
    bearer_token: str,
    bearer_token_file: str,
    tls_config: struct(tlsSpec),
    proxy_url: str,
    no_proxy: str,
    proxy_from_environment: bool,
    proxy_connect_header: stringMap(strings, 'config.Header'),
    follow_redirects: bool,
    enable_http2: bool,
  },
};

const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'];

export function toTLS(d: Decoded | undefined): TLSConfig {
  const v = d?.values ?? {};
  const t: TLSConfig = { insecure_skip_verify: (v.insecure_skip_verify as boolean) ?? false };
  for (const k of ['ca', 'ca_file', 'cert', 'cert_file', 'key', 'key_file', 'server_name', 'min_version', 'max_version'] as const) if (v[k]) t[k] = v[k] as string;
  for (const k of ['min_version', 'max_version'] as const) if (t[k] && !TLS_VERSIONS.includes(t[k]!)) throw new ConfigError(`unknown TLS version: ${t[k]}`);
  if (t.ca && t.ca_file) throw new ConfigError('at most one of ca and ca_file must be configured');
  if (t.cert && t.cert_file) throw new ConfigError('at most one of cert and cert_file must be configured');
  if (t.key && t.key_file) throw new ConfigError('at most one of key and key_file must be configured');
  if ((t.cert || t.cert_file) && !(t.key || t.key_file)) throw new ConfigError('exactly one of key or key_file must be configured when a client certificate is configured');
  if ((t.key || t.key_file) && !(t.cert || t.cert_file)) throw new ConfigError('exactly one of cert or cert_file must be configured when a client key is configured');
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
    c.basic_auth = { username: (b.username as string) ?? '', ...(b.username_file ? { username_file: b.username_file as string } : {}), ...(b.password ? { password: b.password as string } : {}), ...(b.password_file ? { password_file: b.password_file as string } : {}) } as BasicAuth;
    if (c.basic_auth.password && c.basic_auth.password_file) throw new ConfigError('at most one of basic_auth password & password_file must be configured');
    if (c.basic_auth.username && c.basic_auth.username_file) throw new ConfigError('at most one of basic_auth username & username_file must be configured');
  }
  if (v.authorization) {
    const a = (v.authorization as Decoded).values;
    c.authorization = { type: (a.type as string) || 'Bearer', ...(a.credentials ? { credentials: a.credentials as string } : {}), ...(a.credentials_file ? { credentials_file: a.credentials_file as string } : {}) } as Authorization;
    if (c.authorization.type.toLowerCase() === 'basic') throw new ConfigError(`authorization type cannot be set to "basic", use "basic_auth" instead`);
    if (c.authorization.credentials && c.authorization.credentials_file) throw new ConfigError('at most one of authorization credentials & credentials_file must be configured');
  }
  if (v.oauth2) {
    const o = (v.oauth2 as Decoded).values;
    c.oauth2 = { client_id: (o.client_id as string) ?? '', token_url: (o.token_url as string) ?? '', ...(o.client_secret ? { client_secret: o.client_secret as string } : {}), ...(o.client_secret_file ? { client_secret_file: o.client_secret_file as string } : {}), scopes: (o.scopes as string[]) ?? [], endpoint_params: (o.endpoint_params as Record<string, string>) ?? {} } as OAuth2;
  }
  if (v.bearer_token) c.bearer_token = v.bearer_token as string;
  if (v.bearer_token_file) c.bearer_token_file = v.bearer_token_file as string;
  if (v.proxy_url) {
    c.proxy_url = v.proxy_url as string;
    parseConfigURL(c.proxy_url);
  }
  if (v.no_proxy) c.no_proxy = v.no_proxy as string;
  if (v.proxy_from_environment) c.proxy_from_environment = true;
  if (v.proxy_connect_header) c.proxy_connect_header = v.proxy_connect_header as Record<string, string[]>;
  const auths = [c.basic_auth, c.authorization, c.oauth2].filter(Boolean).length + (c.bearer_token || c.bearer_token_file ? 1 : 0);
  if (c.bearer_token && c.bearer_token_file) throw new ConfigError('at most one of bearer_token & bearer_token_file must be configured');
  if (auths > 1) {
    if (c.basic_auth && (c.bearer_token || c.bearer_token_file)) throw new ConfigError('at most one of basic_auth, bearer_token & bearer_token_file must be configured');
    if (c.authorization && (c.bearer_token || c.bearer_token_file)) throw new ConfigError('authorization is not compatible with bearer_token & bearer_token_file');
    if (c.basic_auth && c.authorization) throw new ConfigError('at most one of basic_auth, oauth2 & authorization must be configured');
    throw new ConfigError('at most one of basic_auth, oauth2 & authorization must be configured');
  }
  return c;
}

export const TLS_FIELDS: Struct = {
  fields: [
    ['ca', 'str', true],
    ['cert', 'str', true],
    ['key', 'secret', true],
    ['ca_file', 'str', true],
    ['cert_file', 'str', true],
    ['key_file', 'str', true],
    ['server_name', 'str', true],
    ['insecure_skip_verify', 'bool', false],
    ['min_version', 'str', true],
    ['max_version', 'str', true],
  ],
};
const PROXY: Field[] = [
  ['proxy_url', 'url', true],
  ['no_proxy', 'str', true],
  ['proxy_from_environment', 'bool', true],
  ['proxy_connect_header', 'raw', true],
];
/** HTTPClientConfig's fields, in the order yaml.v2 writes them. */
export const HTTP_FIELDS: Field[] = [
  ['basic_auth', { fields: [['username', 'str', false], ['password', 'secret', true], ['password_file', 'str', true]] }, true],
  ['authorization', { fields: [['type', 'str', true], ['credentials', 'secret', true], ['credentials_file', 'str', true]] }, true],
  [
    'oauth2',
    {
      fields: [
        ['client_id', 'str', false],
        ['client_secret', 'secret', false],
        ['client_secret_file', 'str', false],
        ['scopes', 'list', true],
        ['token_url', 'str', false],
        ['endpoint_params', 'strmap', true],
        ['tls_config', TLS_FIELDS, true],
        ...PROXY,
      ],
    },
    true,
  ],
  ['bearer_token', 'secret', true],
  ['bearer_token_file', 'str', true],
  ['tls_config', TLS_FIELDS, true],
  ['follow_redirects', 'bool', false],
  ['enable_http2', 'bool', false],
  ...PROXY,
];
