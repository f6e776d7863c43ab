/**
 * The copy engine's periodic pass, on SQLite and PostgreSQL, with a manual
 * clock: it reads the watched leaders (a join over every follow) only when
 * they may have changed — a follow changed here, follows or watchers changed
 * by another instance (or by hand in SQL), a leader watched only for its
 * grace, or 30 s since the last read — and the watchdog names a watched
 * leader that nobody has polled for longer than COPY_WATCHDOG_MS, in
 * `stalled()` and `/api/v1/performance/alerts`, from the pass's candidates
 * only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNewTrader } from '../../src/domain/trader.js';
import { LedgerRepository } from '../../src/store/ledger-repository.js';
import { TraderRepository } from '../../src/store/trader-repository.js';
import { databaseTargets } from '../support/databases.js';
import { testApp } from '../support/services.js';

const WATCHDOG_MS = 60_000;

for (const target of await databaseTargets()) {
  describe(`copy engine passes on ${target.name}`, () => {
    let t: Awaited<ReturnType<typeof testApp>>;
    let reads = 0;
    const p = (n: number) => (target.name === 'sqlite' ? '?' : `$${n}`);

    beforeAll(async () => {
      t = await testApp(target, { copyWatchdogMs: WATCHDOG_MS, copyMaxLagMs: 60_000 });
      const repo = t.services.copy.repo;
      const read = repo.watchedLeaders.bind(repo);
      repo.watchedLeaders = (graceMs) => {
        reads++;
        return read(graceMs);
      };
    });
    afterAll(async () => {
      await t?.services.copy.engine?.stop();
      await t?.close();
    });

    const follow = async (userId: number, address: string) => {
      // Written by "another instance": straight to the store, so this engine is not told.
      const traders = new TraderRepository(t.services.db);
      const parsed = parseNewTrader(
        { name: address, source: 'simulated', address, allocation: '1000' },
        'body',
        t.services.copy.service.checkAddress,
      );
      const now = t.clock.now();
      const row = await traders.insert(userId, parsed, now);
      await new LedgerRepository(t.services.db).createStats(row.id, userId, now, t.services.db);
      return row.id;
    };
    const watcherOf = async (address: string) =>
      (await t.services.copy.repo.watchers()).find((w) => w.address === address);

    it('reads the watched leaders again only when they may have changed', async () => {
      const engine = t.services.copy.engine!;
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/traders',
        headers: t.alice.headers,
        payload: { name: 'Scalper', source: 'simulated', address: 'sim-scalper-3', allocation: '1000' },
      });
      expect(created.statusCode, created.body).toBe(201);
      await engine.start();
      // The first pass created the watcher, which moves the marker: the next pass reads once more.
      await engine.sync();
      const settled = reads;
      expect(settled).toBeGreaterThan(0);
      await engine.sync();
      await engine.sync();
      expect(reads).toBe(settled);
      expect(engine.held()).toEqual([(await watcherOf('sim-scalper-3'))!.id]);

      // Another instance follows a new leader: read at the next pass, and its watcher taken up.
      const other = await follow(t.bob.user.id, 'sim-scalper-2');
      await engine.sync();
      expect(reads).toBe(settled + 1);
      const second = await watcherOf('sim-scalper-2');
      expect(second).toBeDefined();
      expect(engine.held()).toContain(second!.id);
      await engine.sync(); // the new watcher row moved the marker once more
      const quiet = reads;
      await engine.sync();
      expect(reads).toBe(quiet);

      // Another instance switches it off: read again, and on every pass while it is watched for its grace.
      const now = t.clock.now();
      await t.services.db.run({
        sql: `update traders set enabled = 0, disabled_at = ${p(1)}, updated_at = ${p(2)} where id = ${p(3)}`,
        parameters: [now, now, other],
      });
      await engine.sync();
      expect(reads).toBe(quiet + 1);
      expect(engine.held()).toContain(second!.id);
      await engine.sync();
      expect(reads).toBe(quiet + 2);

      // Back on (by hand again): the grace is over, the reads stop; 30 s later one more, whatever the marker says.
      await t.services.db.run({
        sql: `update traders set enabled = 1, disabled_at = null, updated_at = ${p(1)} where id = ${p(2)}`,
        parameters: [now, other],
      });
      await engine.sync();
      const on = reads;
      await engine.sync();
      expect(reads).toBe(on);
      // The advance fires the engine's own tick, whose pass may run at a time before the end of the
      // advance; the second pass runs after it.
      t.clock.advance(30_000);
      await engine.sync();
      await engine.sync();
      expect(reads).toBe(on + 1);
    });

    it('names a watched leader nobody polled for longer than COPY_WATCHDOG_MS, and only that one', async () => {
      const engine = t.services.copy.engine!;
      const healthy = (await watcherOf('sim-scalper-3'))!;
      // Another instance follows a third leader and runs its watcher, then hangs: the lease is
      // still its own, and nobody has polled for 57 s.
      const source = t.services.copy.sources.get('simulated')!;
      const stuck = await t.services.copy.repo.ensureWatcher(
        'simulated',
        'sim-scalper-1',
        source.cursorAt('sim-scalper-1', t.clock.now()),
        t.clock.now(),
      );
      const hang = async (quietMs: number) => {
        const at = t.clock.now() - quietMs;
        await t.services.db.run({
          sql: `update copy_watchers set lease_owner = 'ghost', lease_until = ${p(1)}, polled_at = ${p(2)}, advanced_at = ${p(3)}, error = 'read timed out' where id = ${p(4)}`,
          parameters: [t.clock.now() + 3_600_000, at, at, stuck.id],
        });
        await t.services.db.run({
          sql: `update copy_watchers set polled_at = ${p(1)} where id = ${p(2)}`,
          parameters: [t.clock.now(), healthy.id],
        });
      };
      await hang(57_000);
      await follow(t.bob.user.id, 'sim-scalper-1');
      await engine.sync();
      expect(engine.held()).not.toContain(stuck.id);
      expect(engine.stalled()).toEqual([]);
      // Four seconds on, before the next pass: quiet 61 s, named (the pass kept it as a candidate).
      t.clock.advance(4_000);
      expect(engine.stalled()).toEqual([
        {
          source: 'simulated',
          address: 'sim-scalper-1',
          quietMs: 61_000,
          error: 'read timed out',
          holder: 'ghost',
        },
      ]);
      const alerts = await t.app.inject({
        method: 'GET',
        url: '/api/v1/performance/alerts',
        headers: t.admin.headers,
      });
      expect(alerts.statusCode, alerts.body).toBe(200);
      const copyAlerts = alerts
        .json()
        .alerts.filter((a: { metric: string }) => a.metric === 'copy_watcher_stalled');
      expect(copyAlerts).toMatchObject([
        { id: 'copy-stalled:simulated:sim-scalper-1', value: 61, threshold: 60 },
      ]);

      // The holder answers again: no longer named after the next pass.
      await hang(0);
      await engine.sync();
      expect(engine.stalled()).toEqual([]);
    });
  });
}
