// AWS Signature Version 4 for one request, with node's crypto: the canonical request (method,
// escaped path, sorted query, the signed headers lower-cased and sorted, the body's SHA-256),
// the string to sign under the date/region/service scope, and the derived HMAC key.
import { createHash, createHmac } from 'node:crypto';

export interface AWSCredentials {
  accessKey: string;
  secretKey: string;
  sessionToken?: string;
}

const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const hmac = (key: string | Buffer, s: string) => createHmac('sha256', key).update(s).digest();

/** RFC 3986 escaping as AWS wants it: unreserved characters stay, everything else is %XX. */
export function awsEscape(s: string, keepSlash: boolean): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === '/')) return c;
      return '%' + b.toString(16).toUpperCase().padStart(2, '0');
    })
    .join('');
}

/** "20060102T150405Z". */
export function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * Signs a request in place: adds X-Amz-Date (and X-Amz-Security-Token) and Authorization to
 * `headers`, signing every header given plus host. Header names are matched case-insensitively.
 */
export function signV4(
  req: { method: string; url: URL; headers: Record<string, string>; body: string },
  creds: AWSCredentials,
  region: string,
  service: string,
  now: Date,
): void {
  const date = amzDate(now);
  req.headers['X-Amz-Date'] = date;
  if (creds.sessionToken) req.headers['X-Amz-Security-Token'] = creds.sessionToken;
  const canon = canonicalRequest(req);
  const scope = `${date.slice(0, 8)}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canon.text)].join('\n');
  let key: Buffer = hmac('AWS4' + creds.secretKey, date.slice(0, 8));
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  req.headers['Authorization'] =
    `AWS4-HMAC-SHA256 Credential=${creds.accessKey}/${scope}, SignedHeaders=${canon.signed}, Signature=${signature}`;
}

/** The canonical request and its signed-header list (exported so tests can check a signature). */
export function canonicalRequest(
  req: { method: string; url: URL; headers: Record<string, string>; body: string },
  only?: readonly string[],
): { text: string; signed: string } {
  const lower = new Map<string, string>();
  for (const [k, v] of Object.entries(req.headers)) {
    const lk = k.toLowerCase();
    if (lk === 'authorization' || lk === 'user-agent' || lk === 'x-amzn-trace-id') continue;
    lower.set(lk, v.trim().replace(/\s+/g, ' '));
  }
  lower.set('host', req.url.host);
  const names = (only ?? [...lower.keys()]).slice().sort();
  const query = [...req.url.searchParams]
    .map(([k, v]) => `${awsEscape(k, false)}=${awsEscape(v, false)}`)
    .sort()
    .join('&');
  const text = [
    req.method,
    awsEscape(decodeURIComponent(req.url.pathname || '/'), true),
    query,
    ...names.map((n) => `${n}:${lower.get(n) ?? ''}`),
    '',
    names.join(';'),
    sha256(req.body),
  ].join('\n');
  return { text, signed: names.join(';') };
}
