// What every HTTP integration shares: the effective http_config (its own, else global's), the
// User-Agent Alertmanager sends, and the status check that decides retrying (2xx ok, 5xx retry,
// anything else fails for good).
import type { HTTPClientConfig } from '../../config/index.js';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { doRequest, httpClientConfigFrom } from '../../httpclient/index.js';
import { NotifyError, type AlertmanagerGlobal } from './integration.js';

export const USER_AGENT = 'Alertmanager/0.25.0';

/** An http_config as the HTTP client can honour it; OAuth 2.0 is refused (the client has none). */
export function checkedHTTPConfig(raw: unknown): HTTPClientConfig {
  const c = httpClientConfigFrom(raw ?? null);
  if (c.oauth2 !== undefined)
    throw new Error('http_config: oauth2 is not supported by prometheus-ts');
  return c;
}

export function effectiveHTTPConfig(raw: unknown, global: AlertmanagerGlobal): HTTPClientConfig {
  return checkedHTTPConfig(raw ?? global.httpConfig ?? null);
}

/**
 * Kept-alive connections per integration, at most this many at once: a thousand groups flushed
 * together queue for a few sockets instead of opening a thousand.
 */
const MAX_SOCKETS = 16;

/** TLS settings stay per request (the HTTP client applies them); the agent only pools sockets. */
export function integrationAgent(url: string): HttpAgent {
  return url.startsWith('https:')
    ? new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS })
    : new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS });
}

/** POSTs a JSON body; resolves on 2xx, throws NotifyError otherwise (retry on 5xx and transport errors). */
export async function postJSON(
  url: string,
  body: string,
  client: HTTPClientConfig,
  signal: AbortSignal,
  details: (body: string) => string = (b) => b,
  agent?: HttpAgent,
): Promise<void> {
  let res;
  try {
    res = await doRequest(url, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
      client,
      signal,
      ...(agent !== undefined ? { agent: agent as HttpsAgent } : {}),
    });
  } catch (e) {
    throw new NotifyError(`Post "${url}": ${(e as Error).message}`, true);
  }
  if (res.status >= 200 && res.status < 300) return;
  const d = details(res.body.toString('utf8'));
  throw new NotifyError(
    `unexpected status code ${res.status}${d === '' ? '' : ': ' + d}`,
    Math.floor(res.status / 100) === 5,
  );
}
