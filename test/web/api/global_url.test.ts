// globalUrl in /api/v1/targets: how other machines reach a target discovered as localhost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globalURL } from '../../../src/web/api/v1/global_url.ts';

test('globalUrl: our own port becomes the external URL, other localhost ports keep their port', () => {
  const ext = new URL('https://prom.example.com/');
  assert.equal(
    globalURL('http://localhost:9090/metrics', ext, '0.0.0.0:9090'),
    'https://prom.example.com/metrics',
  );
  assert.equal(
    globalURL('http://127.0.0.1:9100/metrics?x=1', ext, '0.0.0.0:9090'),
    'http://prom.example.com:9100/metrics?x=1',
  );
  assert.equal(
    globalURL('http://[::1]:9100/metrics', ext, ':9090'),
    'http://prom.example.com:9100/metrics',
  );
  assert.equal(
    globalURL('http://localhost/metrics', new URL('http://vm:9090/'), ':9090'),
    'http://vm/metrics',
  );
  assert.equal(
    globalURL('http://node-exporter:9100/metrics', ext, ':9090'),
    'http://node-exporter:9100/metrics',
    'other hosts are left alone',
  );
});
