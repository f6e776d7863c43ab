/**
 * Fleet leases on the real store (SQLite and PostgreSQL): one holder per
 * role; a waiting instance takes a dead holder's role once its lease
 * expires; a clean stop hands it over at once; racing instances never both
 * win; a holder cut off from the store lets go before its grant ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { FleetLease } from '../../src/fleet/fleet-lease.js';
import { LeaseRepository } from '../../src/store/lease-repository.js';
import { databaseTargets } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';

const TTL = 3_000;

describe.each(await databaseTargets())('fleet leases on $name', (target) => {
  let ctx: TestContext;
  let store: LeaseRepository;
  beforeAll(async () => {
    ctx = await testServices(target);
    store = new LeaseRepository(ctx.services.db);
  });
  afterAll(() => ctx.close());

  /** Waits for the rounds the clock's timers started. */
  const settle = async (...leases: FleetLease[]) => {
    for (const l of leases) await l.idle();
  };

  function lease(name: string, owner: string, clock: ManualClock, log: string[], s = store) {
    return new FleetLease({
      name,
      owner,
      ttlMs: TTL,
      store: s,
      clock,
      onAcquire: async () => void log.push(`${owner} start`),
      onLose: async () => void log.push(`${owner} stop`),
    });
  }

  it('one holder; a dead holder is replaced once its lease expires, not before', async () => {
    const clock = new ManualClock(1_000_000);
    const log: string[] = [];
    const a = lease('role-1', 'a', clock, log);
    const b = lease('role-1', 'b', clock, log);
    await a.start();
    await b.start();
    expect([a.held, b.held]).toEqual([true, false]);
    // `a` dies without a word (kill -9): its renewals stop, its row stays.
    // biome-ignore lint/suspicious/noExplicitAny: reaching into the lease to silence it, as a crash would
    (a as any).stopped = true;
    // biome-ignore lint/suspicious/noExplicitAny: as above
    (a as any).cancel?.();
    clock.advance(TTL - 100);
    await settle(a, b);
    expect(b.held).toBe(false);
    clock.advance(TTL / 3 + 200); // past a's last grant, at b's next round
    await settle(a, b);
    expect(b.held).toBe(true);
    expect(log).toEqual(['a start', 'b start']);
    expect((await store.holder('role-1'))?.owner).toBe('b');
    await b.stop();
  });

  it('a clean stop hands the role over at the next round, and keeps acquired_at while renewing', async () => {
    const clock = new ManualClock(2_000_000);
    const log: string[] = [];
    const a = lease('role-2', 'a', clock, log);
    const b = lease('role-2', 'b', clock, log);
    await a.start();
    await b.start();
    const first = await store.holder('role-2');
    clock.advance(TTL / 3);
    await settle(a, b);
    expect(await store.holder('role-2')).toMatchObject({ owner: 'a', acquiredAt: first!.acquiredAt });
    await a.stop();
    expect(log).toEqual(['a start', 'a stop']);
    clock.advance(TTL / 3);
    await settle(a, b);
    expect(b.held).toBe(true);
    await b.stop();
  });

  it('instances racing for a free lease: exactly one wins', async () => {
    const now = 3_000_000;
    const wins = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.acquire('role-3', `racer-${i}`, now, now + TTL)),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
    // Expired: again exactly one of the others.
    const later = now + TTL + 1;
    const again = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.acquire('role-3', `late-${i}`, later, later + TTL)),
    );
    expect(again.filter(Boolean)).toHaveLength(1);
  });

  it('a holder that cannot reach the store stops its role before its grant ends', async () => {
    const clock = new ManualClock(4_000_000);
    const log: string[] = [];
    let down = false;
    const flaky = {
      acquire: (...a: Parameters<LeaseRepository['acquire']>) =>
        down ? Promise.reject(new Error('connection refused')) : store.acquire(...a),
      release: (...a: Parameters<LeaseRepository['release']>) => store.release(...a),
    };
    const errors: unknown[] = [];
    const a = new FleetLease({
      name: 'role-4',
      owner: 'a',
      ttlMs: TTL,
      store: flaky,
      clock,
      onAcquire: async () => void log.push('a start'),
      onLose: async () => void log.push('a stop'),
      onError: (e) => errors.push(e),
    });
    await a.start();
    down = true;
    clock.advance(TTL / 3); // grant ends at +TTL: still surely valid
    await settle(a);
    expect(a.held).toBe(true);
    clock.advance(TTL / 3); // within the last third of the grant: let go
    await settle(a);
    expect(a.held).toBe(false);
    expect(log).toEqual(['a start', 'a stop']);
    expect(errors.length).toBeGreaterThan(0);
    // Before the grant ends nobody else may take it; after, another can.
    expect(await store.acquire('role-4', 'b', 4_000_000 + TTL - 1, 4_000_000 + 2 * TTL)).toBe(false);
    expect(await store.acquire('role-4', 'b', 4_000_000 + TTL + 1, 4_000_000 + 2 * TTL)).toBe(true);
    down = false;
    await a.stop();
  });

  it('a role that fails to start gives the lease back', async () => {
    const clock = new ManualClock(5_000_000);
    const a = new FleetLease({
      name: 'role-5',
      owner: 'a',
      ttlMs: TTL,
      store,
      clock,
      onAcquire: async () => {
        throw new Error('venue down');
      },
      onLose: async () => {},
      onError: () => {},
    });
    await a.start();
    expect(a.held).toBe(false);
    expect(await store.acquire('role-5', 'b', 5_000_000, 5_000_000 + TTL)).toBe(true);
    await a.stop();
  });
});
