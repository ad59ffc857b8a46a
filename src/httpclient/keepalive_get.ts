// Plain-HTTP/1.1 GETs over one kept-alive connection, for a caller that asks the same server again
// and again (a scrape loop). Node's http client spends about a millisecond of CPU per request here
// (request and response objects, streams, agent bookkeeping) — more than parsing a 2,000-series
// body; on a kept-alive socket a request is one write and the response one read of its framing.
// Bodies framed by Content-Length, chunked, or by the connection's end. TLS stays with node's
// client (httpclient.ts decides).
import { connect, type Socket } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';

export interface GetResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The connection ended or reset before any byte of the answer: on a reused one, a fresh one is tried. */
class StaleConnection extends Error {
  constructor(readonly original: Error) {
    super(original.message);
  }
}

const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

interface Exchange {
  resolve: (r: GetResponse) => void;
  reject: (e: Error) => void;
  maxBody: number;
  /** Bytes of the response not consumed yet (header block, chunk-size line). */
  carry: Buffer;
  /** Any byte received for this exchange (a silent close of a reused socket is retried). */
  got: boolean;
  status: number;
  headers: IncomingHttpHeaders | null;
  /** 'length': `left` bytes to go; 'chunk-size' / 'chunk-data' / 'chunk-crlf' / 'trailer': chunked; 'eof': until close. */
  mode: 'length' | 'eof' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailer';
  left: number;
  parts: Buffer[];
  size: number;
  keepAlive: boolean;
}

export class KeepAliveGetter {
  private sock: Socket | null = null;
  private sockKey = '';
  private ex: Exchange | null = null;

  /** One GET; rejects on a network error, a malformed response, the deadline (ms epoch, 0: none) or a body over maxBody (0: none). */
  async get(
    url: URL,
    headers: Record<string, string>,
    deadline: number,
    maxBody: number,
  ): Promise<GetResponse> {
    const key = `${url.hostname}:${url.port || '80'}`;
    const reused = this.sock !== null && this.sockKey === key;
    try {
      return await this.exchange(url, key, headers, deadline, maxBody);
    } catch (e) {
      if (!(e instanceof StaleConnection)) throw e;
      if (!reused) throw e.original;
      return this.exchange(url, key, headers, deadline, maxBody).catch((e2: unknown) => {
        throw e2 instanceof StaleConnection ? e2.original : e2;
      });
    }
  }

  /** Drops the connection; a GET in flight rejects. */
  close(err: Error = new Error('connection closed')): void {
    const s = this.sock;
    this.sock = null;
    if (s !== null) s.destroy();
    this.fail(err);
  }

