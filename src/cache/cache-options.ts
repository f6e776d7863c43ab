/**
 * What `createCache` takes and what it returns beyond the `Cache` contract:
 * warming, readiness of the Redis connections, and the state of the tiers.
 * Options are validated once, with messages naming the option.
 */
import type { Clock } from '../domain/clock.js';
import { ValidationError } from '../domain/errors.js';
import type { Cache } from './cache.js';
import type { PolicyOverrides } from './policies.js';
import type { RedisRole } from './redis-connection.js';
import type { Warming, WarmingOptions } from './warming.js';

export interface CreateCacheOptions {
  clock: Clock;
  /** Per-kind changes to `DEFAULT_POLICIES` (a full `CachePolicies` works too). @default {} */
  policies?: PolicyOverrides;
  /** Most entries kept in L1. */
  maxEntries: number;
  /** Most estimated bytes kept in L1 (see `estimateBytes` in l1-store.ts). */
  maxBytes: number;
  /**
   * Adds the Redis L2 and the invalidation bus. Values reach other instances
   * as JSON: plain data round-trips, a Date comes back as a string, and a
   * value JSON cannot encode (BigInt, cycles) stays in L1, counted as an error.
   * @default none: L1 only
   */
  redisUrl?: string;
  /** Names this instance on the bus (its own messages are ignored). @default a random UUID */
  instanceId?: string;
  /** Prefix of every Redis key and of the bus channel. @default 'tl:cache:' */
  keyPrefix?: string;
  /** Redis connect deadline. @default 1000 */
  redisConnectTimeoutMs?: number;
  /** Redis per-command deadline (a slow Redis counts as down). @default 1000 */
  redisCommandTimeoutMs?: number;
  /** Called when a Redis connection goes up or down (not on every failed retry). */
  onRedisState?(role: RedisRole, up: boolean, err?: Error): void;
}

export interface TierStatus {
  l1: { entries: number; bytes: number; loadsInFlight: number };
  redis: {
    connected: boolean;
    subscribed: boolean;
    /** Failed or refused Redis operations and connection errors, since start. */
    errors: number;
    /** Reads answered by L2 without a load. */
    l2Hits: number;
    /** Invalidations received from other instances. */
    invalidationsReceived: number;
    /** Invalidations waiting for Redis to come back. */
    pendingInvalidations: number;
  } | null;
}

/** The cache as `createCache` builds it: the contract plus operations of the process that owns it. */
export interface LayeredCache extends Cache {
  /** Starts refreshing hot entries before they go stale; `stop()` it or `close()` the cache. */
  startWarming(opts: WarmingOptions): Warming;
  /**
   * Resolves when Redis is connected and the bus subscribed (at once without
   * Redis); rejects with UnavailableError after `timeoutMs` of real time.
   * Optional: the cache works, L1 only, while Redis is away.
   */
  ready(timeoutMs?: number): Promise<void>;
  tierStatus(): TierStatus;
}

export const DEFAULT_KEY_PREFIX = 'tl:cache:';

/** Throws ValidationError naming each bad option. */
export function validateOptions(o: CreateCacheOptions): void {
  const problems: { path: string; message: string }[] = [];
  const positive = (name: keyof CreateCacheOptions, v: unknown) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
      problems.push({ path: name, message: `${name} must be a whole number >= 1 (got ${String(v)})` });
  };
  positive('maxEntries', o.maxEntries);
  positive('maxBytes', o.maxBytes);
  if (o.redisConnectTimeoutMs !== undefined) positive('redisConnectTimeoutMs', o.redisConnectTimeoutMs);
  if (o.redisCommandTimeoutMs !== undefined) positive('redisCommandTimeoutMs', o.redisCommandTimeoutMs);
  if (o.redisUrl !== undefined && !/^rediss?:\/\//.test(o.redisUrl))
    problems.push({ path: 'redisUrl', message: 'redisUrl must start with redis:// or rediss://' });
  if (o.keyPrefix !== undefined && o.keyPrefix === '')
    problems.push({ path: 'keyPrefix', message: 'keyPrefix must not be empty' });
  if (problems.length > 0)
    throw new ValidationError(`cache options: ${problems.map((p) => p.message).join('; ')}`, {
      details: problems,
    });
}
