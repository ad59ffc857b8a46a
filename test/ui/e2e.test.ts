/// <reference lib="dom" />
// Headless Chromium drives the UI twice: served by a tiny proxy in front of the real Prometheus
// (proving the UI speaks only /api/v1), and served by this server itself under
// --web.route-prefix; the same pages must work against both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peer, PEERS, freePort, tempDir, startRealPrometheus } from '../support/peers.js';
import { startOurServer, type OurServer } from '../support/server.js';
import { buildUIIfStale } from '../support/ui_build.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist/ui');
const OUT = join(ROOT, 'test-output/ui');
const PREFIX = '/prom';
const EVIL = '<img src=x onerror=alert(1)>';

const buildIfStale = buildUIIfStale;

const MIME: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html',
  '.svg': 'image/svg+xml',
};

function startProxy(port: number, upstream: string): http.Server {
  // As this server serves the page: the prefix filled in and assets named from it, so a page
  // opened at a sub-path (/graph/, /targets/x) finds them.
  const html = readFileSync(join(DIST, 'index.html'), 'utf8')
    .replace('PATH_PREFIX_PLACEHOLDER', PREFIX)
    .replaceAll('="./assets/', `="${PREFIX}/assets/`);
  const srv = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith(`${PREFIX}/api/v1/`) || url === `${PREFIX}/metrics`) {
      const headers = { ...req.headers };
      delete headers.host;
      const up = http.request(
        upstream + url.slice(PREFIX.length),
        { method: req.method, headers },
        (ur) => {
          res.writeHead(ur.statusCode ?? 502, ur.headers);
          ur.pipe(res);
        },
      );
      req.pipe(up);
      return;
    }
    if (url.startsWith(`${PREFIX}/assets/`)) {
      const f = join(
        DIST,
        'assets',
        url.slice(`${PREFIX}/assets/`.length).split('?')[0]!.replace(/\.\./g, ''),
      );
      if (existsSync(f)) {
        res.writeHead(200, { 'Content-Type': MIME[extname(f)] ?? 'application/octet-stream' });
        res.end(readFileSync(f));
        return;
      }
    }
    if (url.startsWith(PREFIX)) {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(html);
      return;
    }
    res.writeHead(404);
    res.end('not under prefix');
  });
  srv.listen(port, '127.0.0.1');
  return srv;
}

let prom: Awaited<ReturnType<typeof startRealPrometheus>> | null = null;
let proxy: http.Server | null = null;
let exporter: http.Server | null = null;
let base = '';
let ours: OurServer | null = null;
let oursBase = '';
let cleanupTmp: (() => void) | null = null;
let deadPort = 0;

before(async () => {
  if (!existsSync(PEERS.chromium) || !existsSync(PEERS.prometheus)) return;
  await buildIfStale();
  mkdirSync(OUT, { recursive: true });
  const tmp = tempDir('ui-e2e-');
  cleanupTmp = tmp.cleanup;
  writeFileSync(
    join(tmp.dir, 'rules.yml'),
    `groups:
- name: ui
  rules:
  - alert: AlwaysFiring
    expr: vector(1) > 0
    labels: {severity: page}
    annotations: {summary: "always <b>on</b>", description: ${JSON.stringify(EVIL)}}
  - alert: SlowToFire
    expr: vector(2) > 0
    for: 10m
`,
  );
  const expPort = await freePort();
  exporter = http
    .createServer((_req, res) => {
      res.end(`# TYPE evil_metric gauge\nevil_metric{label=${JSON.stringify(EVIL)}} 42\n`);
    })
    .listen(expPort, '127.0.0.1');
  deadPort = await freePort();
  const cfg = `global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [${JSON.stringify(join(tmp.dir, 'rules.yml'))}]
alerting:
  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:${deadPort}']}]}]
scrape_configs:
- job_name: prometheus
  static_configs: [{targets: ['PLACEHOLDER']}]
- job_name: evil
  static_configs: [{targets: ['127.0.0.1:${expPort}'], labels: {evil: ${JSON.stringify(EVIL)}}}]
- job_name: dead
  static_configs: [{targets: ['127.0.0.1:${deadPort}']}]
- job_name: dropped
  static_configs: [{targets: ['127.0.0.1:${deadPort}']}]
  relabel_configs: [{action: drop, source_labels: [job], regex: dropped}]
`.replace('PLACEHOLDER', '127.0.0.1:9');
  prom = await startRealPrometheus(cfg);
  const oport = await freePort();
  ours = await startOurServer(
    cfg,
    [`--web.route-prefix=${PREFIX}`, `--web.external-url=http://127.0.0.1:${oport}${PREFIX}`],
    { port: oport, waitReady: false },
  );
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${ours.url}${PREFIX}/-/ready`)).status === 200) break;
    } catch {
      // starting
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  oursBase = `${ours.url}${PREFIX}`;
  const pport = await freePort();
  proxy = startProxy(pport, prom.url);
  base = `http://127.0.0.1:${pport}${PREFIX}`;
  // Let a few scrapes and rule evaluations happen.
  for (const api of [prom.url, `${oursBase}`]) {
    for (let i = 0; i < 100; i++) {
      const r = (await (await fetch(`${api}/api/v1/query?query=evil_metric`)).json()) as {
        data: { result: unknown[] };
      };
      const a = (await (await fetch(`${api}/api/v1/alerts`)).json()) as {
        data: { alerts: unknown[] };
      };
      if (r.data.result.length > 0 && a.data.alerts.length > 0) break;
      await new Promise((res) => setTimeout(res, 200));
    }
  }
});

