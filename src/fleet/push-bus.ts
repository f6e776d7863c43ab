/**
 * Pushes that cross instances. Every update published on this instance goes
 * to its own WebSocket clients at once and, through Redis pub/sub, to the
 * clients of every other instance: a dashboard behind a load balancer gets
 * prices, PnL and closes whichever instance it is connected to.
 *
 * The same latest-value conflation as the hub applies before the wire:
 * updates published in one event-loop turn (a price flush reprices many
 * positions at once) are sent as one message, and a (topic, key, user)
 * published twice in that turn is sent once, with its last value. A message
 * from this instance is ignored on the way back. Best effort like the
 * WebSocket itself: while Redis is away, remote clients miss updates (their
 * next one carries the latest value); local clients are not affected.
 */
import type { Redis } from 'ioredis';
import { closeRedis, listenToOthers, startRedis } from '../cache/redis-connection.js';

export interface PushUpdate {
  topic: string;
  key: string;
  data: unknown;
  userId?: number;
}

interface Wire {
  from: string;
  updates: PushUpdate[];
}

export interface PushBusOptions {
  url: string;
  /** Channel shared by the fleet (the deployment's prefix). */
  channel: string;
  instanceId: string;
  /** An update published on another instance, for this instance's clients. */
  deliver(u: PushUpdate): void;
  /** Redis went away or came back (called once per change of each connection). */
  onState?(up: boolean, err?: Error): void;
}

export class PushBus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private pending = new Map<string, PushUpdate>();
  private scheduled = false;
  /** Messages sent and received, updates sent, and batches dropped (Redis away or refusing). */
  readonly stats = { sent: 0, received: 0, updatesSent: 0, failed: 0 };

  constructor(private readonly o: PushBusOptions) {
    const events = { onState: (_role: string, up: boolean, err?: Error) => o.onState?.(up, err) };
    this.pub = startRedis(o.url, 'push-pub', o.instanceId, events, {});
    this.sub = startRedis(o.url, 'push-sub', o.instanceId, events, {
      state: (up) => {
        if (up) void this.subscribe();
      },
    });
    listenToOthers(this.sub, o.channel, o.instanceId, decode, (m) => {
      this.stats.received++;
      for (const u of m.updates) o.deliver(u);
    });
  }

  /** Queues `u` for the other instances; sent, conflated, at the end of this event-loop turn. */
  publish(u: PushUpdate): void {
    this.pending.set(`${u.topic}\u0000${u.key}\u0000${u.userId ?? ''}`, u);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  async close(): Promise<void> {
    this.flush();
    await Promise.all([closeRedis(this.pub), closeRedis(this.sub)]);
  }

  private flush(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const updates = [...this.pending.values()];
    this.pending = new Map();
    if (this.pub.status !== 'ready') {
      this.stats.failed++;
      return;
    }
    const wire: Wire = { from: this.o.instanceId, updates };
    this.stats.sent++;
    this.stats.updatesSent += updates.length;
    this.pub.publish(this.o.channel, JSON.stringify(wire)).catch(() => {
      this.stats.failed++;
    });
  }

  /** (Re)subscribes after every reconnect (`autoResubscribe` is off on these connections). */
  private async subscribe(): Promise<void> {
    await this.sub.subscribe(this.o.channel).catch(() => {
      this.stats.failed++;
    });
  }
}

function decode(raw: string): Wire | undefined {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o['from'] !== 'string' || !Array.isArray(o['updates'])) return undefined;
  const updates = (o['updates'] as unknown[]).filter(
    (u): u is PushUpdate =>
      typeof u === 'object' &&
      u !== null &&
      typeof (u as PushUpdate).topic === 'string' &&
      typeof (u as PushUpdate).key === 'string' &&
      ((u as PushUpdate).userId === undefined || typeof (u as PushUpdate).userId === 'number'),
  );
  return { from: o['from'], updates };
}
