// Response compression, as Prometheus's handlers do it: gzip when the client accepts it. Bodies
// under a kilobyte go out as they are (compressing them costs more than it saves).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

const MIN_GZIP_BYTES = 1024;

/** Writes status, headers and body, gzipped when the request accepts gzip. */
export function sendBody(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  let buf = typeof body === 'string' ? Buffer.from(body) : body;
  if (buf.length > MIN_GZIP_BYTES && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    buf = gzipSync(buf);
    const vary = res.getHeader('Vary');
    headers = { ...headers, 'Content-Encoding': 'gzip', Vary: vary ? `${String(vary)}, Accept-Encoding` : 'Accept-Encoding' };
  }
  res.writeHead(status, headers).end(buf);
}
