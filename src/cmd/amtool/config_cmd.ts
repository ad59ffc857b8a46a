// amtool check-config, config [show], config routes [show]|test. The config is read by the
// Alertmanager config loader (src/alertmanager/config), from --config.file or, without one,
// from the running Alertmanager's /api/v2/status.
import {
  loadAlertmanagerConfig,
  loadAlertmanagerConfigFile,
} from '../../alertmanager/config/index.js';
import { dirname } from 'node:path';
import { loadNotificationTemplates } from '../../alertmanager/template/index.js';
import { compileRE2 } from '../../model/labels/index.js';
import { UsageError, type FlagSpec } from './args.js';
import type { CommandContext } from './context.js';
import { matcherString, parseMatcher, type Matcher } from './matcher.js';

/** The part of the loaded config these commands read. */
interface LoadedRoute {
  readonly receiver: string;
  readonly matchers: readonly Matcher[];
  readonly continue: boolean;
  readonly routes: readonly LoadedRoute[];
}
interface LoadedConfig {
  readonly route: LoadedRoute;
  readonly inhibitRules: readonly unknown[];
  readonly receivers: readonly unknown[];
  readonly templates: readonly string[];
}
export async function checkConfig(c: CommandContext): Promise<void> {
  if (c.args.length === 0) throw new UsageError('Failed to read from standard input');
  let failed = 0;
  for (const file of c.args) {
    let out = `Checking '${file}'`;
    let cfg: LoadedConfig | null = null;
    try {
      cfg = loadAlertmanagerConfigFile(file);
      out += '  SUCCESS\n';
    } catch (e) {
      out += `  FAILED: ${(e as Error).message}\n`;
      failed++;
    }
    if (cfg) {
      out += `Found:\n - global config\n - route\n - ${cfg.inhibitRules.length} inhibit rules\n - ${cfg.receivers.length} receivers\n - ${cfg.templates.length} templates\n`;
      if (cfg.templates.length > 0) {
        try {
          await loadNotificationTemplates(cfg.templates, dirname(file));
          out += '  SUCCESS\n';
        } catch (e) {
          out += `  FAILED: ${(e as Error).message}\n`;
          failed++;
        }
      }
    }
    c.io.out(out + '\n');
  }
  if (failed > 0) throw new UsageError(`failed to validate ${failed} file(s)`);
}

export const ROUTES_FLAGS: FlagSpec[] = [
  { name: 'config.file', kind: 'string' },
  { name: 'verify.receivers', kind: 'string' },
  { name: 'tree', kind: 'bool' },
];

async function loadConfig(c: CommandContext): Promise<LoadedConfig> {
  const file = c.flags.str('config.file');
  if (file !== '') {
    // Debian's amtool always has a URL (its default), so it always says this.
    c.io.err('Warning: --config.file flag overrides the --alertmanager.url.\n');
    return loadAlertmanagerConfigFile(file);
  }
  const status = await (await c.client()).getStatus();
  return loadAlertmanagerConfig(status.config?.original ?? '', 'alertmanager.yml');
}

const TYPE_ORDER = { '=': 0, '!=': 1, '=~': 2, '!~': 3 } as const;

/** dispatch.NewRoute keeps a route's matchers sorted by name, value, then operator. */
function sortedMatchers(ms: readonly Matcher[]): string {
  const s = [...ms].sort((a, b) =>
    a.name !== b.name
      ? a.name < b.name
        ? -1
        : 1
      : a.value !== b.value
        ? a.value < b.value
          ? -1
          : 1
        : TYPE_ORDER[a.type] - TYPE_ORDER[b.type],
  );
  return '{' + s.map(matcherString).join(',') + '}';
}

function slug(r: LoadedRoute, showContinue: boolean, showReceiver: boolean): string {
  let s = r.matchers.length === 0 ? 'default-route' : sortedMatchers(r.matchers);
  if (r.continue && showContinue) s += '  continue: true';
  if (showReceiver) s += `  receiver: ${r.receiver}`;
  return s;
}

