// The scrape loops' kept-alive GET client against node's server and against hand-written raw
// responses: framing (Content-Length, chunked split anywhere, until close, 1xx, 204), connection
// reuse and the retry when a kept-alive connection was closed under it, limits and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { KeepAliveGetter } from '../../src/httpclient/index.ts';
import { freePort } from '../support/peers.ts';

async function listen<
  S extends ReturnType<typeof createHttpServer> | ReturnType<typeof createNetServer>,
>(server: S): Promise<{ url: URL; close: () => void; connections: () => number }> {
  let n = 0;
  const socks = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    n++;
    socks.add(s);
    s.on('close', () => socks.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: new URL(`http://127.0.0.1:${port}/metrics?x=1`),
    connections: () => n,
    close: () => {
      for (const s of socks) s.destroy();
      server.close();
    },
  };
}

/** A raw server answering each request (by its number on the connection) with the pieces given, 10 ms apart. */
function raw(answer: (reqNo: number, s: Socket) => (string | null)[]) {
  return createNetServer((s) => {
    let k = 0;
    let buf = '';
    s.on('data', async (d) => {
      buf += d.toString('latin1');
      while (buf.includes('\r\n\r\n')) {
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        for (const piece of answer(k++, s)) {
          if (piece === null) {
            s.destroy();
            return;
          }
          s.write(piece);
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    });
  });
}

const far = () => Date.now() + 5000;

test('Content-Length bodies over one kept-alive connection; the request carries Host, path, query and headers', async (t) => {
  const seen: string[] = [];
  const s = await listen(
    createHttpServer((req, res) => {
      seen.push(`${req.url} ${req.headers.host} ${req.headers.accept}`);
      res.end(`body ${seen.length}`);
    }),
  );
  const g = new KeepAliveGetter();
  t.after(() => {
    g.close();
    s.close();
  });
  for (let i = 1; i <= 3; i++) {
    const r = await g.get(s.url, { Accept: 'text/plain' }, far(), 0);
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), `body ${i}`);
  }
  assert.equal(s.connections(), 1);
  assert.deepEqual(seen[0], `/metrics?x=1 ${s.url.host} text/plain`);
});

test('chunked bodies split anywhere across reads, with trailers; headers split too', async (t) => {
  const s = await listen(
    raw(() => [
      'HTTP/1.1 200 OK\r\nTransfer-Enc',
      'oding: chunked\r\nX-A: 1\r\nX-A: 2\r\n\r\n',
      '5\r\nhel',
      'lo\r',
      '\n',
      '1',
      '0;ext=1\r\n',
      '0123456789abcdef\r\n',
      '0\r\nX-T: y\r\n',
      '\r\n',
    ]),
  );
  const g = new KeepAliveGetter();
  t.after(() => {
    g.close();
    s.close();
  });
  const r = await g.get(s.url, {}, far(), 0);
  assert.equal(r.body.toString(), 'hello0123456789abcdef');
  assert.equal(r.headers['x-a'], '1, 2');
  // The connection is still good for the next request.
  assert.equal((await g.get(s.url, {}, far(), 0)).body.toString(), 'hello0123456789abcdef');
  assert.equal(s.connections(), 1);
});

test('a body without length ends with the connection; 1xx is skipped; 204 has no body', async (t) => {
  let requests = 0;
  const s = await listen(
    raw(() => {
      if (requests++ === 0)
        return ['HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil', ' close', null];
      return ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'];
    }),
  );
  const g = new KeepAliveGetter();
  t.after(() => {
    g.close();
    s.close();
  });
  const r = await g.get(s.url, {}, far(), 0);
  assert.equal(r.body.toString(), 'until close');
  assert.equal(r.headers['content-type'], 'text/plain');
  const r2 = await g.get(s.url, {}, far(), 0);
  assert.equal(r2.status, 204);
  assert.equal(r2.body.length, 0);
});

test('a kept-alive connection the server dropped without answering is retried once on a fresh one', async (t) => {
  const s = await listen(
    raw((k) => (k === 0 ? ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'] : [null])),
  );
  const g = new KeepAliveGetter();
  t.after(() => {
    g.close();
    s.close();
  });
  assert.equal((await g.get(s.url, {}, far(), 0)).body.toString(), 'ok');
  assert.equal((await g.get(s.url, {}, far(), 0)).body.toString(), 'ok'); // first answer on a new connection
  assert.equal(s.connections(), 2);
});

test('a fresh connection closed before answering, a cut body, the deadline, the body limit, a refused connection', async (t) => {
  const s = await listen(
    raw((k, sock) => {
      void sock;
      if (k === 0 && s0.mode === 'close') return [null];
      if (s0.mode === 'cut') return ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', null];
      if (s0.mode === 'slow') return ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'];
      return ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789'];
    }),
  );
  const s0 = { mode: 'close' };
  const g = new KeepAliveGetter();
  t.after(() => {
    g.close();
    s.close();
  });
  await assert.rejects(g.get(s.url, {}, far(), 0), /EOF/);
  s0.mode = 'cut';
  await assert.rejects(g.get(s.url, {}, far(), 0), /unexpected EOF/);
  s0.mode = 'slow';
  await assert.rejects(g.get(s.url, {}, Date.now() + 100, 0), /context deadline exceeded/);
  s0.mode = 'full';
  await assert.rejects(g.get(s.url, {}, far(), 5), /body size limit exceeded \(5 bytes\)/);
  assert.equal((await g.get(s.url, {}, far(), 10)).body.toString(), '0123456789');
  const port = await freePort();
  await assert.rejects(
    g.get(new URL(`http://127.0.0.1:${port}/`), {}, far(), 0),
    (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED',
  );
});

test('close() fails the GET in flight', async (t) => {
  const s = await listen(raw(() => ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n']));
  const g = new KeepAliveGetter();
  t.after(() => s.close());
  const p = g.get(s.url, {}, far(), 0);
  setTimeout(() => g.close(new Error('stopped')), 50);
  await assert.rejects(p, /stopped/);
});
