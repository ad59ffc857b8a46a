import { Component, lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { pathPrefix } from './api.js';
import { initialTheme, ThemeContext, type Theme } from './theme.js';
import { loadSettings, saveSettings, SettingsContext, type Settings } from './lib/settings.js';
import { StartingPage, useStarting } from './pages/Starting.js';
import { AlertsPage } from './pages/Alerts.js';
import { TargetsPage } from './pages/Targets.js';
import { ServiceDiscoveryPage } from './pages/ServiceDiscovery.js';
import { RulesPage } from './pages/Rules.js';
import { ConfigPage, FlagsPage, StatusPage, TSDBStatusPage } from './pages/Status.js';
import { AlertmanagerPage, standaloneAlertmanager } from './pages/Alertmanager.js';

const GraphPage = lazy(() => import('./pages/Graph.js'));

/** Current route relative to the prefix. */
function currentRoute(): string {
  const p = pathPrefix();
  let path = window.location.pathname;
  if (p && path.startsWith(p)) path = path.slice(p.length);
  return path === '' ? '/' : path;
}

export function navigate(to: string): void {
  window.history.pushState(null, '', pathPrefix() + to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function Link({ to, children }: { to: string; children: ReactNode }) {
  return (
    <a
      href={pathPrefix() + to}
      onClick={(e) => {
        if (e.button === 0 && !e.metaKey && !e.ctrlKey) {
          e.preventDefault();
          navigate(to);
        }
      }}
    >
      {children}
    </a>
  );
}

// Prometheus's navigation: Alerts, Graph, and the Status menu in its order.
const NAV: Array<[string, string]> = [
  ['/alerts', 'Alerts'],
  ['/graph', 'Graph'],
];
const STATUS_MENU: Array<[string, string]> = [
  ['/status', 'Runtime & Build Information'],
  ['/tsdb-status', 'TSDB Status'],
  ['/flags', 'Command-Line Flags'],
  ['/config', 'Configuration'],
  ['/rules', 'Rules'],
  ['/targets', 'Targets'],
  ['/service-discovery', 'Service Discovery'],
];

/** A page that throws while rendering shows its error instead of blanking the whole UI. */
class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  render() {
    if (this.state.error)
      return (
        <div className="error" data-testid="page-error">
          Error rendering this page: {this.state.error.message}
        </div>
      );
    return this.props.children;
  }
}

/** Whether this server runs an Alertmanager (--alertmanager.config.file): its status answers. */
function useEmbeddedAlertmanager(): boolean {
  const [has, setHas] = useState(false);
  useEffect(() => {
    fetch(`${pathPrefix()}/alertmanager/api/v2/status`)
      .then((r) => (r.ok ? r.json() : null))
      .then(
        (j: { versionInfo?: unknown } | null) =>
          setHas(j !== null && typeof j === 'object' && j.versionInfo !== undefined),
        () => setHas(false),
      );
  }, []);
  return has;
}

/** The page as alertmanager-ts serves it: the Alertmanager pages only. */
function StandaloneAlertmanager({ route }: { route: string }) {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('theme', theme);
  }, [theme]);
  return (
    <ThemeContext.Provider value={theme}>
      <nav className="navbar">
        <span className="brand">
          <Link to="/am">Alertmanager</Link>
        </span>
        <button
          className="nav-button theme-toggle"
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
          title="Toggle the colour theme"
        >
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
      </nav>
      <main className="container">
        <ErrorBoundary key={route}>
          <AlertmanagerPage route={route.startsWith('/am') ? route : '/am'} />
        </ErrorBoundary>
      </main>
    </ThemeContext.Provider>
  );
}

export function App() {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const h = () => setRoute(currentRoute());
    window.addEventListener('popstate', h);
    return () => window.removeEventListener('popstate', h);
  }, []);
  return standaloneAlertmanager() ? <StandaloneAlertmanager route={route} /> : <PrometheusApp />;
}

