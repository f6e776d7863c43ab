/**
 * Scheduled maintenance shows in the jobs list: each run is recorded as a
 * finished `maintenance` job of the first admin, with what it did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../support/databases.js';
import { testApp } from '../support/services.js';

describe.each(await databaseTargets())('maintenance in the jobs list ($name)', (target) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  beforeAll(async () => {
    t = await testApp(target);
  });
  afterAll(() => t.close());

  it("records each run as a finished job in the admin's list, and nobody else's", async () => {
    const run = await t.services.observability.maintenance.runNow();
    expect(run.ok).toBe(true);
    const admin = await t.app.inject({ url: '/api/v1/jobs', headers: t.admin.headers });
    expect(admin.statusCode).toBe(200);
    const jobs = admin.json().items as { id: number; type: string; status: string; progress: number }[];
    const m = jobs.find((j) => j.type === 'maintenance');
    expect(m).toMatchObject({ status: 'succeeded', progress: 100 });
    const detail = await t.app.inject({ url: `/api/v1/jobs/${m!.id}`, headers: t.admin.headers });
    expect(JSON.stringify(detail.json().result)).toContain(
      target.name === 'sqlite' ? 'PRAGMA optimize' : 'ANALYZE',
    );
    const alice = await t.app.inject({ url: '/api/v1/jobs', headers: t.alice.headers });
    expect(alice.json().items).toHaveLength(0);
  });
});
