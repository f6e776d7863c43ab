/** Authentication, rate limiting, health and routing errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteTarget } from '../support/databases.js';
import { testApp } from '../support/services.js';

type Ctx = Awaited<ReturnType<typeof testApp>>;

describe('auth, limits and health', () => {
  let t: Ctx;
  beforeAll(async () => {
    t = await testApp(sqliteTarget, { rateLimitMax: 5, rateLimitWindowMs: 60_000 });
  });
  afterAll(() => t.close());

  it('answers health and readiness without a token', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject('/readyz')).json()).toEqual({ status: 'ready' });
  });

  it('refuses missing, malformed and unknown tokens with 401', async () => {
    for (const authorization of [
      undefined,
      'Basic abc',
      'Bearer',
      'Bearer tl_not-a-real-token',
      `Bearer ${'tl_'.padEnd(46, 'x')}`,
    ]) {
      const r = await t.app.inject({
        url: '/api/v1/traders',
        headers: authorization ? { authorization } : {},
      });
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('UNAUTHORIZED');
    }
  });

  it('stores tokens hashed, never in clear', async () => {
    const rows = await t.services.db.all<{ token_hash: string }>({
      sql: 'select token_hash from users',
      parameters: [],
    });
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect([t.alice.token, t.bob.token, t.admin.token]).not.toContain(r.token_hash);
    }
  });

  it('rate-limits per token with 429 and Retry-After, without affecting other users', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof t.app.inject>> | undefined;
    for (let i = 0; i < 7; i++) {
      last = await t.app.inject({ url: '/api/v1/traders', headers: t.alice.headers });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.json().error.code).toBe('RATE_LIMITED');
    expect((await t.app.inject({ url: '/api/v1/traders', headers: t.bob.headers })).statusCode).toBe(200);
  });

  it('answers unknown routes with the standard error body', async () => {
    const r = await t.app.inject('/api/v1/nope');
    expect(r.statusCode).toBe(404);
    expect(r.json().error.message).toBe('No route GET /api/v1/nope');
    const root = await t.app.inject('/nope');
    expect(root.statusCode).toBe(404);
    expect(root.json().error.code).toBe('NOT_FOUND');
  });
});