function PrometheusApp() {
  const [route, setRoute] = useState(currentRoute());
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [menu, setMenu] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [settings, setSettingsState] = useState<Settings>(() => loadSettings());
  const setSettings = (s: Settings): void => {
    saveSettings(s);
    setSettingsState(s);
  };
  const starting = useStarting();
  useEffect(() => {
    const h = () => {
      setRoute(currentRoute());
      setMenu(false);
    };
    window.addEventListener('popstate', h);
    return () => window.removeEventListener('popstate', h);
  }, []);
  // Applied while rendering: effects run children first, so the chart's (which draws on a canvas
  // with colours read from the CSS variables) would otherwise redraw in the old theme.
  if (document.documentElement.dataset.theme !== theme)
    document.documentElement.dataset.theme = theme;
  useEffect(() => {
    localStorage.setItem('theme', theme);
  }, [theme]);

  const base = '/' + (route.split('/')[1] ?? '');
  let page: ReactNode;
  switch (base) {
    case '/alerts':
      page = <AlertsPage />;
      break;
    case '/targets':
      page = <TargetsPage />;
      break;
    case '/service-discovery':
      page = <ServiceDiscoveryPage />;
      break;
    case '/rules':
      page = <RulesPage />;
      break;
    case '/config':
      page = <ConfigPage />;
      break;
    case '/flags':
      page = <FlagsPage />;
      break;
    case '/status':
      page = <StatusPage />;
      break;
    case '/tsdb-status':
      page = <TSDBStatusPage />;
      break;
    case '/am':
      page = <AlertmanagerPage route={route} />;
      break;
    default:
      page = <GraphPage />;
  }
  const inStatus = STATUS_MENU.some(([to]) => to === base);
  const hasAM = useEmbeddedAlertmanager();
  return (
    <ThemeContext.Provider value={theme}>
      <SettingsContext.Provider value={{ settings, setSettings }}>
        <nav className="navbar">
          <span className="brand">
            <Link to="/graph">Prometheus</Link>
          </span>
          {NAV.map(([to, label]) => (
            <span key={to} className={base === to ? 'nav-item active' : 'nav-item'}>
              <Link to={to}>{label}</Link>
            </span>
          ))}
          {hasAM && (
            <span className={base === '/am' ? 'nav-item active' : 'nav-item'}>
              <Link to="/am">Alertmanager</Link>
            </span>
          )}
          <span className={inStatus ? 'nav-item dropdown active' : 'nav-item dropdown'}>
            <button
              className="nav-button"
              onClick={() => setMenu(!menu)}
              aria-expanded={menu}
              data-testid="status-menu"
            >
              Status ▾
            </button>
            {menu && (
              <span className="dropdown-menu">
                {STATUS_MENU.map(([to, label]) => (
                  <span key={to} className={base === to ? 'active' : ''}>
                    <Link to={to}>{label}</Link>
                  </span>
                ))}
              </span>
            )}
          </span>
          <span className="nav-item">
            <a href="https://prometheus.io/docs/prometheus/latest/getting_started/">Help</a>
          </span>
          <span className="nav-item dropdown settings">
            <button
              className="nav-button"
              onClick={() => setSettingsOpen(!settingsOpen)}
              aria-expanded={settingsOpen}
              title="Settings"
              data-testid="settings-menu"
            >
              ⚙
            </button>
            {settingsOpen && (
              <span className="dropdown-menu settings-menu" data-testid="settings">
                {(
                  [
                    ['localTime', 'Use local time'],
                    ['autocomplete', 'Enable autocomplete'],
                    ['highlighting', 'Enable syntax highlighting'],
                    ['linter', 'Enable linter'],
                  ] as Array<[keyof Settings, string]>
                ).map(([k, label]) => (
                  <label key={k}>
                    <input
                      type="checkbox"
                      checked={settings[k]}
                      onChange={(e) => setSettings({ ...settings, [k]: e.target.checked })}
                      data-testid={`setting-${k}`}
                    />{' '}
                    {label}
                  </label>
                ))}
              </span>
            )}
          </span>
          <button
            className="nav-button theme-toggle"
            onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
            title="Toggle the colour theme"
          >
            {theme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
        </nav>
        <main
          className="container"
          onClick={() => {
            setMenu(false);
            setSettingsOpen(false);
          }}
        >
          {starting !== null ? (
            <StartingPage status={starting} />
          ) : (
            <ErrorBoundary key={base}>
              <Suspense fallback={<div className="loading">Loading…</div>}>{page}</Suspense>
            </ErrorBoundary>
          )}
        </main>
      </SettingsContext.Provider>
    </ThemeContext.Provider>
  );
}
