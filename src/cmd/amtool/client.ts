// The Alertmanager API v2 as amtool's generated client calls it: paths under <url>/api/v2,
// basic auth from the URL's user info, and errors worded as go-swagger words them — a response
// the API defines is "[METHOD /path][code] operationName  payload", any other status is
// "response status code does not match any response statuses defined …".
import type { HTTPClientConfig } from '../../config/index.js';
import { doRequest, type HttpResponse } from '../../httpclient/index.js';

export interface APIAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  generatorURL?: string;
  fingerprint: string;
  receivers: { name: string }[];
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
}

export interface APIMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}

export interface APISilence {
  id: string;
  matchers: APIMatcher[];
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  createdBy: string;
  comment: string;
  status: { state: string };
}

export interface PostableSilence {
  id?: string;
  matchers: APIMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

/** One operation: its swagger path template and the responses it defines besides 200. */
interface Operation {
  method: 'GET' | 'POST' | 'DELETE';
  template: string;
  name: string;
  errors: Record<number, string>;
  /** Defined responses without a body (go-swagger then prints no payload). */
  bare?: readonly number[];
}

const OPS = {
  getAlerts: {
    method: 'GET',
    template: '/alerts',
    name: 'getAlerts',
    errors: { 400: 'BadRequest', 500: 'InternalServerError' },
  },
  postAlerts: {
    method: 'POST',
    template: '/alerts',
    name: 'postAlerts',
    errors: { 400: 'BadRequest', 500: 'InternalServerError' },
  },
  getSilences: {
    method: 'GET',
    template: '/silences',
    name: 'getSilences',
    errors: { 400: 'BadRequest', 500: 'InternalServerError' },
  },
  postSilences: {
    method: 'POST',
    template: '/silences',
    name: 'postSilences',
    errors: { 400: 'BadRequest', 404: 'NotFound' },
  },
  getSilence: {
    method: 'GET',
    template: '/silence/{silenceID}',
    name: 'getSilence',
    errors: { 404: 'NotFound', 500: 'InternalServerError' },
    bare: [404],
  },
  deleteSilence: {
    method: 'DELETE',
    template: '/silence/{silenceID}',
    name: 'deleteSilence',
    errors: { 500: 'InternalServerError' },
  },
  getStatus: { method: 'GET', template: '/status', name: 'getStatus', errors: {} },
} satisfies Record<string, Operation>;

export class APIError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class AlertmanagerClient {
  private readonly base: URL;
  private readonly auth: string | undefined;

  constructor(
    url: string,
    private readonly timeoutMs: number,
    /** --http.config.file's settings (auth, TLS, proxy), if given. */
    private readonly http?: Partial<HTTPClientConfig>,
  ) {
    const u = new URL(url);
    if (u.username !== '' && http)
      throw new Error('basic authentication and http.config.file are mutually exclusive');
    this.auth =
      u.username !== ''
        ? 'Basic ' +
          Buffer.from(
            `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`,
          ).toString('base64')
        : undefined;
    u.username = '';
    u.password = '';
    this.base = u;
  }

  private url(path: string, query: [string, string][] = []): string {
    const u = new URL(this.base.toString());
    u.pathname = (u.pathname.replace(/\/+$/, '') + '/api/v2' + path).replace(/\/{2,}/g, '/');
    for (const [k, v] of query) u.searchParams.append(k, v);
    return u.toString();
  }

  private async call(
    op: Operation,
    path: string,
    query: [string, string][],
    body?: unknown,
  ): Promise<unknown> {
    const url = this.url(path, query);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.auth) headers['Authorization'] = this.auth;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: HttpResponse;
    try {
      res = await doRequest(url, {
        method: op.method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        timeoutMs: this.timeoutMs,
        ...(this.http ? { client: this.http } : {}),
      });
    } catch (e) {
      throw new APIError(
        `${op.method[0]}${op.method.slice(1).toLowerCase()} "${url}": ${transportMessage(e as NodeJS.ErrnoException, new URL(url))}`,
        0,
      );
    }
    const text = res.body.toString('utf8');
    if (res.status === 200) return text === '' ? null : (JSON.parse(text) as unknown);
    const known = op.errors[res.status];
    if (known === undefined)
      throw new APIError(
        `response status code does not match any response statuses defined for this endpoint in the swagger spec (status ${res.status}): {}`,
        res.status,
      );
    let payload = text;
    try {
      const p = JSON.parse(text) as unknown;
      payload = typeof p === 'string' ? p : text;
    } catch {
      /* a non-JSON payload prints as it came */
    }
    if (op.bare?.includes(res.status))
      throw new APIError(
        `[${op.method} ${op.template}][${res.status}] ${op.name}${known} `,
        res.status,
      );
    throw new APIError(
      `[${op.method} ${op.template}][${res.status}] ${op.name}${known}  ${payload}`,
      res.status,
    );
  }

  async getAlerts(q: {
    active: boolean;
    silenced: boolean;
    inhibited: boolean;
    unprocessed: boolean;
    receiver: string;
    filter: readonly string[];
  }): Promise<APIAlert[]> {
    const query: [string, string][] = [
      ['active', String(q.active)],
      ...q.filter.map((f) => ['filter', f] as [string, string]),
      ['inhibited', String(q.inhibited)],
      ['receiver', q.receiver],
      ['silenced', String(q.silenced)],
      ['unprocessed', String(q.unprocessed)],
    ];
    return (await this.call(OPS.getAlerts, '/alerts', query)) as APIAlert[];
  }

  async postAlerts(alerts: unknown[]): Promise<void> {
    await this.call(OPS.postAlerts, '/alerts', [], alerts);
  }

  async getSilences(filter: readonly string[]): Promise<APISilence[]> {
    return (await this.call(
      OPS.getSilences,
      '/silences',
      filter.map((f) => ['filter', f]),
    )) as APISilence[];
  }

  async postSilence(s: PostableSilence): Promise<string> {
    const r = (await this.call(OPS.postSilences, '/silences', [], s)) as { silenceID: string };
    return r.silenceID;
  }

  async getSilence(id: string): Promise<APISilence> {
    return (await this.call(
      OPS.getSilence,
      `/silence/${encodeURIComponent(id)}`,
      [],
    )) as APISilence;
  }

  async deleteSilence(id: string): Promise<void> {
    await this.call(OPS.deleteSilence, `/silence/${encodeURIComponent(id)}`, []);
  }

  async getStatus(): Promise<{
    versionInfo?: { version?: string };
    config?: { original?: string };
  }> {
    return (await this.call(OPS.getStatus, '/status', [])) as {
      versionInfo?: { version?: string };
    };
  }
}

/** Go's net error text for the common failures. */
function transportMessage(e: NodeJS.ErrnoException, u: URL): string {
  const host = `${u.hostname.replace(/^\[(.*)\]$/, '$1') === 'localhost' ? '127.0.0.1' : u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${host}: connect: connection refused`;
    case 'ENOTFOUND':
      return `dial tcp: lookup ${u.hostname}: no such host`;
    case 'ETIMEDOUT':
      return 'context deadline exceeded';
    default:
      return e.message;
  }
}
