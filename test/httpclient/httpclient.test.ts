// The HTTP client's deadline covers the whole exchange (as Go's http.Client.Timeout): a server
// that keeps sending, slowly, is cut off; a response within the deadline leaves no timer behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { doRequest } from '../../src/httpclient/index.ts';

async function listen(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; close: () => void }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

test('timeoutMs is a deadline for the whole body, not an idle timeout', async (t) => {
  const s = await listen((_req, res) => {
    res.writeHead(200);
    const iv = setInterval(() => res.write('x\n'), 20); // never idle for long, never done
    res.on('close', () => clearInterval(iv));
  });
  t.after(s.close);
  await assert.rejects(doRequest(s.url, { timeoutMs: 200 }), /context deadline exceeded/);
});

test('a response within the deadline: body, status and headers', async (t) => {
  const s = await listen((_req, res) => res.writeHead(201, { 'X-A': 'b' }).end('hello'));
  t.after(s.close);
  const r = await doRequest(s.url, { timeoutMs: 5000 });
  assert.equal(r.status, 201);
  assert.equal(r.headers['x-a'], 'b');
  assert.equal(r.body.toString(), 'hello');
});

test('the deadline spans redirects', async (t) => {
  const s = await listen((req, res) => {
    if (req.url === '/') res.writeHead(302, { Location: '/slow' }).end();
    else setTimeout(() => res.end('late'), 300);
  });
  t.after(s.close);
  await assert.rejects(doRequest(s.url, { timeoutMs: 150 }), /context deadline exceeded/);
});