  private exchange(
    url: URL,
    key: string,
    headers: Record<string, string>,
    deadline: number,
    maxBody: number,
  ): Promise<GetResponse> {
    if (this.sock === null || this.sockKey !== key) this.open(url, key);
    const sock = this.sock!;
    let req = `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n`;
    for (const n in headers) req += `${n}: ${headers[n]}\r\n`;
    req += '\r\n';
    return new Promise<GetResponse>((resolve, reject) => {
      const timer =
        deadline > 0
          ? setTimeout(
              () => this.close(new Error('context deadline exceeded')),
              Math.max(0, deadline - Date.now()),
            )
          : undefined;
      const settle = () => {
        clearTimeout(timer);
        this.ex = null;
      };
      this.ex = {
        resolve: (r) => {
          settle();
          resolve(r);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
        maxBody,
        carry: EMPTY,
        got: false,
        status: 0,
        headers: null,
        mode: 'length',
        left: 0,
        parts: [],
        size: 0,
        keepAlive: true,
      };
      sock.write(req, 'latin1');
    });
  }

  private open(url: URL, key: string): void {
    this.sock?.destroy();
    const s = connect({
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: Number(url.port || 80),
    });
    s.setNoDelay(true);
    s.on('data', (d: Buffer) => {
      if (this.sock === s) this.onData(d);
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (this.sock !== s) return;
      this.sock = null;
      const reset = e.code === 'ECONNRESET' || e.code === 'EPIPE';
      this.fail(reset && this.ex !== null && !this.ex.got ? new StaleConnection(e) : e);
    });
    s.on('close', () => {
      if (this.sock !== s) return;
      this.sock = null;
      this.onEnd();
    });
    this.sock = s;
    this.sockKey = key;
  }

  private fail(e: Error): void {
    const ex = this.ex;
    if (ex === null) return;
    ex.reject(e);
  }

  private onEnd(): void {
    const ex = this.ex;
    if (ex === null) return;
    if (ex.headers !== null && ex.mode === 'eof') this.finish(ex);
    else ex.reject(ex.got ? new Error('unexpected EOF') : new StaleConnection(new Error('EOF')));
  }

  private onData(d: Buffer): void {
    const ex = this.ex;
    if (ex === null) {
      this.close(); // bytes nobody asked for: the connection cannot be trusted
      return;
    }
    ex.got = true;
    let b = ex.carry.length > 0 ? Buffer.concat([ex.carry, d]) : d;
    ex.carry = EMPTY;
    while (this.ex === ex) {
      if (ex.headers === null) {
        const he = b.indexOf(HEAD_END);
        if (he < 0) {
          if (b.length > 1 << 20)
            return this.close(new Error('server response headers exceeded 1 MiB'));
          ex.carry = b;
          return;
        }
        if (!this.head(ex, b.toString('latin1', 0, he))) return;
        b = b.subarray(he + 4);
        if (ex.headers === null) continue; // a 1xx response: the real one follows
        if (ex.mode === 'length' && ex.left === 0) return this.finish(ex);
        continue;
      }
      if (b.length === 0) return;
      switch (ex.mode) {
        case 'length':
        case 'eof': {
          const n = ex.mode === 'length' ? Math.min(ex.left, b.length) : b.length;
          if (!this.take(ex, b.subarray(0, n))) return;
          if (ex.mode === 'eof') return;
          ex.left -= n;
          if (ex.left === 0) return this.finish(ex);
          return;
        }
        case 'chunk-size': {
          const le = b.indexOf(CRLF);
          if (le < 0) {
            ex.carry = b;
            return;
          }
          const line = b.toString('latin1', 0, le);
          const size = parseInt(line.split(';')[0]!.trim(), 16);
          if (!Number.isFinite(size) || size < 0)
            return this.close(
              new Error(`malformed chunked encoding (size line ${JSON.stringify(line)})`),
            );
          b = b.subarray(le + 2);
          if (size === 0) ex.mode = 'trailer';
          else {
            ex.mode = 'chunk-data';
            ex.left = size;
          }
          continue;
        }
        case 'chunk-data': {
          const n = Math.min(ex.left, b.length);
          if (!this.take(ex, b.subarray(0, n))) return;
          ex.left -= n;
          b = b.subarray(n);
          if (ex.left === 0) ex.mode = 'chunk-crlf';
          continue;
        }
        case 'chunk-crlf': {
          if (b.length < 2) {
            ex.carry = b;
            return;
          }
          if (b[0] !== 13 || b[1] !== 10)
            return this.close(new Error('malformed chunked encoding'));
          b = b.subarray(2);
          ex.mode = 'chunk-size';
          continue;
        }
        case 'trailer': {
          // Trailer lines (ignored) up to an empty line.
          if (b.length >= 2 && b[0] === 13 && b[1] === 10) return this.finish(ex);
          const te = b.indexOf(HEAD_END);
          if (te < 0) {
            ex.carry = b;
            return;
          }
          return this.finish(ex);
        }
      }
    }
  }

  /** Parses a header block; false when the response is malformed (the exchange failed). */
  private head(ex: Exchange, text: string): boolean {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]!);
    if (m === null) {
      this.close(new Error(`malformed HTTP response ${JSON.stringify(lines[0]!.slice(0, 40))}`));
      return false;
    }
    const status = Number(m[2]);
    if (status >= 100 && status < 200) return true;
    const headers: IncomingHttpHeaders = {};
    for (let i = 1; i < lines.length; i++) {
      const l = lines[i]!;
      const c = l.indexOf(':');
      if (c <= 0) continue;
      const n = l.slice(0, c).trim().toLowerCase();
      const v = l.slice(c + 1).trim();
      if (n === 'set-cookie') (headers['set-cookie'] ??= []).push(v);
      else {
        const prev = headers[n];
        headers[n] = prev === undefined ? v : `${prev as string}, ${v}`;
      }
    }
    ex.status = status;
    ex.headers = headers;
    const conn = String(headers['connection'] ?? '').toLowerCase();
    ex.keepAlive = m[1] === '1' ? !conn.includes('close') : conn.includes('keep-alive');
    const te = String(headers['transfer-encoding'] ?? '').toLowerCase();
    if (status === 204 || status === 304) {
      ex.mode = 'length';
      ex.left = 0;
    } else if (te.includes('chunked')) ex.mode = 'chunk-size';
    else if (headers['content-length'] !== undefined) {
      ex.mode = 'length';
      ex.left = Number(headers['content-length']);
      if (!Number.isSafeInteger(ex.left) || ex.left < 0) {
        this.close(
          new Error(`malformed Content-Length ${JSON.stringify(headers['content-length'])}`),
        );
        return false;
      }
    } else {
      ex.mode = 'eof';
      ex.keepAlive = false;
    }
    return true;
  }

  /** Adds body bytes; false when that passes the size limit (the exchange failed). */
  private take(ex: Exchange, b: Buffer): boolean {
    ex.size += b.length;
    if (ex.maxBody > 0 && ex.size > ex.maxBody) {
      this.close(new Error(`body size limit exceeded (${ex.maxBody} bytes)`));
      return false;
    }
    // The socket's buffer is not reused by node once handed out, so a view is safe to keep.
    ex.parts.push(b);
    return true;
  }

  private finish(ex: Exchange): void {
    const body = ex.parts.length === 1 ? ex.parts[0]! : Buffer.concat(ex.parts, ex.size);
    ex.resolve({ status: ex.status, headers: ex.headers!, body });
    if (!ex.keepAlive) this.close();
  }
}
