import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { pathPrefix } from './api.js';
import { AlertsPage } from './pages/Alerts.js';
import { TargetsPage } from './pages/Targets.js';
import { ServiceDiscoveryPage } from './pages/ServiceDiscovery.js';
import { RulesPage } from './pages/Rules.js';
import { ConfigPage, FlagsPage, StatusPage, TSDBStatusPage } from './pages/Status.js';

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
    <a href={pathPrefix() + to} onClick={(e) => { if (e.button === 0 && !e.metaKey && !e.ctrlKey) { e.preventDefault(); navigate(to); } }}>
      {children}
    </a>
  );
}

const NAV: Array<[string, string]> = [
  ['/alerts', 'Alerts'], ['/graph', 'Graph'], ['/targets', 'Targets'], ['/service-discovery', 'Service Discovery'],
  ['/rules', 'Rules'], ['/config', 'Configuration'], ['/flags', 'Command-Line Flags'], ['/status', 'Runtime & Build Information'],
  ['/tsdb-status', 'TSDB Status'],
];

export function App() {
  const [route, setRoute] = useState(currentRoute());
  const [theme, setTheme] = useState(() => localStorage.getItem('theme') ?? 'light');
  useEffect(() => {
    const h = () => setRoute(currentRoute());
    window.addEventListener('popstate', h);
    return () => window.removeEventListener('popstate', h);
  }, []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('theme', theme);
  }, [theme]);

  const base = '/' + (route.split('/')[1] ?? '');
  let page: ReactNode;
  switch (base) {
    case '/alerts': page = <AlertsPage />; break;
    case '/targets': page = <TargetsPage />; break;
    case '/service-discovery': page = <ServiceDiscoveryPage />; break;
    case '/rules': page = <RulesPage />; break;
    case '/config': page = <ConfigPage />; break;
    case '/flags': page = <FlagsPage />; break;
    case '/status': page = <StatusPage />; break;
    case '/tsdb-status': page = <TSDBStatusPage />; break;
    default: page = <GraphPage />;
  }
  return (
    <>
      <nav className="navbar">
        <Link to="/graph"><b>Prometheus</b></Link>
        {NAV.map(([to, label]) => (
          <span key={to} className={base === to ? 'nav-item active' : 'nav-item'}><Link to={to}>{label}</Link></span>
        ))}
        <button className="theme-toggle" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}>
          {theme === 'dark' ? 'Light theme' : 'Dark theme'}
        </button>
      </nav>
      <main className="container">
        <Suspense fallback={<div className="loading">Loading…</div>}>{page}</Suspense>
      </main>
    </>
  );
}
