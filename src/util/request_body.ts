// Reading a request body without letting its size decide our memory: at most `limit` bytes are
// kept, and what lies past them is left unread (the caller answers with Connection: close, as
// Go's server closes a connection whose body a handler did not finish).
import type { IncomingMessage } from 'node:http';

export interface LimitedBody {
  /** The first min(size, limit) bytes. */
  body: Buffer;
  /** Whether the body went on past the limit. */
  truncated: boolean;
}

export function readBodyLimited(req: IncomingMessage, limit: number): Promise<LimitedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (truncated: boolean) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      resolve({ body: Buffer.concat(chunks, Math.min(size, limit)), truncated });
    };
    const onData = (c: Buffer) => {
      if (size + c.length > limit) {
        chunks.push(c.subarray(0, limit - size));
        size = limit;
        req.pause();
        finish(true);
        return;
      }
      chunks.push(c);
      size += c.length;
    };
    const onEnd = () => finish(false);
    const onError = (e: Error) => {
      req.off('data', onData);
      req.off('end', onEnd);
      reject(e);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
