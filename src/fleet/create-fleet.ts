/**
 * What one instance needs to take part in a fleet: its id, the lease store,
 * the push bus to the other instances (with REDIS_URL), and leases built
 * alike (this instance as owner, FLEET_LEASE_MS, errors to the log).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import type { Database } from '../store/database.js';
import { LeaseRepository } from '../store/lease-repository.js';
import type { UpdateFanout } from '../updates/update-fanout.js';
import { FleetLease } from './fleet-lease.js';
import { PushBus } from './push-bus.js';

export interface Fleet {
  readonly instanceId: string;
  readonly leases: LeaseRepository;
  /** Pushes to and from the other instances (REDIS_URL set), else undefined. */
  readonly pushBus: PushBus | undefined;
  /** A lease of `name` for this instance; `role` starts and stops what the holder runs. */
  lease(
    name: string,
    role: Pick<ConstructorParameters<typeof FleetLease>[0], 'onAcquire' | 'onLose'>,
  ): FleetLease;
  close(): Promise<void>;
}

export async function createFleet(o: {
  db: Database;
  clock: Clock;
  leaseMs: number;
  redisUrl: string | undefined;
  updates: UpdateFanout;
  logger: Logger;
}): Promise<Fleet> {
  const instanceId = randomUUID();
  const leases = new LeaseRepository(o.db);
  // In a fleet (REDIS_URL), every push also reaches the clients of the other instances.
  const pushBus = o.redisUrl
    ? new PushBus({
        url: o.redisUrl,
        channel: `tl:push:${await leases.fleetId(randomUUID(), o.clock.now())}`,
        instanceId,
        deliver: (u) => o.updates.deliverLocal(u.topic, u.key, u.data, u.userId),
        onState: (up, err) =>
          up
            ? o.logger.info('push bus: Redis reachable, pushes cross instances')
            : o.logger.warn({ err }, 'push bus: Redis unreachable, pushes stay on this instance'),
      })
    : undefined;
  if (pushBus) o.updates.connectRemote(pushBus);
  return {
    instanceId,
    leases,
    pushBus,
    lease: (name, role) =>
      new FleetLease({
        name,
        owner: instanceId,
        ttlMs: o.leaseMs,
        store: leases,
        clock: o.clock,
        ...role,
        onError: (err, during) => o.logger.error({ err, lease: name, during }, 'fleet lease'),
      }),
    close: async () => {
      await pushBus?.close();
    },
  };
}
