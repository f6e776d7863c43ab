/**
 * Input the API must read one way only: ids in paths are plain positive
 * integers on every route that takes one (found in /openapi.json), integers
 * in query strings are digits, and a JSON Content-Type with an empty body is
 * no body (a DELETE from a client that always sends the header).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../support/databases.js';
import { testApp } from '../support/services.js';

type Ctx = Awaited<ReturnType<typeof testApp>>;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
interface PathParameter {
  in: string;
  name: string;
  schema: { type?: string };
}
type Paths = Record<string, Record<string, { parameters?: PathParameter[] }>>;

const BAD_IDS = ['0x2', '1e3', '%201', '1%20', '0', '-1', '1.0', '+1', '01', '1_000', '99999999999999999999'];

describe.each(await databaseTargets())('request input on $name', (target) => {
  let t: Ctx;
  let traderId: number;
  beforeAll(async () => {
    t = await testApp(target);
    traderId = (
      await t.services.traders.create(t.alice.user.id, { name: 'Kept', source: 'manual', address: 'kept' })
    ).id;
  });
  afterAll(() => t.close());

  const call = (method: Method, url: string, payload?: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...t.alice.headers, ...headers },
      ...(payload === undefined ? {} : { payload }),
    });

  it('answers 400 naming the id for an id that is not plain digits, on every route with a numeric id', async () => {
    const paths = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json().paths as Paths;
    const routes: [Method, string][] = [];
    for (const [path, ops] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const ids = (op.parameters ?? []).filter((p) => p.in === 'path' && p.schema.type === 'integer');
        if (ids.length > 0) routes.push([method.toUpperCase() as Method, path.replace('/api/v1', '')]);
      }
    }
    // traders (get, patch, delete, copies), orders, positions (get, patch, close), jobs (get, delete)
    expect(routes.length).toBeGreaterThanOrEqual(10);
    const before = (await call('GET', `/traders/${traderId}`)).json();
    for (const [method, path] of routes) {
      for (const bad of BAD_IDS) {
        const url = path.replace(/\{\w+\}/, bad);
        const body = method === 'PATCH' ? '{"enabled":false}' : undefined;
        const r = await call(method, url, body, body ? { 'content-type': 'application/json' } : {});
        expect({ method, url, status: r.statusCode }).toEqual({ method, url, status: 400 });
        expect(r.json().error.details[0].path).toBe('params.id');
      }
    }
    // Trader 2 (0x2) or 1 (" 1") was never touched.
    expect((await call('GET', `/traders/${traderId}`)).json()).toEqual(before);
  });

  it('reads integers in query strings as digits only', async () => {
    expect((await call('GET', '/orders?limit=0x10')).statusCode).toBe(400);
    expect((await call('GET', '/orders?limit=1e2')).statusCode).toBe(400);
    expect((await call('GET', '/orders?limit=10')).statusCode).toBe(200);
  });

  it('accepts a DELETE with Content-Type: application/json and no body', async () => {
    const json = { 'content-type': 'application/json' };
    const gone = (
      await call('POST', '/traders', '{"name":"Gone","source":"manual","address":"gone"}', json)
    ).json().id;
    const r = await call('DELETE', `/traders/${gone}`, '', json);
    expect(r.statusCode).toBe(204);
    expect((await call('GET', `/traders/${gone}`)).statusCode).toBe(404);
    // A route that needs a body still says so, as a 400 about the body.
    const empty = await call('POST', '/traders', '', json);
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toMatch(/^body /);
    // Malformed JSON is still malformed.
    expect((await call('POST', '/traders', '{"name":', json)).statusCode).toBe(400);
  });

  it('refuses a number a double cannot carry in a field that is not an amount', async () => {
    const r = await call(
      'POST',
      '/orders',
      `{"pair":"BTC/USDT","side":"buy","quantity":"1","traderId":${traderId}.0000000000000000001}`,
      { 'content-type': 'application/json' },
    );
    expect(r.statusCode).toBe(400);
    expect(JSON.stringify(r.json().error.details)).toMatch(/body\.traderId/);
  });
});