interface TreeNode {
  value: string;
  children: TreeNode[];
}

/** treeprint's rendering: "." at the root, ├──/└── branches, │ under open ones. */
function renderTree(children: readonly TreeNode[]): string {
  let out = '.\n';
  const walk = (nodes: readonly TreeNode[], indent: string) => {
    nodes.forEach((n, i) => {
      const last = i === nodes.length - 1;
      out += `${indent}${last ? '└── ' : '├── '}${n.value}\n`;
      walk(n.children, indent + (last ? '    ' : '│   '));
    });
  };
  walk(children, '');
  return out;
}

const matches = (ms: readonly Matcher[], ls: Record<string, string>) =>
  ms.every((m) => {
    const v = ls[m.name] ?? '';
    switch (m.type) {
      case '=':
        return v === m.value;
      case '!=':
        return v !== m.value;
      default: {
        const ok = compileRE2(`^(?:${m.value})$`).matcher(v).matches();
        return m.type === '=~' ? ok : !ok;
      }
    }
  });

/** dispatch.Route.Match: the deepest matching routes, stopping after a match without continue. */
function matchRoutes(r: LoadedRoute, ls: Record<string, string>): LoadedRoute[] {
  if (!matches(r.matchers, ls)) return [];
  const all: LoadedRoute[] = [];
  for (const child of r.routes) {
    const m = matchRoutes(child, ls);
    all.push(...m);
    if (m.length > 0 && !child.continue) break;
  }
  return all.length === 0 ? [r] : all;
}

export async function routesShow(c: CommandContext): Promise<void> {
  const cfg = await loadConfig(c);
  const build = (r: LoadedRoute): TreeNode => ({
    value: slug(r, true, true),
    children: r.routes.map(build),
  });
  c.io.out('Routing tree:\n' + renderTree([build(cfg.route)]) + '\n');
}

export async function routesTest(c: CommandContext): Promise<number> {
  const cfg = await loadConfig(c);
  const ls: Record<string, string> = {};
  for (const a of c.args) {
    let m: Matcher;
    try {
      m = parseMatcher(a);
    } catch (e) {
      throw new UsageError(`Failed to parse labels: ${(e as Error).message}\n`);
    }
    if (m.type !== '=')
      throw new UsageError('Failed to parse labels: labels must be specified as key=value pairs\n');
    ls[m.name] = m.value;
  }
  if (c.flags.bool('tree')) {
    const build = (r: LoadedRoute): TreeNode => {
      const node: TreeNode = { value: slug(r, false, false), children: [] };
      for (const child of r.routes) {
        if (!matches(child.matchers, ls)) continue;
        node.children.push(build(child));
        if (!child.continue) break;
      }
      if (node.children.length === 0) node.value = slug(r, false, true);
      return node;
    };
    c.io.out('Matching routes:\n' + renderTree([build(cfg.route)]) + '\n\n');
  }
  const receivers = matchRoutes(cfg.route, ls)
    .map((r) => r.receiver)
    .join(',');
  c.io.out(receivers + '\n');
  const expected = c.flags.str('verify.receivers');
  if (expected !== '' && expected !== receivers) {
    c.io.out('WARNING: Expected receivers did not match resolved receivers.\n');
    return 1;
  }
  return 0;
}

export async function configShow(c: CommandContext): Promise<void> {
  const status = (await (await c.client()).getStatus()) as {
    config?: { original?: string };
    versionInfo?: Record<string, string>;
    uptime?: string;
  };
  let out = (status.config?.original ?? '') + '\n';
  if (c.formatter.kind === 'extended') {
    const v = status.versionInfo ?? {};
    for (const k of ['buildUser', 'goVersion', 'revision', 'version', 'branch', 'buildDate'])
      out += `${k} ${v[k] ?? ''}\n`;
    out += `uptime ${status.uptime ?? ''}\n`;
  }
  c.io.out(c.formatter.kind === 'json' ? JSON.stringify(status) + '\n' : out);
}
