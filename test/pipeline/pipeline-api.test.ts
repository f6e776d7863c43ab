/**
 * /api/v1/pipeline over real services: status for any user, start and stop
 * for admins only, the last decisions with their reasons page by page, and
 * 401 / 403 / 400 answers that name the problem, through the real app.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import { PipelineRunner } from '../../src/pipeline/pipeline-runner.js';
import { PipelineStateRepository } from '../../src/store/pipeline-state-repository.js';
import { databaseTargets } from '../support/databases.js';
import { HOUR, nextHour, type PipelineContext, pipelineContext } from './support.js';

const targets = await databaseTargets();

describe.each(targets)('pipeline API on $name', (target) => {
  let ctx: PipelineContext;
  let app: FastifyInstance;
  let pipeline: Pipeline;
  let admin: Record<string, string>;
  let alice: Record<string, string>;
  beforeAll(async () => {
    ctx = await pipelineContext(target, { pipelineIntervalMs: HOUR });
    pipeline = ctx.custom({ intervalMs: HOUR });
    // The real app, with this suite's pipeline (hourly, driven by the test) in place of the configured one.
    const pipelineRunner = new PipelineRunner({
      pipeline,
      state: new PipelineStateRepository(ctx.services.db),
      clock: ctx.clock,
      pollMs: HOUR,
      holds: () => true,
    });
    app = await buildApp({ ...ctx.services, pipeline, pipelineRunner });
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    admin = auth((await ctx.services.users.create('root', { admin: true })).token);
    alice = auth((await ctx.services.users.create('alice')).token);
  });
  afterAll(async () => {
    await app.close();
    await ctx.close();
  });

  it('needs a token for every pipeline route (401)', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/pipeline/status'],
      ['POST', '/api/v1/pipeline/start'],
      ['POST', '/api/v1/pipeline/stop'],
      ['GET', '/api/v1/pipeline/decisions'],
    ] as const) {
      const r = await app.inject({ method, url });
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('UNAUTHORIZED');
    }
  });

  it('shows the status to any user, in simulation mode with the reason', async () => {
    const r = await app.inject({ url: '/api/v1/pipeline/status', headers: alice });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      running: false,
      mode: 'paper',
      simulation: true,
      modeReason: 'no exchange keys',
      lastRun: null,
      lastError: null,
      account: { equity: 10_000, cash: 10_000, openPositions: 0, haltedByDailyLoss: false },
    });
  });

  it('lets only an admin start and stop it (403 for others; nothing changes)', async () => {
    for (const url of ['/api/v1/pipeline/start', '/api/v1/pipeline/stop']) {
      const r = await app.inject({ method: 'POST', url, headers: alice });
      expect(r.statusCode).toBe(403);
      expect(r.json().error.code).toBe('FORBIDDEN');
    }
    expect(pipeline.isRunning).toBe(false);
    const started = await app.inject({ method: 'POST', url: '/api/v1/pipeline/start', headers: admin });
    expect(started.statusCode).toBe(200);
    expect(started.json().running).toBe(true);
    await pipeline.settled();
    for (let h = 0; h < 3; h++) {
      ctx.clock.advance(HOUR);
      await pipeline.settled();
    }
    const s = (await app.inject({ url: '/api/v1/pipeline/status', headers: alice })).json();
    expect(s.lastRun).toMatchObject({ status: 'ok', mode: 'paper' });
    expect(s.lastRun.startedAt).toBe(new Date(ctx.clock.now()).toISOString());
    expect(Object.keys(s.lastRun.stages).sort()).toEqual(['analysis', 'decision', 'execution', 'scout']);
    expect(s.candidates).toHaveLength(3);
    expect(s.positions.length).toBeGreaterThan(0);
    // The answer schema serialises the status: it keeps every field the pipeline reports.
    const live = await pipeline.status();
    const keys = (o: object) => Object.keys(o).sort();
    expect(keys(s)).toEqual(keys({ ...live, wanted: null }));
    expect(keys(s.lastRun)).toEqual(keys(live.lastRun!));
    expect(keys(s.candidates[0])).toEqual(keys(live.candidates[0]!));
    expect(keys(s.positions[0])).toEqual(keys(live.positions[0]!));
    const stopped = await app.inject({ method: 'POST', url: '/api/v1/pipeline/stop', headers: admin });
    expect(stopped.json().running).toBe(false);
  });

  it('lists the last decisions with their reasons, newest first, by cursor', async () => {
    await nextHour(ctx, pipeline, 2);
    const all = (await pipeline.history.listDecisions(500, null)).length;
    expect(all).toBeGreaterThan(3);
    const first = await app.inject({ url: '/api/v1/pipeline/decisions?limit=2', headers: alice });
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(body.items).toHaveLength(2);
    expect(body.items[0]).toMatchObject({
      mode: 'paper',
      action: expect.stringMatching(/^(enter|skip|exit)$/),
      reason: expect.any(String),
    });
    expect(body.items[0].id).toBeGreaterThan(body.items[1].id);
    const seen = new Set<number>(body.items.map((d: { id: number }) => d.id));
    let cursor: string | null = body.nextCursor;
    while (cursor) {
      const r = await app.inject({
        url: `/api/v1/pipeline/decisions?limit=2&cursor=${cursor}`,
        headers: alice,
      });
      for (const d of r.json().items as { id: number }[]) seen.add(d.id);
      cursor = r.json().nextCursor;
    }
    expect(seen.size).toBe(all);
  });

  it('lists the last runs with their stage timings, newest first', async () => {
    await nextHour(ctx, pipeline, 2);
    const r = await app.inject({ url: '/api/v1/pipeline/runs?limit=2', headers: alice });
    expect(r.statusCode).toBe(200);
    const runs = r.json().items;
    expect(runs).toHaveLength(2);
    expect(runs[0].id).toBeGreaterThan(runs[1].id);
    expect(runs[0]).toMatchObject({ status: 'ok', mode: 'paper' });
    expect(Object.keys(runs[0].stages).sort()).toEqual(['analysis', 'decision', 'execution', 'scout']);
    const status = (await app.inject({ url: '/api/v1/pipeline/status', headers: alice })).json();
    expect(runs[0].id).toBe(status.lastRun.id);
    for (const qs of ['limit=0', 'limit=101', 'limit=x', 'other=1']) {
      const bad = await app.inject({ url: `/api/v1/pipeline/runs?${qs}`, headers: alice });
      expect(bad.statusCode, qs).toBe(400);
      expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect((await app.inject({ url: '/api/v1/pipeline/runs' })).statusCode).toBe(401);
  });

  it('answers bad query parameters with 400 naming the field', async () => {
    for (const [qs, path] of [
      ['limit=0', 'querystring.limit'],
      ['limit=abc', 'querystring.limit'],
      ['limit=501', 'querystring.limit'],
      ['cursor=%25%25', 'query.cursor'],
      ['nope=1', 'nope'],
    ] as const) {
      const r = await app.inject({ url: `/api/v1/pipeline/decisions?${qs}`, headers: alice });
      expect(r.statusCode, qs).toBe(400);
      expect(r.json().error.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(r.json().error.details)).toContain(path);
    }
  });
});
