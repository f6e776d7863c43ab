/**
 * The shell: login gate, navigation, and the page for the current path.
 * A `#token=...` link logs in directly; a 401 from any call returns to the login.
 */
import { useEffect, useState } from 'preact/hooks';
import { onUnauthorized } from './api/client';
import { clearToken, onSignedOutElsewhere, readToken, saveToken, takeTokenFromHash } from './api/token-store';
import { applyTheme } from './components/theme';
import { lazyPage } from './lazy-page';
import { HomePage } from './pages/home/home-page';
import { LoginPage } from './pages/login-page';
import { TradersPage } from './pages/traders/traders-page';
import { linkClick, usePath } from './router';

const PAGES = [
  { path: '/', title: 'Home', Page: HomePage },
  { path: '/traders', title: 'Traders', Page: TradersPage },
  {
    path: '/discover',
    title: 'Discover',
    Page: lazyPage(() => import('./pages/discover/discover-page').then((m) => m.DiscoverPage)),
  },
  {
    path: '/positions',
    title: 'Positions',
    Page: lazyPage(() => import('./pages/positions/positions-page').then((m) => m.PositionsPage)),
  },
  {
    path: '/trades',
    title: 'Trades',
    Page: lazyPage(() => import('./pages/trades/trades-page').then((m) => m.TradesPage)),
  },
  { path: '/bot', title: 'Bot', Page: lazyPage(() => import('./pages/bot/bot-page').then((m) => m.BotPage)) },
  {
    path: '/markets',
    title: 'Markets',
    Page: lazyPage(() => import('./pages/markets/markets-page').then((m) => m.MarketsPage)),
  },
  {
    path: '/research',
    title: 'Research',
    Page: lazyPage(() => import('./pages/research/research-page').then((m) => m.ResearchPage)),
  },
  {
    path: '/performance',
    title: 'Performance',
    Page: lazyPage(() => import('./pages/performance/performance-page').then((m) => m.PerformancePage)),
  },
  {
    path: '/settings',
    title: 'Settings',
    Page: lazyPage(() => import('./pages/settings/settings-page').then((m) => m.SettingsPage)),
  },
] as const;

function initialToken(): string | null {
  const fromLink = takeTokenFromHash();
  if (fromLink) saveToken(fromLink);
  return readToken();
}

export function App() {
  const [token, setToken] = useState(initialToken);
  const path = usePath();
  const page =
    PAGES.find((p) => path === p.path || (p.path !== '/' && path.startsWith(`${p.path}/`))) ?? PAGES[0];

  useEffect(() => onUnauthorized(() => setToken(null)), []);
  useEffect(() => onSignedOutElsewhere(() => setToken(null)), []);
  useEffect(() => applyTheme(), []);
  useEffect(() => {
    document.title = token ? `${page.title} · tradeloop` : 'Sign in · tradeloop';
  }, [token, page]);

  if (!token)
    return (
      <LoginPage
        onLogin={(t, remember) => {
          saveToken(t, remember);
          setToken(t);
        }}
      />
    );
  const logout = () => {
    clearToken();
    setToken(null);
  };
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">tradeloop</span>
        <nav aria-label="Main">
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <a href={p.path} onClick={linkClick} aria-current={p === page ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="link-button" onClick={logout}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <h1>{page.title}</h1>
        <page.Page key={page.path} />
      </main>
    </>
  );
}
