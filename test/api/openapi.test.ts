/**
 * The OpenAPI document over real HTTP: valid OpenAPI 3.1 (checked by an
 * independent validator), every route with a summary, bearer auth on /api/v1,
 * the shared Error envelope on errors; and real answers of the built app
 * match the response schemas it publishes.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedVenue } from '../../src/venues/simulated/simulated-venue.js';
import { sqliteTarget } from '../support/databases.js';
import { conformance, type Document, type Operation } from '../support/openapi-conformance.js';
import { testApp } from '../support/services.js';

type Ctx = Awaited<ReturnType<typeof testApp>>;

describe('OpenAPI document', () => {
  let t: Ctx;
  let base: string;
  let doc: Document;
  let conforms: ReturnType<typeof conformance>['conforms'];

  beforeAll(async () => {
    // A real clock: opening a position goes through the market-data batching window.
    t = await testApp(sqliteTarget, {}, { realClock: true });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${base}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = (await res.json()) as Document;
    conforms = conformance(doc).conforms;
  });
  afterAll(() => t.close());

  const http = async (
    method: string,
    path: string,
    body?: unknown,
    auth: boolean | Record<string, string> = true,
  ) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(auth === true ? t.alice.headers : auth === false ? {} : auth),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every route with a summary and a tag, bearer auth on /api/v1, and the Error envelope', () => {
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method, op })),
    );
    const names = routes.map((r) => `${r.method.toUpperCase()} ${r.path}`);
    for (const want of [
      'GET /healthz',
      'GET /metrics',
      'POST /api/v1/traders',
      'PATCH /api/v1/traders/{id}',
      'GET /api/v1/orders',
      'POST /api/v1/positions/{id}/close',
      'GET /api/v1/jobs/{id}',
    ]) {
      expect(names).toContain(want);
    }
    expect(names.some((n) => n.includes('/docs') || n.includes('openapi') || n === 'GET /')).toBe(false);
    expect(doc.components.securitySchemes['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const r of routes) {
      expect(r.op.summary, `${r.method} ${r.path} has a summary`).toBeTruthy();
      expect(r.op.tags?.length, `${r.method} ${r.path} has a tag`).toBe(1);
      const api = r.path.startsWith('/api/v1/');
      expect(r.op.security ?? null).toEqual(api ? [{ bearer: [] }] : null);
      const error = r.op.responses['5XX']?.content?.['application/json']?.schema;
      expect(error).toEqual({ $ref: '#/components/schemas/Error' });
      if (api) expect(r.op.responses['4XX']?.content?.['application/json']?.schema).toEqual(error);
    }
  });

  it('documents a success answer for every route: a JSON schema, or no body, or its media type', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const success = Object.entries(op.responses).filter(([code]) => /^(1|2)/.test(code));
        expect(success.length, `${method.toUpperCase()} ${path} documents its success`).toBeGreaterThan(0);
        for (const [code, answer] of success) {
          const media = Object.values(answer.content ?? {});
          if (code === '204' || code === '101') expect(media).toEqual([]);
          else
            expect(media[0]?.schema, `${method.toUpperCase()} ${path} ${code} has a schema`).toMatchObject({
              type: expect.anything(),
            });
        }
      }
    }
    expect(Object.keys(doc.paths['/metrics']!['get']!.responses['200']!.content!)).toEqual(['text/plain']);
  });

  it('documents request bodies and parameters', () => {
    const create = doc.paths['/api/v1/traders']!['post']! as Operation & {
      requestBody: { content: Record<string, { schema: { required: string[] } }> };
    };
    expect(create.requestBody.content['application/json']!.schema.required).toEqual(['name', 'address']);
    const list = doc.paths['/api/v1/orders']!['get']! as Operation & {
      parameters: { name: string; in: string }[];
    };
    expect(list.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['query:limit', 'query:cursor', 'query:status', 'query:pair']),
    );
    // Bodies a parser checks field by field are documented all the same (Ajv only sees an object).
    const body = (path: string, method: string) =>
      (
        doc.paths[path]![method]! as Operation & {
          requestBody: { content: Record<string, { schema: Record<string, unknown> }> };
        }
      ).requestBody.content['application/json']!.schema;
    const backtest = body('/api/v1/backtests', 'post') as { anyOf: { required: string[] }[] };
    expect(backtest.anyOf.map((v) => v.required)).toEqual([
      ['strategy', 'venue', 'symbol', 'timeframe', 'from', 'to', 'initialCapital'],
      ['kind', 'source', 'address', 'from', 'to', 'initialCapital'],
    ]);
    expect(body('/api/v1/montecarlo', 'post')).toMatchObject({
      properties: { tradeReturns: { type: 'array' }, fromJob: { type: 'integer' } },
    });
    expect(body('/api/v1/credentials/{venue}', 'put')).toMatchObject({ required: ['apiKey', 'secret'] });
    const one = doc.paths['/api/v1/orders/{id}']!['get']! as Operation & {
      parameters: { name: string; in: string }[];
    };
    expect(one.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
  });

  it('real answers match the published response schemas', async () => {
    const created = await http('POST', '/api/v1/traders', {
      name: 'Ansem',
      source: 'manual',
      address: 'So1anaWa11et',
      allocation: '250.5',
      followOptions: { takeProfitPct: 30 },
    });
    expect(created.status).toBe(201);
    conforms('POST', '/api/v1/traders', created);
    conforms('GET', '/api/v1/traders', await http('GET', '/api/v1/traders?limit=10'));
    conforms('GET', '/api/v1/leaders', await http('GET', '/api/v1/leaders?limit=5'));
    conforms('GET', '/api/v1/copies', await http('GET', '/api/v1/copies?limit=5'));
    conforms('GET', '/api/v1/paper-account', await http('GET', '/api/v1/paper-account'));

    const order = await http('POST', '/api/v1/orders', {
      pair: 'BTC/USDT',
      side: 'buy',
      type: 'limit',
      price: '65000.5',
      quantity: '0.25',
      status: 'filled',
      filledQuantity: '0.25',
      averagePrice: '65000.5',
    });
    expect(order.status).toBe(201);
    conforms('POST', '/api/v1/orders', order);
    conforms('GET', '/api/v1/orders', await http('GET', '/api/v1/orders'));
    conforms(
      'GET',
      '/api/v1/orders/{id}',
      await http('GET', `/api/v1/orders/${(order.body as { id: number }).id}`),
    );

    const venue = t.services.venue as SimulatedVenue;
    const spot = (await venue.fetchMarkets()).find((m) => m.symbol === 'ETH/USDT')!;
    const position = await http('POST', '/api/v1/positions', { marketId: spot.id, side: 'long', size: '2' });
    expect(position.status).toBe(201);
    conforms('POST', '/api/v1/positions', position);
    conforms('GET', '/api/v1/positions', await http('GET', '/api/v1/positions'));
    conforms('GET', '/api/v1/overview', await http('GET', '/api/v1/overview?days=7'));

    conforms('GET', '/healthz', await http('GET', '/healthz', undefined, false));
    conforms('GET', '/readyz', await http('GET', '/readyz', undefined, false));
    conforms('GET', '/api/v1/traders/performance', await http('GET', '/api/v1/traders/performance'));
    const bulk = await http('POST', '/api/v1/orders/bulk', {
      orders: [{ pair: 'ETH/USDT', side: 'sell', quantity: '1' }],
    });
    expect(bulk.status).toBe(201);
    conforms('POST', '/api/v1/orders/bulk', bulk);
    conforms('GET', '/api/v1/stats/daily-volume', await http('GET', '/api/v1/stats/daily-volume?days=7'));
    conforms('GET', '/api/v1/prices', await http('GET', '/api/v1/prices?symbols=BTC/USDT,NOPE/USDT'));
    conforms('GET', '/api/v1/ohlcv/{symbol}', await http('GET', '/api/v1/ohlcv/BTC%2FUSDT?tf=1h&limit=5'));
    const markets = await http('GET', '/api/v1/markets?limit=3');
    conforms('GET', '/api/v1/markets', markets);
    const firstId = (markets.body as { items: { id: string }[] }).items[0]!.id;
    conforms(
      'GET',
      '/api/v1/markets/{id}',
      await http('GET', `/api/v1/markets/${encodeURIComponent(firstId)}`),
    );
    conforms(
      'POST',
      '/api/v1/markets/batch',
      await http('POST', '/api/v1/markets/batch', { ids: [firstId, 'nope'] }),
    );
    conforms('GET', '/api/v1/strategies', await http('GET', '/api/v1/strategies'));
    conforms('GET', '/api/v1/jobs', await http('GET', '/api/v1/jobs'));
    conforms('GET', '/api/v1/performance/alerts', await http('GET', '/api/v1/performance/alerts'));
    conforms('GET', '/api/v1/performance/cache', await http('GET', '/api/v1/performance/cache'));
    const admin = t.admin.headers;
    conforms(
      'GET',
      '/api/v1/performance/system',
      await http('GET', '/api/v1/performance/system', undefined, admin),
    );
    conforms('GET', '/api/v1/pipeline/status', await http('GET', '/api/v1/pipeline/status'));
    conforms('GET', '/api/v1/pipeline/runs', await http('GET', '/api/v1/pipeline/runs'));
    conforms('GET', '/api/v1/overview/markets', await http('GET', '/api/v1/overview/markets'));
    conforms('GET', '/api/v1/copies/watchers', await http('GET', '/api/v1/copies/watchers'));
    conforms('GET', '/api/v1/performance/copy', await http('GET', '/api/v1/performance/copy'));
    const gone = await http('DELETE', `/api/v1/traders/${(created.body as { id: number }).id}`);
    expect(gone.status).toBe(204);
    conforms('DELETE', '/api/v1/traders/{id}', gone);
    conforms(
      'GET',
      '/api/v1/traders/{id}',
      await http('GET', `/api/v1/traders/${(created.body as { id: number }).id}`),
    );

    const bad = await http('POST', '/api/v1/traders', { name: '', address: 'x', extra: 1 });
    expect(bad.status).toBe(400);
    conforms('POST', '/api/v1/traders', bad);
    const unauthorised = await http('GET', '/api/v1/orders', undefined, false);
    expect(unauthorised.status).toBe(401);
    conforms('GET', '/api/v1/orders', unauthorised);
  });

  it('job results (a backtest, Monte Carlo runs on it, a copy backtest, maintenance) and every report match', async () => {
    const HOUR = 3_600_000;
    const day = (offset: number) => new Date(Date.now() + offset * 24 * HOUR).toISOString().slice(0, 10);
    const finished = async (id: number, auth: boolean | Record<string, string> = true) => {
      for (;;) {
        const job = await http('GET', `/api/v1/jobs/${id}`, undefined, auth);
        const status = (job.body as { status: string }).status;
        if (status !== 'queued' && status !== 'running') return job;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const submit = async (path: string, body: object) => {
      const queued = await http('POST', path, body);
      expect(queued.status, JSON.stringify(queued.body)).toBe(202);
      conforms('POST', path, queued);
      const job = await finished((queued.body as { id: number }).id);
      expect(job.body, JSON.stringify(job.body)).toMatchObject({ status: 'succeeded' });
      conforms('GET', '/api/v1/jobs/{id}', job);
      return job.body as { id: number; result: Record<string, unknown[]> };
    };

    const backtest = await submit('/api/v1/backtests', {
      strategy: 'sma-cross',
      params: { fast: 5, slow: 20 },
      venue: 'simulated',
      symbol: 'BTC/USDT',
      timeframe: '1h',
      from: day(-30),
      to: day(-1),
      initialCapital: 10_000,
    });
    expect(backtest.result['trades']!.length, 'the result has trades to check').toBeGreaterThan(0);
    // Both forms of a Monte Carlo result: a bootstrap's spread, a reshuffle's one final equity.
    for (const method of ['bootstrap', 'reshuffle'])
      await submit('/api/v1/montecarlo', { fromJob: backtest.id, method, paths: 200 });
    const copy = await submit('/api/v1/backtests', {
      kind: 'copy',
      source: 'simulated',
      address: 'sim-scalper-3',
      from: day(-10),
      to: day(-3),
      initialCapital: 5000,
      followOptions: { copyMode: 'fixed', fixedAmount: '100', stopLossPct: '5' },
    });
    expect(copy.result['copied']!.length + copy.result['skipped']!.length).toBeGreaterThan(0);
    conforms('GET', '/api/v1/jobs', await http('GET', '/api/v1/jobs?limit=10'));
    conforms('DELETE', '/api/v1/jobs/{id}', await http('DELETE', `/api/v1/jobs/${copy.id}`));

    // A maintenance run is a finished job of the first admin, and a line of the database report.
    const admin = t.admin.headers;
    await t.services.observability.maintenance.runNow();
    const runs = (await http('GET', '/api/v1/jobs?limit=1', undefined, admin)).body as {
      items: { id: number }[];
    };
    conforms('GET', '/api/v1/jobs/{id}', await finished(runs.items[0]!.id, admin));

    for (const report of ['streams', 'marketdata', 'monitor', 'alerts', 'cache', 'copy'])
      conforms('GET', `/api/v1/performance/${report}`, await http('GET', `/api/v1/performance/${report}`));
    for (const report of ['database', 'system', 'indexes'])
      conforms(
        'GET',
        `/api/v1/performance/${report}`,
        await http('GET', `/api/v1/performance/${report}`, undefined, admin),
      );
  }, 120_000);

  it('serves the Swagger UI at /docs without a token', async () => {
    const page = await fetch(`${base}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toMatch(/swagger-ui/i);
    const init = await fetch(`${base}/docs/static/swagger-initializer.js`);
    expect(init.status).toBe(200);
    const script = await fetch(`${base}/docs/static/swagger-ui-bundle.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${base}/docs/static/nope.js`)).status).toBe(404);
  });
});
