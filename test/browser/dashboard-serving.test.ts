/**
 * How the API serves the dashboard (no browser needed): index.html never
 * cached, hashed assets cached for a year, the SPA fallback for app paths
 * that accept HTML, the JSON 404 kept for API and non-HTML requests, no
 * escape from the build directory, and a hint page when there is no build.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../../src/api/routes/dashboard.js';

function fakeBuild(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-web-'));
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><div id="app"></div>');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'favicon.svg'), '<svg/>');
  fs.writeFileSync(path.join(path.dirname(root), `${path.basename(root)}-secret.txt`), 'TOP-SECRET-CONTENT');
  return root;
}

async function appWith(root: string): Promise<FastifyInstance> {
  const app = Fastify();
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send({ error: { code: 'NOT_FOUND', message: `No route ${req.method} ${req.url}`, details: [] } }),
  );
  app.get('/api/v1/traders', async () => ({ items: [], nextCursor: null }));
  await dashboardRoutes(app, { root });
  return app;
}

describe('dashboardRoutes', () => {
  let root: string;
  let app: FastifyInstance;
  const html = { accept: 'text/html,application/xhtml+xml' };

  beforeAll(async () => {
    root = fakeBuild();
    app = await appWith(root);
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(`${root}-secret.txt`, { force: true });
  });

  it('serves index.html at / without caching', async () => {
    const r = await app.inject({ url: '/', headers: html });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.body).toContain('id="app"');
  });

  it('serves hashed assets with a year-long immutable cache, other files briefly', async () => {
    const r = await app.inject({ url: '/assets/index-abc123.js' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/javascript');
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.body).toBe('console.log(1)');
    const svg = await app.inject({ url: '/favicon.svg' });
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.headers['cache-control']).toBe('public, max-age=300');
  });

  it('answers app paths that accept HTML with index.html (SPA fallback)', async () => {
    for (const url of ['/traders', '/research/jobs?x=1', '/positions']) {
      const r = await app.inject({ url, headers: html });
      expect(r.statusCode, url).toBe(200);
      expect(r.body).toContain('id="app"');
    }
  });

  it('keeps the JSON 404 for API paths, missing assets and non-HTML requests', async () => {
    for (const [url, headers] of [
      ['/api/v1/nope', html],
      ['/api/v2', html],
      ['/assets/missing.js', html],
      ['/traders', { accept: 'application/json' }],
    ] as const) {
      const r = await app.inject({ url, headers });
      expect(r.statusCode, url).toBe(404);
      expect(r.json().error.code, url).toBe('NOT_FOUND');
    }
    expect((await app.inject({ url: '/api/v1/traders' })).json()).toEqual({ items: [], nextCursor: null });
    expect((await app.inject({ method: 'POST', url: '/traders' })).statusCode).toBe(404);
  });

  it('never serves a file outside the build directory', async () => {
    const secret = `${path.basename(root)}-secret.txt`;
    for (const url of [
      `/../${secret}`,
      `/..%2f${secret}`,
      `/%2e%2e/${secret}`,
      '/assets/..%2f..%2fetc/passwd',
      '/%00',
    ]) {
      const r = await app.inject({ url, headers: html });
      expect(r.body, url).not.toContain('TOP-SECRET-CONTENT');
    }
  });

  it('says to run the build when there is none', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-noweb-'));
    const bare = await appWith(path.join(empty, 'dist'));
    const r = await bare.inject({ url: '/', headers: html });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('npm run build');
    await bare.close();
    fs.rmSync(empty, { recursive: true, force: true });
  });
});