after(async () => {
  proxy?.close();
  exporter?.close();
  await prom?.stop();
  await ours?.stop();
  cleanupTmp?.();
});

async function pages(
  t: import('node:test').TestContext,
  base: string,
  OUT: string,
  realPrometheus?: string,
): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const chromium = peer('chromium', t);
  if (!chromium || !peer('prometheus', t)) return;
  const { chromium: pw } = await import('playwright-core');
  const browser = await pw.launch({
    executablePath: chromium,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(10_000);
  const logs: string[] = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  t.after(() => {
    if (logs.length) console.log(logs.join('\n'));
  });
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const badRequests: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(base)) badRequests.push(r.url());
  });

  await t.test('query table via a Prometheus link', async () => {
    await page.goto(`${base}/graph?g0.expr=${encodeURIComponent('up')}&g0.tab=1`);
    await page.locator('[data-testid=result-table] tr').first().waitFor();
    assert.equal(await page.locator('.cm-content').innerText(), 'up');
    assert.equal(await page.locator('[data-testid=result-table] tr').count(), 3);
    assert.match(await page.locator('[data-testid=stats]').innerText(), /Result series: 3/);
    await page.screenshot({ path: join(OUT, 'graph-table.png') });
    const nav = await page.evaluate(() =>
      JSON.stringify(
        performance.getEntriesByType('navigation').map((e) => {
          const n = e as PerformanceNavigationTiming;
          return {
            domContentLoaded: Math.round(n.domContentLoadedEventEnd),
            load: Math.round(n.loadEventEnd),
            transfer: n.transferSize,
          };
        }),
      ),
    );
    console.log(`navigation timing (ms since navigation start): ${nav}`);
  });

  await t.test(
    'table: scalars, strings, matrices and errors as Prometheus shows them',
    async () => {
      const q = (i: number, e: string) => `g${i}.expr=${encodeURIComponent(e)}&g${i}.tab=1`;
      await page.goto(
        `${base}/graph?${q(0, 'scalar(vector(3))')}&${q(1, '"hi"')}&${q(2, 'up{job="evil"}[3s]')}&${q(3, 'sum(')}`,
      );
      const panels = page.locator('[data-testid=panel]');
      await panels.nth(3).locator('[data-testid=query-error]').waitFor();
      assert.equal(
        await panels.nth(0).locator('[data-testid=result-table]').innerText(),
        'scalar\t3',
      );
      assert.equal(
        await panels.nth(1).locator('[data-testid=result-table]').innerText(),
        'string\thi',
      );
      assert.match(
        await panels.nth(2).locator('[data-testid=result-table]').innerText(),
        /^up\{evil=[\s\S]*\t\n?1 @\d+/,
      );
      assert.match(
        await panels.nth(3).locator('[data-testid=query-error]').innerText(),
        /^Error executing query: .*unclosed left parenthesis|^Error executing query: .*unexpected end of input/,
      );
      if (!realPrometheus) {
        // Format expression (GET /api/v1/format_query, which Debian's 2.42 lacks).
        await page.goto(`${base}/graph?${q(0, 'sum(up)by(job)')}`);
        await page.locator('[data-testid=format]').click();
        await page.locator('.cm-content', { hasText: 'sum by (job) (up)' }).waitFor();
        // Query warnings (PromQL annotations are 2.48's; Debian's 2.42 has none for this query).
        await page.goto(`${base}/graph?${q(0, 'histogram_quantile(0.9, up)')}`);
        assert.match(
          await page.locator('[data-testid=panel] .warning').first().innerText(),
          /^Warning: PromQL warning: bucket label "le" is missing/,
        );
      }
      // Half an hour back from now, evil_metric did not exist yet: the evaluation time moves, the URL keeps it.
      await page.goto(`${base}/graph?${q(0, 'evil_metric')}`);
      await page.locator('[data-testid=result-table]').waitFor();
      await page.getByRole('button', { name: 'Earlier' }).click();
      await page.waitForURL(/g0\.moment_input=/);
      await page.locator('[data-testid=empty-result]').waitFor();
    },
  );

  await t.test('evil label value shown as text, never executed', async () => {
    await page.goto(`${base}/graph?g0.expr=evil_metric&g0.tab=1`);
    await page.locator('[data-testid=result-table] tr').first().waitFor();
    const txt = await page.locator('[data-testid=result-table]').innerText();
    assert.ok(txt.includes(EVIL), txt);
    assert.equal(await page.locator('[data-testid=result-table] img').count(), 0);
  });

  await t.test('typing a query and Enter executes; graph tab draws', async () => {
    await page.goto(`${base}/graph`);
    await page.locator('.cm-content').click();
    await page.keyboard.type('count_over_time(up[10s])');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await page.waitForURL(/g0\.expr=count_over_time/);
    await page.locator('[data-testid=result-table]').waitFor();
    await page.getByRole('button', { name: 'Graph', exact: true }).click();
    await page.locator('input[value="1h"]').fill('1m');
    await page.locator('input[value="1h"]').blur();
    await page.locator('[data-testid=graph] canvas').first().waitFor();
    // The canvas gets its size once the plot has laid out.
    let box = await page.locator('[data-testid=graph] canvas').first().boundingBox();
    for (let i = 0; i < 50 && !(box && box.width > 100 && box.height > 100); i++) {
      await new Promise((r) => setTimeout(r, 100));
      box = await page.locator('[data-testid=graph] canvas').first().boundingBox();
    }
    assert.ok(box && box.width > 100 && box.height > 100);
    assert.match(page.url(), /g0\.tab=0/);
    await page.screenshot({ path: join(OUT, 'graph.png') });
  });

  await t.test(
    'editor: completion accepted by Enter, Shift+Enter a newline, Enter executes, lint marks errors',
    async () => {
      await page.goto(`${base}/graph`);
      await page.locator('.cm-content').click();
      await page.keyboard.type('evil_metr');
      await page.locator('.cm-tooltip-autocomplete').getByText('evil_metric').first().waitFor();
      await page.waitForTimeout(150); // the list takes no input in the first 75ms after it opens
      await page.keyboard.press('Enter');
      assert.equal(await page.locator('.cm-content').innerText(), 'evil_metric');
      assert.doesNotMatch(page.url(), /g0\.expr=evil/, 'accepting a completion does not execute');
      await page.keyboard.type('{');
      await page
        .locator('.cm-tooltip-autocomplete')
        .getByText('evil', { exact: true })
        .first()
        .waitFor();
      await page.keyboard.type('label="');
      await page.locator('.cm-tooltip-autocomplete').getByText(EVIL).first().waitFor(); // a label value, as text
      await page.keyboard.press('Escape');
      await page.keyboard.press('End');
      await page.keyboard.type(' + rat');
      await page
        .locator('.cm-tooltip-autocomplete')
        .getByText('rate', { exact: true })
        .first()
        .waitFor();
      await page.keyboard.press('Escape');
      await page.keyboard.press('End');
      await page.keyboard.press('Shift+Enter');
      assert.equal(await page.locator('.cm-line').count(), 2);
      await page.keyboard.type(' + sum(');
      await page.locator('.cm-lint-marker-error, .cm-lintRange-error').first().waitFor();
      await page.keyboard.press('Control+a');
      await page.keyboard.type('vector(5)');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Enter');
      await page.waitForURL(/g0\.expr=vector\(5\)/);
      assert.match(await page.locator('[data-testid=result-table]').innerText(), /5/);
    },
  );

  await t.test('graph: hover values, legend toggles, drag zooms, end time moves', async () => {
    await page.goto(`${base}/graph?g0.expr=up&g0.tab=0&g0.range_input=1m`);
    const over = page.locator('[data-testid=graph] .u-over');
    await over.waitFor();
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width - 20, box.y + box.height / 2);
    await page.locator('[data-testid=tooltip]').waitFor();
    assert.match(await page.locator('[data-testid=tooltip]').innerText(), /job="/);
    const legend = page.locator('[data-testid=legend] li');
    await legend.first().click();
    assert.deepEqual(
      await legend.evaluateAll((ls) => ls.map((l) => l.classList.contains('off'))),
      [false, true, true],
      'a click shows only that series',
    );
    await legend.nth(1).click({ modifiers: ['Control'] });
    assert.deepEqual(
      await legend.evaluateAll((ls) => ls.map((l) => l.classList.contains('off'))),
      [false, false, true],
      'Ctrl+click adds one',
    );
    await page.mouse.move(box.x + box.width * 0.5, box.y + 40);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.9, box.y + 40, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL(/g0\.end_input=/);
    const range = new URL(page.url()).searchParams.get('g0.range_input') ?? '';
    assert.match(range, /^\d+s$/, `zoomed into part of the minute: ${range}`);
    const end = new URL(page.url()).searchParams.get('g0.end_input');
    await page.getByRole('button', { name: 'Earlier' }).click();
    await page.waitForURL((u) => u.searchParams.get('g0.end_input') !== end);
    if (realPrometheus) {
      // The reverse link: our URL opens the same view in Prometheus's own (classic, in Debian's 2.42) graph page.
      const ours = new URL(page.url()).searchParams;
      const real = await browser.newPage();
      await real.goto(`${realPrometheus}/classic/graph?${ours}`);
      const field = (name: string) => real.locator(`[name=${name}]`).first().inputValue();
      assert.equal(await field('expr'), 'up');
      assert.equal(await field('range_input'), ours.get('g0.range_input'));
      assert.equal(
        await field('end_input'),
        ours.get('g0.end_input')!.slice(0, 16),
        'the classic page shows minutes',
      );
      await real.close();
    }
  });

  await t.test('several panels; metrics explorer inserts a metric name', async () => {
    await page.goto(`${base}/graph?g0.expr=up&g0.tab=1`);
    await page.locator('[data-testid=result-table]').waitFor();
    await page.locator('[data-testid=add-panel]').click();
    assert.equal(await page.locator('[data-testid=panel]').count(), 2);
    await page.locator('[data-testid=explorer-button]').nth(1).click();
    await page.locator('[data-testid=explorer] input').fill('evil_me');
    await page.locator('[data-testid=explorer]').getByText('evil_metric', { exact: true }).click();
    assert.equal(await page.locator('.cm-content').nth(1).innerText(), 'evil_metric');
    await page.locator('[data-testid=execute]').nth(1).click();
    await page.waitForURL(/g1\.expr=evil_metric/);
    assert.match(page.url(), /g0\.expr=up/);
    await page.goBack();
    await page.waitForURL(
      (u) => !u.searchParams.has('g1.expr') || u.searchParams.get('g1.expr') === '',
    );
    // Back returns to the panel before its query ran: an empty editor shows its placeholder.
    await page.locator('[data-testid=panel]').nth(1).locator('.cm-placeholder').waitFor();
  });

  await t.test(
    'targets page shows the down target with its error; filters and collapse',
    async () => {
      await page.goto(`${base}/targets`);
      await page.locator('[data-testid=target][data-health=down]').first().waitFor();
      assert.match(
        await page.locator('[data-testid=target-error]').first().innerText(),
        /connection refused/,
      );
      assert.match(
        await page.locator('[data-testid=pool]').filter({ hasText: 'evil' }).innerText(),
        /\(1\/1 up\)/,
      );
      assert.ok(
        (await page.locator('[data-testid=pool]').filter({ hasText: 'evil' }).innerText()).includes(
          EVIL,
        ),
      );
      await page.screenshot({ path: join(OUT, 'targets.png'), fullPage: true });
      await page.locator('[data-testid=unhealthy-only]').check();
      assert.equal(await page.locator('[data-testid=target][data-health=up]').count(), 0);
      await page.locator('[data-testid=unhealthy-only]').uncheck();
      await page.locator('[data-testid=target-search]').fill('job="evil"');
      assert.equal(await page.locator('[data-testid=pool]').count(), 1);
      await page.locator('[data-testid=pool] .panel-header').click();
      assert.equal(await page.locator('[data-testid=target]').count(), 0);
    },
  );

  await t.test(
    'alerts page: state counts, the firing alert expanded, filters and search',
    async () => {
      await page.goto(`${base}/alerts`);
      const rule = page.locator('[data-testid=alert-rule][data-state=firing]');
      await rule.waitFor();
      const bar = await page.locator('.toolbar').innerText();
      assert.match(bar, /inactive \(0\)/i);
      assert.match(bar, /pending \(1\)/i);
      assert.match(bar, /firing \(1\)/i);
      await rule.locator('.panel-header').click();
      const def = await rule.locator('[data-testid=rule-def]').innerText();
      assert.match(
        def,
        /^alert: AlwaysFiring\nexpr: vector\(1\) > 0\nlabels:\n  severity: page\nannotations:\n  description: <img/,
      );
      assert.match(def, /summary: always <b>on<\/b>/);
      assert.match(
        await rule.locator('[data-testid=active-alert]').innerText(),
        /alertname="AlwaysFiring"[\s\S]*firing[\s\S]*ago[\s\S]*1e\+00/i,
      );
      await page.screenshot({ path: join(OUT, 'alerts.png'), fullPage: true });
      const pending = page.locator('[data-testid=alert-rule][data-state=pending]');
      await pending.locator('.panel-header').click();
      assert.match(await pending.locator('[data-testid=rule-def]').innerText(), /\nfor: 10m$/);
      await page.locator('[data-testid=show-firing]').uncheck();
      assert.equal(await rule.count(), 0);
      await page.locator('[data-testid=show-firing]').check();
      await page.getByPlaceholder('Filter by name or labels').fill('slowto');
      assert.equal(await page.locator('[data-testid=alert-rule]').count(), 1);
      await page.getByPlaceholder('Filter by name or labels').fill('');
      await page.getByLabel('Show annotations').check();
      assert.ok(
        (await rule.locator('[data-testid=active-alert]').innerText()).includes(EVIL),
        'annotations of the active alert, as text',
      );
    },
  );

  await t.test(
    'navigation through the Status menu stays under the prefix; configuration copies',
    async () => {
      await page.goto(`${base}/graph`);
      await page.locator('[data-testid=status-menu]').click();
      await page.locator('.dropdown-menu').getByText('Configuration').click();
      await page.waitForURL(`${base}/config`);
      await page.locator('[data-testid=config]').waitFor();
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
      await page.locator('[data-testid=copy-config]').click();
      await page.getByText('✓ Copied').waitFor();
      assert.match(await page.evaluate(() => navigator.clipboard.readText()), /^global:\n/);
    },
  );

  await t.test('service discovery shows the dropped target as dropped', async () => {
    await page.goto(`${base}/service-discovery`);
    const pool = page.locator('[data-testid=sd-pool]').filter({ hasText: 'dropped' });
    await pool.waitFor();
    assert.match(await pool.innerText(), /0 \/ 1 active targets/);
    await pool.locator('[data-testid=dropped]').waitFor();
    await page.locator('[data-testid=sd-kind]').selectOption('dropped');
    assert.deepEqual(await page.locator('[data-testid=sd-pool] b').allInnerTexts(), ['dropped']);
    await page.locator('[data-testid=sd-kind]').selectOption('');
    await page.locator('[data-testid=sd-pool-select]').selectOption('evil');
    assert.equal(await page.locator('[data-testid=sd-pool]').count(), 1);
    await page.locator('[data-testid=sd-pool-select]').selectOption('');
    await page.locator('[data-testid=sd-search]').fill('job="dead"');
    assert.deepEqual(await page.locator('[data-testid=sd-pool] b').allInnerTexts(), ['dead']);
  });

  await t.test('an API failure shows its error', async () => {
    await page.route('**/api/v1/status/flags', (r) =>
      r.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({
          status: 'error',
          errorType: 'unavailable',
          error: 'flags are away',
        }),
      }),
    );
    await page.goto(`${base}/flags`);
    assert.match(await page.locator('[data-testid=api-error]').innerText(), /flags are away/);
    await page.unroute('**/api/v1/status/flags');
    // A response of an unexpected shape breaks only that page, with a message, not the whole UI.
    await page.route('**/api/v1/status/tsdb', (r) =>
      r.fulfill({
        status: 200,
        contentType: 'application/json',
        body: '{"status":"success","data":{}}',
      }),
    );
    await page.goto(`${base}/tsdb-status`);
    assert.match(
      await page.locator('[data-testid=page-error]').innerText(),
      /^Error rendering this page: /,
    );
    assert.equal(await page.locator('.navbar').count(), 1);
    await page.unroute('**/api/v1/status/tsdb');
  });

  await t.test('graph y axis: SI prefixes, the axis as wide as its labels', async () => {
    await page.goto(
      `${base}/graph?g0.expr=${encodeURIComponent('vector(1234567890) + time() * 0')}&g0.tab=0&g0.range_input=1m`,
    );
    const graph = page.locator('[data-testid=graph]');
    await graph.locator('canvas').waitFor();
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-testid=graph]') as HTMLElement | null)?.dataset.yLabels !==
        undefined,
    );
    const labels = (await graph.getAttribute('data-y-labels'))!.split(' ');
    assert.ok(
      labels.every((l) => /^-?\d+(\.\d+)?[kMGTPEZY]?$/.test(l)),
      labels.join(' '),
    );
    assert.ok(
      labels.some((l) => l.endsWith('G')),
      `a gigabyte-sized value reads in G: ${labels.join(' ')}`,
    );
  });

  await t.test('theme toggle redraws the chart in the new theme at once', async () => {
    await page.goto(`${base}/graph?g0.expr=up&g0.tab=0&g0.range_input=1m`);
    await page.locator('[data-testid=graph] canvas').waitFor();
    // Luminance of the solid pixels in the y-axis strip: the labels are --fg (dark on light, light on dark).
    const axisLum = (): Promise<{ min: number; max: number }> =>
      page.evaluate(() => {
        const c = document.querySelector('[data-testid=graph] canvas') as HTMLCanvasElement;
        const d = c.getContext('2d')!.getImageData(0, 0, 50, c.height).data;
        let min = 255;
        let max = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3]! < 220) continue;
          const l = 0.2126 * d[i]! + 0.7152 * d[i + 1]! + 0.0722 * d[i + 2]!;
          min = Math.min(min, l);
          max = Math.max(max, l);
        }
        return { min, max };
      });
    const start = await page.evaluate(() => document.documentElement.dataset.theme);
    const first = await axisLum();
    await page.locator('.theme-toggle').click();
    await page.waitForTimeout(300);
    const second = await axisLum();
    const [light, dark] = start === 'dark' ? [second, first] : [first, second];
    assert.ok(light.min < 60, `light theme: dark labels (${JSON.stringify(light)})`);
    assert.ok(
      dark.max > 180 && dark.min > 50,
      `dark theme: light labels, none left dark (${JSON.stringify(dark)})`,
    );
    await page.locator('.theme-toggle').click();
  });

  await t.test('pages opened at a sub-path load their assets', async () => {
    for (const path of ['/graph/', '/targets/x', '/alerts/']) {
      await page.goto(`${base}${path}`);
      await page.locator('.navbar').waitFor();
    }
  });

  await t.test("the editor offers and accepts only this server's functions", async () => {
    await page.goto(`${base}/graph`);
    await page.locator('.cm-content').click();
    await page.keyboard.type('sort_');
    const list = page.locator('.cm-tooltip-autocomplete');
    await list.getByText('sort_desc', { exact: true }).first().waitFor();
    assert.equal(
      await list.getByText('sort_by_label', { exact: true }).count(),
      0,
      'sort_by_label is Prometheus 3',
    );
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('info(up)');
    await page.keyboard.press('Escape');
    await page.locator('.cm-lintRange-error').first().waitFor();
  });

  await t.test('panels: duplicate, reorder, log scale in the URL', async () => {
    await page.goto(`${base}/graph?g0.expr=up&g0.tab=1&g1.expr=vector(2)&g1.tab=1`);
    const panels = page.locator('[data-testid=panel]');
    await panels.nth(1).locator('[data-testid=result-table]').waitFor();
    await panels.nth(0).locator('[data-testid=duplicate]').click();
    await page.waitForURL(/g2\.expr=vector/);
    assert.deepEqual(await panels.locator('.cm-content').allInnerTexts(), [
      'up',
      'up',
      'vector(2)',
    ]);
    await panels.nth(2).locator('[data-testid=move-up]').click();
    await page.waitForURL(/g1\.expr=vector/);
    assert.deepEqual(await panels.locator('.cm-content').allInnerTexts(), [
      'up',
      'vector(2)',
      'up',
    ]);
    assert.equal(await panels.nth(0).locator('[data-testid=move-up]').isDisabled(), true);
    await page.goto(`${base}/graph?g0.expr=up&g0.tab=0&g0.range_input=1m`);
    await page.locator('[data-testid=log-scale]').check();
    await page.waitForURL(/g0\.y_axis=log/);
    await page.locator('[data-testid=graph] canvas').waitFor();
  });

  await t.test('query history and favourites survive a reload', async () => {
    await page.goto(`${base}/graph`);
    await page.evaluate(() => {
      localStorage.removeItem('queryHistory');
      localStorage.removeItem('queryFavourites');
    });
    for (const q of ['vector(11)', 'vector(22)']) {
      await page.goto(`${base}/graph`);
      await page.locator('.cm-content').click();
      await page.keyboard.type(q);
      await page.keyboard.press('Escape');
      await page.keyboard.press('Enter');
      await page.waitForURL(
        new RegExp(`g0\\.expr=${encodeURIComponent(q).replace(/[()]/g, '\\$&')}`),
      );
    }
    await page.reload();
    await page.locator('[data-testid=history-button]').click();
    assert.deepEqual(await page.locator('[data-testid=history-item] a').allInnerTexts(), [
      'vector(22)',
      'vector(11)',
    ]);
    await page
      .locator('[data-testid=history-item]')
      .filter({ hasText: 'vector(11)' })
      .getByRole('button', { name: 'Star' })
      .click();
    assert.deepEqual(await page.locator('[data-testid=favourite] a').allInnerTexts(), [
      'vector(11)',
    ]);
    await page.locator('[data-testid=favourite] a').click();
    assert.equal(await page.locator('.cm-content').innerText(), 'vector(11)');
  });

  await t.test(
    'settings: local time on the table view, autocomplete off; kept across a reload',
    async () => {
      await page.goto(
        `${base}/graph?g0.expr=up&g0.tab=1&g0.moment_input=2023-11-20%2009%3A00%3A00`,
      );
      await page.locator('[data-testid=settings-menu]').click();
      await page.locator('[data-testid=setting-localTime]').check();
      await page.locator('[data-testid=setting-autocomplete]').uncheck();
      await page.reload();
      assert.match(
        await page.locator('[data-testid=moment-local]').innerText(),
        /^2023-11-20 \d\d:00:00 [+-]\d\d:\d\d$/,
      );
      await page.locator('.cm-content').click();
      await page.keyboard.press('End');
      await page.keyboard.type(' + rat');
      await page.waitForTimeout(400);
      assert.equal(
        await page.locator('.cm-tooltip-autocomplete').count(),
        0,
        'no completion while autocomplete is off',
      );
      await page.evaluate(() => localStorage.removeItem('settings'));
    },
  );

  await t.test('metrics explorer: type, help and labels of a metric', async () => {
    await page.goto(`${base}/graph`);
    await page.locator('[data-testid=explorer-button]').click();
    await page.locator('[data-testid=explorer] input').fill('evil_metric');
    const row = page
      .locator('[data-testid=explorer-metric]')
      .filter({ hasText: 'evil_metric' })
      .first();
    await row.getByText('gauge').waitFor();
    await row.locator('td').nth(1).click();
    assert.match(
      await row.locator('[data-testid=explorer-labels]').innerText(),
      /Labels: .*\blabel\b/,
    );
    await page.keyboard.press('Escape');
  });

  await t.test('targets: pool and health selectors', async () => {
    await page.goto(`${base}/targets`);
    await page.locator('[data-testid=pool]').first().waitFor();
    await page.locator('[data-testid=pool-select]').selectOption('evil');
    assert.equal(await page.locator('[data-testid=pool]').count(), 1);
    await page.locator('[data-testid=pool-select]').selectOption('');
    await page.locator('[data-testid=health-select]').selectOption('down');
    assert.ok((await page.locator('[data-testid=target]').count()) >= 1);
    assert.equal(await page.locator('[data-testid=target][data-health=up]').count(), 0);
  });

  await t.test('rules: filters by type, state and name', async () => {
    await page.goto(`${base}/rules`);
    await page.locator('[data-testid=rule]').first().waitFor();
    const all = await page.locator('[data-testid=rule]').count();
    await page.locator('[data-testid=rule-state]').selectOption('firing');
    assert.equal(await page.locator('[data-testid=rule]').count(), 1);
    assert.match(await page.locator('[data-testid=rule]').innerText(), /AlwaysFiring/);
    await page.locator('[data-testid=rule-state]').selectOption('');
    await page.locator('[data-testid=rule-search]').fill('slowto');
    assert.equal(await page.locator('[data-testid=rule]').count(), 1);
    await page.locator('[data-testid=rule-search]').fill('');
    await page.locator('[data-testid=rule-type]').selectOption('recording');
    assert.equal(await page.locator('[data-testid=rule]').count(), 0);
    assert.ok(all >= 2);
  });

  await t.test('a starting server shows its WAL replay progress, then the page', async () => {
    await page.route('**/-/ready', (r) => r.fulfill({ status: 503, body: 'Service Unavailable' }));
    await page.route('**/api/v1/status/walreplay', (r) =>
      r.fulfill({
        status: 200,
        contentType: 'application/json',
        body: '{"status":"success","data":{"min":0,"max":4,"current":2}}',
      }),
    );
    await page.goto(`${base}/graph`);
    assert.match(
      await page.locator('[data-testid=replay-progress]').innerText(),
      /WAL segment 2 of 0–4 \(40%\)/,
    );
    await page.unroute('**/-/ready');
    await page.unroute('**/api/v1/status/walreplay');
    await page.locator('[data-testid=panel]').waitFor();
  });

  await t.test(
    'explain: the expression as a tree with what each node does and, from the trace, what it costs',
    async () => {
      await page.goto(
        `${base}/graph?g0.expr=${encodeURIComponent('sum by (job) (rate(up[1m])) > 0')}&g0.tab=explain`,
      );
      if (realPrometheus) {
        await page.locator('[data-testid=no-trace]').waitFor();
        return;
      }
      await page.locator('[data-testid=explain]').waitFor();
      assert.deepEqual(
        await page
          .locator('[data-testid=explain-node]')
          .evaluateAll((ns) => ns.map((n) => n.getAttribute('data-node'))),
        ['BinaryExpr', 'AggregateExpr', 'Call', 'MatrixSelector', 'NumberLiteral'],
      );
      const text = await page.locator('[data-testid=explain]').innerText();
      assert.match(text, /rate\(\): .+/);
      assert.match(text, /sum: Calculate sum over dimensions/);
      assert.match(
        await page.locator('[data-testid=explain-cost]').first().innerText(),
        /\d+ series · \d+ samples read \(\d+ here\) · \S+ \(\S+ here\)/,
      );
      await page.screenshot({ path: join(OUT, 'explain.png'), fullPage: true });
    },
  );

  await t.test('rules page: backtest the loaded rules over the stored history', async () => {
    await page.goto(`${base}/rules`);
    await page.locator('[data-testid=backtest-range]').fill('2m');
    await page.locator('[data-testid=backtest-run]').click();
    if (realPrometheus) {
      await page.locator('[data-testid=backtest-error]').waitFor();
      return;
    }
    await page.locator('[data-testid=backtest-result]').waitFor();
    const alerts = page.locator('[data-testid=backtest-alert]');
    const firing = alerts.filter({ hasText: 'AlwaysFiring' });
    await firing.first().waitFor();
    assert.ok((await firing.locator('[data-state=firing]').count()) >= 1);
    assert.ok(
      (await alerts.filter({ hasText: 'SlowToFire' }).locator('[data-state=pending]').count()) >= 1,
      'for: 10m stays pending',
    );
    await page.screenshot({ path: join(OUT, 'backtest.png'), fullPage: true });
  });

  await t.test('every view in both themes: light and dark backgrounds, screenshots', async () => {
    const views: Array<[string, string, (() => Promise<void>)?]> = [
      [
        'graph-explain',
        `/graph?g0.expr=${encodeURIComponent('sum by (job) (rate(up[1m]))')}&g0.tab=explain`,
      ],
      ['graph-chart', `/graph?g0.expr=up&g0.tab=0&g0.range_input=1m`],
      [
        'explorer',
        '/graph',
        async () => {
          await page.locator('[data-testid=explorer-button]').click();
          await page.locator('[data-testid=explorer-metric]').first().waitFor();
        },
      ],
      [
        'settings',
        '/graph',
        async () => {
          await page.locator('[data-testid=settings-menu]').click();
        },
      ],
      ['targets', '/targets'],
      [
        'rules-backtest',
        '/rules',
        async () => {
          await page.locator('[data-testid=backtest-run]').click();
          await page
            .locator('[data-testid=backtest-result], [data-testid=backtest-error]')
            .first()
            .waitFor();
        },
      ],
      ['service-discovery', '/service-discovery'],
      ['status', '/status'],
    ];
    for (const theme of ['light', 'dark']) {
      await page.goto(`${base}/graph`);
      await page.evaluate((th) => localStorage.setItem('theme', th), theme);
      for (const [name, path, act] of views) {
        await page.goto(`${base}${path}`);
        await page.locator('main').waitFor();
        await act?.();
        await page.waitForTimeout(300);
        const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        const lum =
          (bg.match(/\d+/g) ?? ['0', '0', '0'])
            .slice(0, 3)
            .map(Number)
            .reduce((a, v) => a + v, 0) / 3;
        assert.ok(
          theme === 'dark' ? lum < 60 : lum > 200,
          `${name} in the ${theme} theme: background ${bg}`,
        );
        await page.screenshot({ path: join(OUT, `${theme}-${name}.png`), fullPage: true });
      }
    }
    await page.evaluate(() => localStorage.removeItem('theme'));
  });

  await t.test('dark theme', async () => {
    await page.goto(`${base}/graph?g0.expr=up&g0.tab=0&g0.range_input=1m`);
    await page.locator('.theme-toggle').click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await page.locator('[data-testid=graph] canvas').waitFor();
    await page.screenshot({ path: join(OUT, 'graph-dark.png') });
    await page.locator('.theme-toggle').click();
  });

  for (const [path, text] of <[string, string][]>[
    ['/service-discovery', 'Service Discovery'],
    ['/rules', 'AlwaysFiring'],
    ['/config', 'scrape_configs'],
    ['/flags', 'storage.tsdb.path'],
    ['/status', 'Alertmanagers'],
    ['/tsdb-status', 'Head Stats'],
  ]) {
    await t.test(`page ${path}`, async () => {
      await page.goto(`${base}${path}`);
      await page.getByText(text).first().waitFor();
      assert.equal(await page.locator('[data-testid=api-error]').count(), 0);
      assert.equal(
        await page.locator('main img').count(),
        0,
        'label values and annotations are text',
      );
      if (path === '/status') {
        assert.match(
          await page.locator('[data-testid=alertmanagers]').innerText(),
          new RegExp(`127\\.0\\.0\\.1:${deadPort}/api/v2/alerts`),
        );
        // The process as its own runtime sees it: Node's facts for this server, Go's for Prometheus.
        const facts = await page.locator('[data-testid=runtime-facts]').innerText();
        const runtime = await page.locator('table.kv').first().innerText();
        if (realPrometheus) assert.match(facts, /Goroutines\t\d+/);
        else {
          assert.match(
            facts,
            /Runtime\tNode\.js 20\.[\s\S]*Event loop lag \(p99\)\t[\d.]+ m?s[\s\S]*V8 heap used\t/,
          );
          assert.doesNotMatch(runtime + facts, /Goroutines|GOMAXPROCS|GOGC/);
        }
      }
      if (path === '/flags') {
        await page.locator('[data-testid=flag-search]').fill('tsdb.path');
        assert.equal(await page.locator('[data-testid=flag]').count(), 1);
      }
      await page.screenshot({ path: join(OUT, `${path.slice(1)}.png`), fullPage: true });
    });
  }

  assert.deepEqual(dialogs, []);
  assert.deepEqual(badRequests, [], 'every request stays under the route prefix');
}

test('UI pages in headless Chromium against the real Prometheus', { timeout: 90_000 }, (t) =>
  pages(t, base, OUT, prom?.url),
);

test('UI pages in headless Chromium served by this server', { timeout: 90_000 }, (t) =>
  pages(t, oursBase, join(OUT, 'ours')),
);
