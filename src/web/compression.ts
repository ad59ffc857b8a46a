// Response compression, as Prometheus's handlers do it: gzip when the client accepts it. Bodies
// under a kilobyte go out as they are (compressing them costs more than it saves); large ones
// are written piece by piece, and gzipped as a stream in libuv's thread pool, so a big query
// result never stalls the event loop.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';

const MIN_GZIP_BYTES = 1024;
/** Bodies up to this are compressed (or sent) in one go. */
const ONE_BUFFER = 128 * 1024;

/** Writes status, headers and body (one buffer or pieces in order), gzipped when the request accepts gzip. */
export function sendBody(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer | readonly Buffer[],
): void {
  const pieces =
    typeof body === 'string' ? [Buffer.from(body)] : Buffer.isBuffer(body) ? [body] : body;
  let bytes = 0;
  for (const p of pieces) bytes += p.length;
  const gzip =
    bytes > MIN_GZIP_BYTES && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  if (gzip) {
    const vary = res.getHeader('Vary');
    headers = {
      ...headers,
      'Content-Encoding': 'gzip',
      Vary: vary ? `${String(vary)}, Accept-Encoding` : 'Accept-Encoding',
    };
  }
  if (bytes <= ONE_BUFFER) {
    const payload = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, bytes);
    res.writeHead(status, headers).end(gzip ? gzipSync(payload) : payload);
    return;
  }
  if (gzip) {
    res.writeHead(status, headers);
    pipeline(Readable.from(pieces), createGzip(), res, () => {});
    return;
  }
  res.writeHead(status, { ...headers, 'Content-Length': String(bytes) });
  for (const p of pieces) res.write(p);
  res.end();
}
