// Reading a request body without letting its size decide our memory: at most `limit` bytes are
// kept, and what lies past them is left unread (the caller answers with Connection: close, as
// Go's server closes a connection whose body a handler did not finish).
import type { IncomingMessage } from 'node:http';

export interface LimitedBody {
  /** The first min(size, limit) bytes. */
  body: Buffer;
  /** Whether the body went on past the limit, or stopped short (then `error` says why). */
  truncated: boolean;
  /** Why the body could not be read whole other than its size (Go's read error), if so. */
  error?: string;
}

/** The event a server emits on a request whose body did not arrive within its read timeout. */
export const READ_TIMEOUT = Symbol('readTimeout');

/** Ends reading the body of req with Go's read error (the request's time to arrive is up). */
export function signalReadTimeout(req: IncomingMessage): void {
  const local = `${req.socket.localAddress}:${req.socket.localPort}`;
  const remote = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
  req.emit(READ_TIMEOUT, `read tcp ${local}->${remote}: i/o timeout`);
}

export function readBodyLimited(req: IncomingMessage, limit: number): Promise<LimitedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (truncated: boolean, error?: string) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off(READ_TIMEOUT, onTimeout);
      const body = Buffer.concat(chunks, Math.min(size, limit));
      resolve(error === undefined ? { body, truncated } : { body, truncated, error });
    };
    const onTimeout = (message: string) => {
      req.pause();
      finish(true, message);
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
      req.off(READ_TIMEOUT, onTimeout);
      reject(e);
    };
    req.on(READ_TIMEOUT, onTimeout);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
