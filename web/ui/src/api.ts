declare global {
  interface Window {
    __PATH_PREFIX__?: string;
  }
}

/** The route prefix the server substituted in index.html ('' at the root). */
export function pathPrefix(): string {
  const p = window.__PATH_PREFIX__ ?? '';
  return p === 'PATH_PREFIX_PLACEHOLDER' ? '' : p.replace(/\/$/, '');
}

export class APIError extends Error {
  constructor(
    message: string,
    readonly errorType: string,
  ) {
    super(message);
  }
}

export interface APIResult<T> {
  data: T;
  warnings: string[];
}

/** GET or POST one /api/v1 endpoint and unwrap Prometheus's {status,data} envelope. */
export async function apiCall<T>(
  path: string,
  params?: Record<string, string>,
  post = false,
): Promise<APIResult<T>> {
  const url = `${pathPrefix()}/api/v1/${path}`;
  const body = new URLSearchParams(params ?? {});
  let res: Response;
  try {
    res = post
      ? await fetch(url, {
          method: 'POST',
          body,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        })
      : await fetch(params ? `${url}?${body}` : url);
  } catch (e) {
    throw new APIError(`Error fetching ${url}: ${(e as Error).message}`, 'network');
  }
  let json: { status?: string; data?: T; error?: string; errorType?: string; warnings?: string[] };
  try {
    json = await res.json();
  } catch {
    throw new APIError(`Unexpected response status ${res.status} from ${url}`, 'bad_response');
  }
  if (json.status !== 'success')
    throw new APIError(json.error ?? `HTTP ${res.status}`, json.errorType ?? 'unknown');
  return { data: json.data as T, warnings: json.warnings ?? [] };
}
