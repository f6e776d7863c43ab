/**
 * What the browser suites need: the system Chromium (skipped with a message
 * when /usr/bin/chromium is missing, a failure under CI=true, as with
 * PostgreSQL and Redis), an up-to-date web/dist build (made with Vite's JS
 * API when missing or older than web/src, one process at a time), and the
 * real API with the dashboard on 127.0.0.1, port 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { dashboardRoutes } from '../../src/api/routes/dashboard.js';
import type { Config } from '../../src/config/schema.js';
import { ROOT } from './child-server.js';
import { sqliteTarget } from './databases.js';
import { testApp } from './services.js';
import { noteSkip } from './skip-notice.js';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const WEB_DIR = path.join(ROOT, 'web');
export const WEB_DIST = path.join(WEB_DIR, 'dist');
export const SCREENSHOTS = path.join(ROOT, 'test-artifacts', 'screenshots');

/** True when Chromium is there; prints the skip otherwise; throws under CI=true. */
export function chromiumAvailable(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env['CI'] === 'true') {
    throw new Error(`CI=true but Chromium is missing at ${CHROMIUM}: the browser suites must run in CI`);
  }
  noteSkip(`[skip] browser suites skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  return false;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function buildIsCurrent(): boolean {
  const index = fs.statSync(path.join(WEB_DIST, 'index.html'), { throwIfNoEntry: false });
  if (!index) return false;
  const sources = Math.max(
    newestMtime(path.join(WEB_DIR, 'src')),
    fs.statSync(path.join(WEB_DIR, 'index.html')).mtimeMs,
    fs.statSync(path.join(WEB_DIR, 'vite.config.ts')).mtimeMs,
  );
  return index.mtimeMs >= sources;
}

/** Builds web/dist unless it is newer than every source; a lock directory keeps parallel suites from racing. */
export async function ensureWebBuild(): Promise<string> {
  const lock = path.join(WEB_DIR, '.build-lock');
  for (let waited = 0; ; waited += 200) {
    if (buildIsCurrent()) return WEB_DIST;
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (waited > 120_000) throw new Error(`${lock} held for 2 minutes: remove it if no build is running`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (!buildIsCurrent()) {
      const { build } = await import('vite');
      // Under vitest NODE_ENV is 'test', which makes Vite pick libraries' development builds.
      const nodeEnv = process.env['NODE_ENV'];
      process.env['NODE_ENV'] = 'production';
      try {
        await build({
          root: WEB_DIR,
          configFile: path.join(WEB_DIR, 'vite.config.ts'),
          mode: 'production',
          logLevel: 'warn',
        });
      } finally {
        if (nodeEnv === undefined) delete process.env['NODE_ENV'];
        else process.env['NODE_ENV'] = nodeEnv;
      }
    }
    return WEB_DIST;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** The real app on a fresh SQLite database, with the dashboard, listening on loopback. */
export async function dashboardServer(overrides: Partial<Config> = {}) {
  const root = await ensureWebBuild();
  const t = await testApp(sqliteTarget, { rateLimitMax: 1_000_000, ...overrides }, { realClock: true });
  // Once buildApp serves the dashboard itself, this is already there.
  if (!t.app.hasRoute({ method: 'GET', url: '/*' })) await dashboardRoutes(t.app, { root });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = t.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { ...t, url: `http://127.0.0.1:${port}` };
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, `${name}.png`);
}
