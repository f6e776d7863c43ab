/** /api/v1/traders over fastify.inject against a real database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../support/databases.js';
import { testApp } from '../support/services.js';

type Ctx = Awaited<ReturnType<typeof testApp>>;

describe.each(await databaseTargets())('traders API on $name', (target) => {
  let t: Ctx;
  beforeAll(async () => {
    t = await testApp(target);
  });
  afterAll(() => t.close());

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    who: { headers: Record<string, string> },
    payload?: unknown,
    headers: Record<string, string> = {},
  ) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...who.headers, ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  const snapshot = async () => JSON.stringify((await call('GET', '/traders?limit=500', t.alice)).json());

  it('creates, reads, toggles and edits follow options, answering with the committed state', async () => {
    const created = await call('POST', '/traders', t.alice, {
      name: 'Ansem',
      source: 'manual',
      address: 'So1anaWa11et',
      allocation: '250.5',
      followOptions: { takeProfitPct: 30, stopLossPct: '8' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['etag']).toBe('"1"');
    const id = created.json().id;
    const off = await call('PATCH', `/traders/${id}`, t.alice, { enabled: false });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ enabled: false, version: 2, allocation: '250.5' });
    const got = await call('GET', `/traders/${id}`, t.alice);
    expect(got.json()).toMatchObject({
      enabled: false,
      version: 2,
      followOptions: { takeProfitPct: '30', stopLossPct: '8', copyRatio: '1' },
    });
    const tpsl = await call(
      'PATCH',
      `/traders/${id}`,
      t.alice,
      { followOptions: { trailingStopPct: '2.5', copyRatio: 0.25 } },
      { 'if-match': '"2"' },
    );
    expect(tpsl.json().followOptions).toEqual({
      takeProfitPct: '30',
      stopLossPct: '8',
      trailingStopPct: '2.5',
      maxPositionSize: null,
      copyRatio: '0.25',
      copyMode: 'ratio',
      fixedAmount: null,
      minTradeSize: null,
      allowMarkets: null,
      denyMarkets: null,
      execution: 'paper',
      liveVenue: null,
    });
    const stale = await call('PATCH', `/traders/${id}`, t.alice, { enabled: true }, { 'if-match': '2' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('VERSION_CONFLICT');
    expect((await call('GET', `/traders/${id}`, t.alice)).json().enabled).toBe(false);
  });

  it("keeps users apart: another user's trader is 403 to read, change or delete", async () => {
    const id = (
      await call('POST', '/traders', t.alice, { name: 'Mine', source: 'manual', address: 'alice-only' })
    ).json().id;
    for (const [method, payload] of [['GET'], ['PATCH', { enabled: false }], ['DELETE']] as const) {
      const r = await call(method, `/traders/${id}`, t.bob, payload);
      expect(r.statusCode).toBe(403);
      expect(r.json().error.code).toBe('FORBIDDEN');
    }
    const batch = await call('POST', '/traders/batch', t.bob, { updates: [{ id, enabled: false }] });
    expect(batch.statusCode).toBe(403);
    expect((await call('GET', `/traders/${id}`, t.alice)).json()).toMatchObject({
      enabled: true,
      version: 1,
    });
    const bobsList = (await call('GET', '/traders', t.bob)).json();
    expect(bobsList.items.find((x: { id: number }) => x.id === id)).toBeUndefined();
  });

  it('batch applies all updates in one transaction or none', async () => {
    const a = (
      await call('POST', '/traders', t.alice, { name: 'BA', source: 'manual', address: 'batch-api-a' })
    ).json();
    const b = (
      await call('POST', '/traders', t.alice, { name: 'BB', source: 'manual', address: 'batch-api-b' })
    ).json();
    const bad = await call('POST', '/traders/batch', t.alice, {
      updates: [
        { id: a.id, enabled: false },
        { id: 987654, enabled: false },
      ],
    });
    expect(bad.statusCode).toBe(404);
    expect((await call('GET', `/traders/${a.id}`, t.alice)).json().enabled).toBe(true);
    const ok = await call('POST', '/traders/batch', t.alice, {
      updates: [
        { id: a.id, enabled: false },
        { id: b.id, version: 1, followOptions: { stopLossPct: 5 } },
      ],
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().items.map((x: { version: number }) => x.version)).toEqual([2, 2]);
  });

  it('paginates with nextCursor and rejects a forged cursor', async () => {
    const u = await t.services.users.create('pages');
    const h = { headers: { authorization: `Bearer ${u.token}` } };
    for (let i = 0; i < 5; i++)
      await call('POST', '/traders', h, { name: `P${i}`, source: 'manual', address: `pg-${i}` });
    const p1 = (await call('GET', '/traders?limit=2', h)).json();
    expect(p1.items.map((x: { name: string }) => x.name)).toEqual(['P0', 'P1']);
    const p2 = (await call('GET', `/traders?limit=2&cursor=${p1.nextCursor}`, h)).json();
    const p3 = (await call('GET', `/traders?limit=2&cursor=${p2.nextCursor}`, h)).json();
    expect([...p2.items, ...p3.items].map((x: { name: string }) => x.name)).toEqual(['P2', 'P3', 'P4']);
    expect(p3.nextCursor).toBeNull();
    for (const cursor of ['garbage!', 'Zm9v', '']) {
      const r = await call('GET', `/traders?cursor=${encodeURIComponent(cursor)}`, h);
      if (cursor === '') expect(r.statusCode).toBe(200);
      else expect(r.json().error.details[0].path).toBe('query.cursor');
    }
    expect((await call('GET', '/traders?limit=0', h)).statusCode).toBe(400);
    expect((await call('GET', '/traders?limit=100000', h)).statusCode).toBe(400);
  });

  it('answers bad input with 4xx, a named problem, and writes nothing', async () => {
    const id = (
      await call('POST', '/traders', t.alice, { name: 'Guarded', source: 'manual', address: 'guarded' })
    ).json().id;
    const before = await snapshot();
    const cases: [string, 'POST' | 'PATCH', string, unknown, number, RegExp][] = [
      ['wrong type', 'PATCH', `/traders/${id}`, { enabled: 'false' }, 400, /body\.enabled/],
      ['unknown field', 'PATCH', `/traders/${id}`, { enabled: false, admin: true }, 400, /body\.admin/],
      [
        'unknown nested field',
        'PATCH',
        `/traders/${id}`,
        { followOptions: { takeProfit: 5 } },
        400,
        /followOptions\.takeProfit/,
      ],
      [
        'negative amount',
        'PATCH',
        `/traders/${id}`,
        { allocation: '-5' },
        400,
        /allocation must not be negative/,
      ],
      [
        'NaN amount',
        'PATCH',
        `/traders/${id}`,
        { followOptions: { stopLossPct: 'NaN' } },
        400,
        /stopLossPct/,
      ],
      [
        'stop loss over 100%',
        'PATCH',
        `/traders/${id}`,
        { followOptions: { stopLossPct: 150 } },
        400,
        /at most 100/,
      ],
      [
        'zero copy ratio',
        'PATCH',
        `/traders/${id}`,
        { followOptions: { copyRatio: 0 } },
        400,
        /copyRatio must be greater than 0/,
      ],
      ['empty patch', 'PATCH', `/traders/${id}`, {}, 400, /VALIDATION_FAILED/],
      ['missing id', 'PATCH', '/traders/99999999', { enabled: false }, 404, /NOT_FOUND/],
      ['non-numeric id', 'PATCH', '/traders/abc', { enabled: false }, 400, /params\.id/],
      [
        'bad address',
        'POST',
        '/traders',
        { name: 'x', source: 'manual', address: 'has spaces!' },
        400,
        /body\.address/,
      ],
      [
        'missing name',
        'POST',
        '/traders',
        { source: 'manual', address: 'a1' },
        400,
        /body\.name is required/,
      ],
      [
        'duplicate address',
        'POST',
        '/traders',
        { name: 'again', source: 'manual', address: 'guarded' },
        409,
        /ALREADY_EXISTS/,
      ],
      [
        'batch with bad item',
        'POST',
        '/traders/batch',
        {
          updates: [
            { id, enabled: false },
            { id, allocation: 'lots' },
          ],
        },
        400,
        /updates\[1\]\.allocation/,
      ],
      ['empty batch', 'POST', '/traders/batch', { updates: [] }, 400, /body\.updates/],
    ];
    for (const [label, method, url, payload, status, match] of cases) {
      const r = await call(method, url, t.alice, payload);
      expect(r.statusCode, label).toBe(status);
      expect(JSON.stringify(r.json()), label).toMatch(match);
      expect(r.json().error.message, label).toBeTruthy();
    }
    const badIfMatch = await call(
      'PATCH',
      `/traders/${id}`,
      t.alice,
      { enabled: false },
      { 'if-match': 'yesterday' },
    );
    expect(badIfMatch.statusCode).toBe(400);
    const malformed = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/traders/${id}`,
      headers: { ...t.alice.headers, 'content-type': 'application/json' },
      payload: '{"enabled": fal',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('VALIDATION_FAILED');
    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/v1/traders',
      headers: { ...t.alice.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2_000_000), source: 'manual', address: 'big' }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await snapshot()).toBe(before);
  });

  it('deletes a trader and its performance row', async () => {
    const id = (
      await call('POST', '/traders', t.alice, { name: 'Gone', source: 'manual', address: 'gone' })
    ).json().id;
    expect((await call('DELETE', `/traders/${id}`, t.alice)).statusCode).toBe(204);
    expect((await call('GET', `/traders/${id}`, t.alice)).statusCode).toBe(404);
    expect((await call('DELETE', `/traders/${id}`, t.alice)).statusCode).toBe(404);
    const perf = (await call('GET', '/traders/performance', t.alice)).json();
    expect(perf.items.find((p: { traderId: number }) => p.traderId === id)).toBeUndefined();
  });
});
