/**
 * The follows generation of a watcher (migration 017) moves whenever one of
 * its leader's follows is created, toggled, edited or deleted — through the
 * service or by hand in SQL — and not for other leaders' or manual traders'
 * changes; the fan-out re-reads a leader's follows only when it moved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedLeaders } from '../../src/venues/simulated/simulated-leaders.js';
import { databaseTargets } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';

describe.each(await databaseTargets())('follows generation on $name', (target) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await testServices(target);
  });
  afterAll(() => ctx.close());

  it('moves with every change to a follow of that leader, and only then', async () => {
    const s = ctx.services;
    const leaders = (s.copy.sources.get('simulated') as SimulatedLeaders).addresses();
    const [a, b] = [leaders[0]!, leaders[1]!];
    const watcher = await s.copy.repo.ensureWatcher('simulated', a, 'sim:0', Date.now());
    const other = await s.copy.repo.ensureWatcher('simulated', b, 'sim:0', Date.now());
    const generation = async (id: number) =>
      Number(
        (
          await s.db.first<{ g: number }>({
            sql:
              s.db.dialect === 'sqlite'
                ? 'select follows_generation as g from copy_watchers where id = ?'
                : 'select follows_generation as g from copy_watchers where id = $1',
            parameters: [id],
          })
        )?.g,
      );
    const user = (await s.users.create(`gen-${target.name}`)).user.id;
    const g0 = await generation(watcher.id);
    const g0other = await generation(other.id);

    const t = await s.traders.create(user, {
      name: 'F',
      source: 'simulated',
      address: a,
      allocation: '1000',
    });
    const g1 = await generation(watcher.id);
    expect(g1).toBeGreaterThan(g0);
    await s.traders.update(user, t.id, { enabled: false });
    const g2 = await generation(watcher.id);
    expect(g2).toBeGreaterThan(g1);
    await s.traders.create(user, { name: 'M', source: 'manual', address: 'manual-1', allocation: '1' });
    expect(await generation(watcher.id)).toBe(g2);
    await s.db.run({
      sql:
        s.db.dialect === 'sqlite'
          ? 'update traders set allocation = ? where id = ?'
          : 'update traders set allocation = $1 where id = $2',
      parameters: ['2000', t.id],
    });
    const g3 = await generation(watcher.id);
    expect(g3).toBeGreaterThan(g2);
    await s.traders.delete(user, t.id);
    expect(await generation(watcher.id)).toBeGreaterThan(g3);
    expect(await generation(other.id)).toBe(g0other);
  });
});
