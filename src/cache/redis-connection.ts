/**
 * ioredis connections for the cache, tuned so a dead Redis costs nothing:
 * connect lazily, give up on a command after one retry, refuse commands
 * while disconnected (no offline queue on the data connection), reconnect
 * in the background with capped backoff, and report only changes of state
 * (up -> down -> up), never one line per failed attempt.
 */
import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';

// Loaded on first use: a process without REDIS_URL never pays ioredis' ~24 MiB of RSS.
const requireModule = createRequire(import.meta.url);
let RedisClass: typeof Redis | undefined;

/** `data`/`bus`: the cache's command and subscriber connections; `push-pub`/`push-sub`: the fleet's push bus. */
export type RedisRole = 'data' | 'bus' | 'push-pub' | 'push-sub';

export interface ConnectionEvents {
  /** Called when the connection becomes ready, and when it is lost after being ready or fails to connect. */
  onState?(role: RedisRole, up: boolean, err?: Error): void;
  /** Called for every connection error (for counting). */
  onError?(role: RedisRole, err: Error): void;
}

export interface ConnectionTimeouts {
  /** Connect attempt deadline. @default 1000 */
  connectTimeoutMs?: number;
  /** Per-command deadline on the data connection. @default 1000 */
  commandTimeoutMs?: number;
}

/** Backoff between reconnect attempts: 100 ms doubling, capped at 2 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(attempt - 1, 5), 2_000);
}

/** A lazily connecting client; call `connect()` (errors are reported through `events`). */
export function openRedis(
  url: string,
  role: RedisRole,
  instanceId: string,
  events: ConnectionEvents,
  timeouts: ConnectionTimeouts = {},
): Redis {
  const options: RedisOptions = {
    lazyConnect: true,
    connectTimeout: timeouts.connectTimeoutMs ?? 1_000,
    retryStrategy: reconnectDelay,
    enableReadyCheck: true,
    connectionName: `tradeloop-${role === 'data' || role === 'bus' ? 'cache-' : ''}${role}-${instanceId}`,
    ...(role === 'data' || role === 'push-pub'
      ? {
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          commandTimeout: timeouts.commandTimeoutMs ?? 1_000,
        }
      : { maxRetriesPerRequest: null, enableOfflineQueue: true, autoResubscribe: false }),
  };
  RedisClass ??= (requireModule('ioredis') as { Redis: typeof Redis }).Redis;
  const client = new RedisClass(url, options);
  let up: boolean | undefined;
  const change = (next: boolean, err?: Error) => {
    if (up === next) return;
    up = next;
    events.onState?.(role, next, err);
  };
  client.on('ready', () => change(true));
  client.on('error', (err: Error) => {
    events.onError?.(role, err);
    change(false, err);
  });
  client.on('close', () => change(false));
  return client;
}

/** What a part that owns a connection does on its events, besides reporting them. */
export interface ConnectionHooks {
  /** Every connection error (the part counts them). */
  error?(): void;
  /** After every change of state, once `events` has heard of it: resubscribe, replay pending work... */
  state?(up: boolean): void;
}

/**
 * `openRedis`, with the part's own hooks run after the shared `events`, and
 * connecting at once in the background (failures are reported through the
 * events while ioredis keeps retrying).
 */
export function startRedis(
  url: string,
  role: RedisRole,
  instanceId: string,
  events: ConnectionEvents,
  hooks: ConnectionHooks,
  timeouts: ConnectionTimeouts = {},
): Redis {
  const client = openRedis(
    url,
    role,
    instanceId,
    {
      onError: (r, err) => {
        hooks.error?.();
        events.onError?.(r, err);
      },
      onState: (r, up, err) => {
        events.onState?.(r, up, err);
        hooks.state?.(up);
      },
    },
    timeouts,
  );
  client.connect().catch(() => {
    // reported through events; ioredis keeps retrying
  });
  return client;
}

/**
 * Hands every message on `channel` that decodes and was sent by another
 * instance (its `from` is not `instanceId`) to `deliver`.
 */
export function listenToOthers<M extends { from: string }>(
  client: Redis,
  channel: string,
  instanceId: string,
  decode: (raw: string) => M | undefined,
  deliver: (m: M) => void,
): void {
  client.on('message', (from: string, raw: string) => {
    if (from !== channel) return;
    const m = decode(raw);
    if (m !== undefined && m.from !== instanceId) deliver(m);
  });
}

/** Closes `client` without waiting on a Redis that is not there. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through to a hard disconnect
    }
  }
  client.disconnect(false);
}
