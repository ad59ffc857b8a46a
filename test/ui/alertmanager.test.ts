// Headless Chromium on the embedded Alertmanager's pages (prometheus-ts
// --alertmanager.config.file): alert groups with a filter, silencing an alert from its group with
// a preview of what the silence matches, the silences list, expiring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { peer, tempDir } from '../support/peers.js';
import { startOurServer } from '../support/server.js';
import { buildUIIfStale } from '../support/ui_build.js';
import { startAlertmanagerTs } from '../alertmanager/am_peers.js';

test(
  'UI: the Alertmanager pages against the embedded Alertmanager',
  { timeout: 120_000 },
  async (t) => {
    const chromium = peer('chromium', t);
    if (chromium === null) return;
    await buildUIIfStale();
    const tmp = tempDir('ui-am-');
    t.after(tmp.cleanup);
    writeFileSync(
      join(tmp.dir, 'alertmanager.yml'),
      'route:\n  receiver: r\n  group_by: [alertname]\n  group_wait: 1h\nreceivers:\n  - name: r\n',
    );
    const prom = await startOurServer(
      'global:\n  scrape_interval: 1h\n',
      [`--alertmanager.config.file=${join(tmp.dir, 'alertmanager.yml')}`],
      { dir: tmp.dir },
    );
    t.after(() => prom.stop());
    const now = Date.now();
    const r = await fetch(`${prom.url}/alertmanager/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([
        {
          labels: { alertname: 'ContainerDown', severity: 'critical', instance: 'api:8000' },
          annotations: { summary: 'api is down' },
          startsAt: new Date(now - 60_000).toISOString(),
        },
        {
          labels: { alertname: 'ContainerDown', severity: 'critical', instance: 'db:5432' },
          startsAt: new Date(now - 60_000).toISOString(),
        },
        {
          labels: { alertname: 'HighCPU', severity: 'warning', instance: 'web:80' },
          startsAt: new Date(now - 60_000).toISOString(),
        },
      ]),
    });
    assert.equal(r.status, 200);
    const { chromium: pw } = await import('playwright-core');
    const browser = await pw.launch({
      executablePath: chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    t.after(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await page.goto(`${prom.url}/graph`);
    await page.getByRole('link', { name: 'Alertmanager' }).click();
    await page.locator('[data-testid=am-group]').first().waitFor();
    assert.equal(await page.locator('[data-testid=am-group]').count(), 2);
    assert.equal(await page.locator('[data-testid=am-alert]').count(), 3);
    const out = join(import.meta.dirname, '../../test-output/ui');
    mkdirSync(out, { recursive: true });
    await page.screenshot({ path: join(out, 'alertmanager-groups.png') });
    // The filter takes Alertmanager's matcher syntax.
    await page.locator('[data-testid=am-filter]').fill('severity="critical", instance=~"api.*"');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=am-alert]').length === 1,
    );
    assert.match(await page.locator('[data-testid=am-alert]').innerText(), /api is down/);

    // Silence it from its group: the form is filled with its labels, the preview shows it.
    await page.getByRole('button', { name: 'Silence' }).click();
    await page.locator('[data-testid=am-preview]').getByText('Affected alerts: 1').waitFor();
    assert.match(
      await page.locator('[data-testid=am-matchers]').inputValue(),
      /instance="api:8000"/,
    );
    // Widening the matchers widens the preview.
    await page.locator('[data-testid=am-matchers]').fill('alertname="ContainerDown"');
    await page.locator('[data-testid=am-preview]').getByText('Affected alerts: 2').waitFor();
    await page.locator('[data-testid=am-created-by]').fill('ops');
    await page.locator('[data-testid=am-comment]').fill('maintenance <b>window</b>');
    await page.screenshot({ path: join(out, 'alertmanager-new-silence.png') });
    await page.locator('[data-testid=am-create]').click();
    await page.locator('[data-testid=am-created]').waitFor();
    const sils = (await (await fetch(`${prom.url}/alertmanager/api/v2/silences`)).json()) as {
      id: string;
      comment: string;
      matchers: { name: string; value: string }[];
    }[];
    assert.deepEqual(
      sils.map((s) => [s.comment, s.matchers.map((m) => `${m.name}=${m.value}`)]),
      [['maintenance <b>window</b>', ['alertname=ContainerDown']]],
    );

    // Silenced alerts leave the groups unless asked for.
    await page.locator('.am-tabs').getByRole('link', { name: 'Alerts' }).click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=am-alert]').length === 1,
    );
    await page.locator('[data-testid=am-show-silenced]').check();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=am-alert]').length === 3,
    );

    // The silences list, and expiring.
    await page.locator('.am-tabs').getByRole('link', { name: 'Silences', exact: true }).click();
    await page.locator('[data-testid=am-silence]').waitFor();
    assert.match(
      await page.locator('[data-testid=am-silence]').innerText(),
      /alertname="ContainerDown"[\s\S]*ops · maintenance <b>window<\/b>/,
    );
    await page.locator('[data-testid=am-expire]').click();
    await page.locator('[data-testid=am-state-expired]').getByText('Expired (1)').waitFor();
    const after = (await (await fetch(`${prom.url}/alertmanager/api/v2/silences`)).json()) as {
      status: { state: string };
    }[];
    assert.deepEqual(
      after.map((s) => s.status.state),
      ['expired'],
    );
    assert.deepEqual(errors, []);
  },
);

test(
  'UI: alertmanager-ts serves the Alertmanager pages alone, under its route prefix',
  { timeout: 120_000 },
  async (t) => {
    const chromium = peer('chromium', t);
    if (chromium === null) return;
    await buildUIIfStale();
    const am = await startAlertmanagerTs(
      'route:\n  receiver: r\n  group_wait: 1h\nreceivers:\n  - name: r\n',
      { args: ['--web.route-prefix=/am-ts'], readyPath: '/am-ts/-/ready' },
    );
    t.after(() => am.stop());
    await fetch(`${am.url}/am-ts/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'Standalone', instance: 'x' } }]),
    });
    const { chromium: pw } = await import('playwright-core');
    const browser = await pw.launch({
      executablePath: chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    t.after(() => browser.close());
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(`${am.url}/am-ts/`);
    await page.locator('[data-testid=am-alert]').first().waitFor();
    assert.match(
      await page.locator('[data-testid=am-alert]').innerText(),
      /alertname="Standalone"/,
    );
    assert.equal(await page.title(), 'Alertmanager');
    assert.equal(
      await page.getByRole('link', { name: 'Graph' }).count(),
      0,
      'no Prometheus pages around it',
    );
    await page.locator('.am-tabs').getByRole('link', { name: 'Silences', exact: true }).click();
    await page.locator('[data-testid=am-state-active]').waitFor();
    assert.ok(
      requests.every((p) => p.startsWith('/am-ts/')),
      requests.join(' '),
    );
    assert.ok(requests.includes('/am-ts/api/v2/silences'));
    assert.deepEqual(errors, []);
  },
);
