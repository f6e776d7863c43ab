/**
 * Two instances on one database: the job families are read from the jobs
 * table, so only the holder of the `metrics` fleet lease exports them and
 * the sum over the fleet's /metrics counts each row once, also after the
 * lease moves to the other instance.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { buildServices, type Services } from '../../src/container.js';
import { ManualClock } from '../../src/domain/clock.js';
import { databaseTargets } from '../support/databases.js';
import { parsePromText } from './support.js';

const LEASE_MS = 3_000;
const FINISHED = 7;

describe.each(await databaseTargets())('job metrics in a fleet of two on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
  const instances: { services: Services; app: FastifyInstance }[] = [];

  /** Sum over both instances' /metrics of `name`'s samples (matching `labels`), after a stats refresh. */
  async function fleetSum(name: string, labels: Record<string, string> = {}): Promise<number[]> {
    const perInstance: number[] = [];
    for (const { services, app } of instances) {
      await services.jobStats.refresh();
      const prom = parsePromText((await app.inject({ url: '/metrics' })).body);
      perInstance.push(
        prom.samples
          .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
          .reduce((a, s) => a + s.value, 0),
      );
    }
    return perInstance;
  }

  beforeAll(async () => {
    db = await target.create();
    for (let i = 0; i < 2; i++) {
      const config = loadConfig(
        {},
        {
          databaseUrl: db.url,
          logLevel: 'silent',
          jobExecutor: 'embedded',
          fleetLeaseMs: LEASE_MS,
          priceStream: 'off',
          copyEngine: 'off',
        },
      );
      const services = await buildServices(config, { clock, warming: false });
      instances.push({ services, app: await buildApp(services) });
      await services.metricsLease.start();
    }
    const a = instances[0]!.services;
    const user = await a.users.create('alice');
    const at = clock.now() - 60_000;
    for (let i = 0; i < FINISHED; i++) {
      await instances[i % 2]!.services.jobs.recordFinished({
        type: 'backtest',
        userId: user.user.id,
        params: {},
        startedAt: at,
        finishedAt: at + 1000 * (i + 1),
        ok: i !== 0,
        result: {},
      });
    }
  });

  afterAll(async () => {
    for (const { services, app } of instances) {
      await app.close();
      await services.close();
    }
    await db?.drop();
  });

  it('one instance holds the metrics lease', async () => {
    expect(instances.map((i) => i.services.metricsLease.held)).toEqual([true, false]);
    const held = await fleetSum('tradeloop_fleet_lease_held', { role: 'metrics' });
    expect(held).toEqual([1, 0]);
  });

  it(`the fleet's sum of finished jobs is the ${FINISHED} rows, all from the lease holder`, async () => {
    const finished = await fleetSum('tradeloop_jobs_finished');
    expect(finished).toEqual([FINISHED, 0]);
    expect(await fleetSum('tradeloop_jobs_finished', { outcome: 'failed' })).toEqual([1, 0]);
    expect(await fleetSum('tradeloop_jobs_finished_last_hour', { type: 'backtest' })).toEqual([FINISHED, 0]);
  });

  it('after the holder lets go, the other exports them and the sum is still the rows', async () => {
    await instances[0]!.services.metricsLease.stop();
    clock.advance(LEASE_MS / 3);
    await instances[1]!.services.metricsLease.idle();
    expect(instances.map((i) => i.services.metricsLease.held)).toEqual([false, true]);
    expect(await fleetSum('tradeloop_jobs_finished')).toEqual([0, FINISHED]);
  });
});
