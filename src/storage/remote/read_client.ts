// A remote-read client: one POST of a prompb.ReadRequest to a server's /api/v1/read (Prometheus's
// remote read protocol 0.1.0, SAMPLES response), answered with each query's series. What reads
// a server's history without its query API: the backtest's URL source.
import { compress } from 'snappyjs';
import { snappyDecode } from '../../util/snappy.js';
import {
  RESPONSE_SAMPLES,
  decodeReadResponse,
  encodeReadRequest,
  type PbQuery,
  type PbTimeSeries,
} from './prompb.js';
import { USER_AGENT } from './queue_manager.js';

export class RemoteReadError extends Error {}

/** Sends the queries in one request; resolves with each query's series, in the queries' order. */
export async function remoteRead(
  url: string,
  queries: PbQuery[],
  opts: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<PbTimeSeries[][]> {
  const body = compress(encodeReadRequest(queries, [RESPONSE_SAMPLES]));
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      // A copy on its own ArrayBuffer, as fetch's BodyInit types it.
      body: new Uint8Array(body),
      headers: {
        'Content-Type': 'application/x-protobuf',
        'Content-Encoding': 'snappy',
        'X-Prometheus-Remote-Read-Version': '0.1.0',
        'User-Agent': USER_AGENT,
        ...opts.headers,
      },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
    });
  } catch (e) {
    throw new RemoteReadError(`remote read ${url}: ${(e as Error).message}`);
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (!res.ok) {
    const text = new TextDecoder().decode(bytes.subarray(0, 512)).trim();
    throw new RemoteReadError(
      `remote server ${url} returned HTTP status ${res.status} ${res.statusText}: ${text}`,
    );
  }
  let raw: Uint8Array;
  try {
    raw = snappyDecode(bytes);
  } catch (e) {
    throw new RemoteReadError(
      `remote read ${url}: decoding the snappy response: ${(e as Error).message}`,
    );
  }
  const results = decodeReadResponse(raw);
  if (results.length !== queries.length)
    throw new RemoteReadError(
      `remote read ${url}: responses: want ${queries.length}, got ${results.length}`,
    );
  return results;
}
