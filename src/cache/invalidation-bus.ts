/**
 * The invalidation bus: every instance subscribes, on its own connection, to
 * `<prefix>bus`, where invalidations are published (by the same script that
 * deletes the L2 entries), and drops its L1 copies of the tags and keys named.
 * A message from this instance is ignored (it dropped them already).
 *
 * Messages sent while this subscriber was away are lost, so each time it
 * (re)subscribes it asks the cache to resync: drop L1 entries loaded before
 * that moment (they are still in L2 if valid).
 */
import type { Redis } from 'ioredis';
import {
  type ConnectionEvents,
  type ConnectionTimeouts,
  closeRedis,
  listenToOthers,
  startRedis,
} from './redis-connection.js';

export interface BusMessage {
  from: string;
  tags: string[];
  keys: string[];
}

export function encodeBusMessage(m: BusMessage): string {
  return JSON.stringify(m);
}

/** The message in `raw`, or undefined when it is not one of ours. */
export function decodeBusMessage(raw: string): BusMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const o = parsed as Record<string, unknown>;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (typeof o['from'] !== 'string' || !strings(o['tags']) || !strings(o['keys'])) return undefined;
  return { from: o['from'], tags: o['tags'], keys: o['keys'] };
}

export interface BusOptions extends ConnectionTimeouts {
  url: string;
  channel: string;
  instanceId: string;
  events: ConnectionEvents;
  /** An invalidation from another instance. */
  onMessage(m: BusMessage): void;
  /** Subscribed (again) at `since`: anything loaded before may have missed invalidations. */
  onResync(since: number): void;
  /** Clock reading for `onResync`. */
  now(): number;
}

export class InvalidationBus {
  private readonly client: Redis;
  private subscribedAt: number | undefined;
  private readonly waiters = new Set<() => void>();
  received = 0;
  errors = 0;

  constructor(private readonly opts: BusOptions) {
    this.client = startRedis(
      opts.url,
      'bus',
      opts.instanceId,
      opts.events,
      {
        error: () => this.errors++,
        state: (up) => {
          if (up) void this.subscribe();
          else this.subscribedAt = undefined;
        },
      },
      opts,
    );
    listenToOthers(this.client, opts.channel, opts.instanceId, decodeBusMessage, (m) => {
      this.received++;
      opts.onMessage(m);
    });
  }

  get subscribed(): boolean {
    return this.subscribedAt !== undefined;
  }

  /** Resolves true once subscribed, false after `timeoutMs` of real time (this waits on I/O, not on the cache's Clock). */
  whenSubscribed(timeoutMs: number): Promise<boolean> {
    if (this.subscribed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(onSubscribed);
        resolve(ok);
      };
      const onSubscribed = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(onSubscribed);
    });
  }

  async close(): Promise<void> {
    await closeRedis(this.client);
  }

  private async subscribe(): Promise<void> {
    const since = this.opts.now();
    try {
      await this.client.subscribe(this.opts.channel);
    } catch {
      this.errors++;
      return;
    }
    this.subscribedAt = since;
    this.opts.onResync(since);
    for (const w of [...this.waiters]) w();
  }
}
