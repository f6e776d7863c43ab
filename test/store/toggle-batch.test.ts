/**
 * Toggles of manual traders sent concurrently (grouped into one statement on
 * PostgreSQL) leave every row exactly as the same toggles one at a time do,
 * and a toggle that cannot apply (another owner, a stale version, a watched
 * trader) fails alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError } from '../../src/domain/errors.js';
import { TraderRepository, type TraderRow } from '../../src/store/trader-repository.js';
import { TOGGLE_BATCH_SQL } from '../../src/store/trader-toggle-batch.js';
import { databaseTargets } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';

const TRADERS = 12;

describe.each(await databaseTargets())('toggles on $name', (target) => {
  let ctx: TestContext;
  let owner: number;
  let other: number;

  beforeAll(async () => {
    ctx = await testServices(target);
    owner = (await ctx.services.users.create('owner')).user.id;
    other = (await ctx.services.users.create('other')).user.id;
  });
  afterAll(() => ctx.close());

  const follow = async (prefix: string) => {
    const ids: number[] = [];
    for (let i = 0; i < TRADERS; i++)
      ids.push(
        (
          await ctx.services.traders.create(owner, {
            name: `${prefix}${i}`,
            source: 'manual',
            address: `${prefix}-${i}`,
          })
        ).id,
      );
    return ids;
  };
  const state = (t: TraderRow | undefined) =>
    t && [t.enabled, t.version, t.enabled_since, t.disabled_at, t.enabled_windows, t.updated_at];

  it('concurrent toggles (several of one trader among them) end as the same toggles one at a time', async () => {
    const repo = new TraderRepository(ctx.services.db);
    const byOne = await follow('seq');
    const together = await follow('par');
    // Trader k gets k % 3 + 1 toggles: off, on, off, ... each at its own time.
    const plan = (ids: number[]) =>
      ids.flatMap((id, k) =>
        Array.from({ length: (k % 3) + 1 }, (_, n) => ({ id, enabled: n % 2 === 1, now: 5_000 + n })),
      );
    const one: (TraderRow | undefined)[] = [];
    for (const p of plan(byOne))
      one.push(
        await repo
          .update(p.id, owner, { enabled: p.enabled }, p.now, undefined, ctx.services.db, true)
          .then((t) => t && rowOf(t.id)),
      );
    const before = repo.toggles ? { ...repo.toggles.stats } : undefined;
    const all = await Promise.all(
      plan(together).map((p) =>
        repo.update(p.id, owner, { enabled: p.enabled }, p.now, undefined, ctx.services.db, true),
      ),
    );
    expect(all.every((t) => t !== undefined)).toBe(true);
    for (let k = 0; k < TRADERS; k++)
      expect(state(await rowOf(together[k]!))).toEqual(state(await rowOf(byOne[k]!)));
    expect(one.length).toBe(all.length);
    if (repo.toggles && before) {
      const s = repo.toggles.stats;
      expect(s.writes - before.writes).toBe(all.length);
      expect(s.statements - before.statements).toBeLessThan(all.length); // grouped
      expect(s.largest).toBeGreaterThan(1);
    }
  });

  it('a toggle that cannot apply fails alone; its neighbours commit', async () => {
    const ids = await follow('mix');
    const watched = await ctx.services.traders.create(owner, {
      name: 'Watched',
      source: 'polymarket',
      address: '0x00000000000000000000000000000000000000aa',
    });
    const { traders } = ctx.services;
    const outcomes = await Promise.allSettled([
      traders.update(owner, ids[0]!, { enabled: false }),
      traders.update(other, ids[1]!, { enabled: false }),
      traders.update(owner, ids[2]!, { enabled: false }, 7),
      traders.update(owner, watched.id, { enabled: false }),
      traders.update(owner, ids[3]!, { enabled: false }, 1),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(ForbiddenError);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    const enabled = await Promise.all(
      [ids[0]!, ids[1]!, ids[2]!, watched.id, ids[3]!].map(async (id) => (await rowOf(id))!.enabled),
    );
    expect(enabled).toEqual([0, 1, 1, 0, 0]);
  });

  async function rowOf(id: number): Promise<TraderRow | undefined> {
    return ctx.services.db.first<TraderRow>({
      sql:
        ctx.services.db.dialect === 'postgres'
          ? 'select * from traders where id = $1'
          : 'select * from traders where id = ?',
      parameters: [id],
    });
  }
});

// A table just filled, before autovacuum analysed it: PostgreSQL believed ~2 manual traders and
// read all of them through the (source, address) index for every group, 0.55 ms a group at 1,000
// traders. The index no longer covers manual traders (migration 021) and the statement names the
// keys (`t.id = any($1)`), so each toggled one is found by its key whatever the statistics say.
describe.each((await databaseTargets()).filter((t) => t.name === 'postgres'))(
  'grouped toggles on freshly filled traders ($name)',
  (target) => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await testServices(target);
    });
    afterAll(() => ctx.close());

    it('find each toggled trader by its key, never every manual trader', async () => {
      const { users, traders, db } = ctx.services;
      const owner = (await users.create('fresh')).user.id;
      const ids: number[] = [];
      for (let i = 0; i < 1000; i++)
        ids.push(
          (await traders.create(owner, { name: `f${i}`, source: 'manual', address: `fresh-${i}` })).id,
        );
      const pick = ids.slice(100, 105);
      const plan = await db.transaction(async (tx) => {
        const rows = await tx.all<{ 'QUERY PLAN': string }>({
          sql: `explain ${TOGGLE_BATCH_SQL}`,
          parameters: [
            pick,
            pick.map(() => owner),
            pick.map(() => 0),
            pick.map(() => 1),
            pick.map(() => null),
            2000,
          ],
        });
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
      expect(plan).toContain('traders_pkey');
      expect(plan).not.toMatch(/traders_source_address_idx|Seq Scan on traders/);
    });
  },
);
