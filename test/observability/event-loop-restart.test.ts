/**
 * Start-up work is not the running service's lag: a loop blocked before the
 * app is ready shows in the lag figures; once the app is ready (Fastify's
 * onReady calls EventLoopLag.restart) the figures start afresh and the lag
 * alert does not fire.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { sqliteTarget } from '../support/databases.js';
import { testServices } from '../support/services.js';

function block(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: the event loop cannot turn
  }
}

const lagAlerts = (alerts: { id: string }[]) => alerts.filter((a) => a.id === 'event-loop-lag');

describe('event-loop lag measured during start-up', async () => {
  const t = await testServices(sqliteTarget, { alertEventLoopLagMs: 100 }, { realClock: true });
  afterAll(() => t.close());

  it('counts before the app is ready, and is forgotten when it is', async () => {
    const obs = t.services.observability;
    // Let the monitor take samples around a 400 ms block, as migrations or schema compilation would.
    await new Promise((r) => setTimeout(r, 50));
    block(400);
    await new Promise((r) => setTimeout(r, 50));
    expect(obs.eventLoop.snapshot().maxMs).toBeGreaterThan(100);

    const app = await buildApp(t.services);
    await app.ready();
    const after = obs.eventLoop.snapshot();
    expect(after.maxMs).toBeLessThan(100);
    expect(lagAlerts(obs.alerts.evaluate())).toEqual([]);
    await app.close();
  });
});
