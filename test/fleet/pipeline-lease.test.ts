/**
 * The signal bot in a fleet: two instances on one PostgreSQL schema, both
 * with their background work started. A start sent to either instance runs
 * the bot on exactly one of them (the `pipeline` lease holder); when that
 * instance stops, the other takes the lease and resumes the bot; a stop sent
 * to the survivor stops it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { buildServices, type Services } from '../../src/container.js';
import { systemClock } from '../../src/domain/clock.js';
import { databaseTargets } from '../support/databases.js';
import { until } from '../support/fleet.js';

const postgres = (await databaseTargets()).find((t) => t.name === 'postgres');

describe.runIf(postgres)('the pipeline lease across two instances on PostgreSQL', () => {
  const opened: Services[] = [];
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    for (const s of opened) await s.close().catch(() => {});
    await drop?.();
  });

  async function instance(url: string): Promise<Services> {
    const config = loadConfig(
      {},
      {
        databaseUrl: url,
        logLevel: 'silent',
        jobExecutor: 'embedded',
        fleetLeaseMs: 1500,
        pipelineIntervalMs: 3_600_000,
        copyEngine: 'off',
        priceStream: 'off',
      },
    );
    const s = await buildServices(config, { clock: systemClock, warming: false });
    opened.push(s);
    await s.startBackground();
    return s;
  }

  it('runs the bot on one instance only, and moves it when that instance stops', async () => {
    const db = await postgres!.create();
    drop = db.drop;
    const a = await instance(db.url);
    const b = await instance(db.url);
    const running = () => [a, b].filter((s) => s.pipeline.isRunning).length;

    // Sent to B; whichever instance holds the lease runs it.
    await b.pipelineRunner.start(null);
    await until('one instance runs the bot', async () => (running() === 1 ? true : undefined), 10_000);
    const holder = a.pipeline.isRunning ? a : b;
    const other = holder === a ? b : a;
    // It stays on one instance over several lease rounds.
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 300));
      expect(running()).toBe(1);
    }

    await holder.close();
    opened.splice(opened.indexOf(holder), 1);
    await until(
      'the other instance resumes the bot',
      async () => (other.pipeline.isRunning ? true : undefined),
      15_000,
    );

    await other.pipelineRunner.stop(null);
    expect(other.pipeline.isRunning).toBe(false);
    expect((await other.pipelineRunner.wanted()).running).toBe(false);
  }, 60_000);
});
