/**
 * Every route's schemas compile. The app compiles a route's validators and
 * serializers on its first request (`src/api/lazy-compilers.ts`), so a schema
 * that does not compile would otherwise show only when someone calls the
 * route; here each one is compiled eagerly with the very compilers the app
 * uses. And the lazy wrappers behave as the compiled functions do: the same
 * answers, the same errors, compiled once.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lazySerializerFactory, lazyValidator } from '../../src/api/lazy-compilers.js';
import { validatorCompiler } from '../../src/api/validator.js';
import { buildApp } from '../../src/app.js';
import { sqliteTarget } from '../support/databases.js';
import { testServices } from '../support/services.js';

/** Where a route schema's request parts sit (Fastify takes `query` for `querystring`) and what Fastify calls each. */
const PARTS = {
  body: 'body',
  querystring: 'querystring',
  query: 'querystring',
  params: 'params',
  headers: 'headers',
};

describe('route schemas', () => {
  const routes: RouteOptions[] = [];
  let close: () => Promise<void>;

  beforeAll(async () => {
    const ctx = await testServices(sqliteTarget);
    const app = await buildApp(ctx.services, { onRoute: (r) => routes.push(r) });
    await app.ready();
    close = async () => {
      await app.close();
      await ctx.close();
    };
  });
  afterAll(() => close());

  it('every validator and serializer of every route compiles', () => {
    const serializers = SerializerSelector()({}, {});
    let validators = 0;
    let responses = 0;
    const failures: string[] = [];
    for (const r of routes) {
      const schema = r.schema as Record<string, unknown> | undefined;
      if (!schema) continue;
      const where = `${String(r.method)} ${r.url}`;
      for (const [key, part] of Object.entries(PARTS)) {
        const s = schema[key];
        if (!s) continue;
        try {
          validatorCompiler({ schema: s, method: String(r.method), url: r.url, httpPart: part });
          validators++;
        } catch (err) {
          failures.push(`${where} ${part}: ${(err as Error).message}`);
        }
      }
      for (const [status, s] of Object.entries((schema['response'] ?? {}) as Record<string, unknown>)) {
        try {
          serializers({ schema: s, method: String(r.method), url: r.url, httpStatus: status });
          responses++;
        } catch (err) {
          failures.push(`${where} ${status}: ${(err as Error).message}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // The API has ~100 routes; most take a query, params or a body and answer with a schema.
    expect(routes.length).toBeGreaterThan(80);
    expect(validators).toBeGreaterThan(60);
    expect(responses).toBeGreaterThan(80);
  });

  it('a lazy validator compiles on its first call, once, and reports the compiled errors', () => {
    let compiled = 0;
    const compile = (route: { schema: unknown; httpPart?: string }) => {
      compiled++;
      return validatorCompiler({ schema: route.schema, method: 'GET', url: '/x', httpPart: route.httpPart });
    };
    const make = lazyValidator(compile as never);
    const schema = {
      type: 'object',
      required: ['limit'],
      properties: { limit: { type: 'integer', minimum: 1 } },
    };
    const validate = make({ schema, method: 'GET', url: '/x', httpPart: 'querystring' }) as ((
      d: unknown,
    ) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
    expect(compiled).toBe(0);
    expect(validate({ limit: '0x2' })).toBe(false);
    expect(validate.errors?.[0]?.message).toMatch(/decimal digits/);
    const query = { limit: '5' };
    expect(validate(query)).toBe(true);
    expect(validate.errors).toBeNull();
    expect(query.limit).toBe(5);
    expect(validate({})).toBe(false);
    expect(validate.errors?.[0]?.message).toMatch(/limit/);
    expect(compiled).toBe(1);
  });

  it('a lazy serializer writes what fast-json-stringify writes', () => {
    const schema = {
      type: 'object',
      properties: { id: { type: 'integer' }, name: { type: 'string' } },
    };
    const route = { schema, method: 'GET', url: '/x', httpStatus: '200' };
    const lazy = lazySerializerFactory()({}, {})(route);
    const eager = SerializerSelector()({}, {})(route);
    const value = { id: 7, name: 'a "quoted" name', extra: 'dropped' };
    expect(lazy(value)).toBe(eager(value));
    expect(JSON.parse(lazy(value))).toEqual({ id: 7, name: 'a "quoted" name' });
  });
});
