/**
 * The shared tier (L2) on Redis: entries as JSON envelopes with their load
 * time and tags, expiring at ttl + grace; a sorted set per tag; invalidation
 * counters guarding writes against racing invalidations; invalidations that
 * delete, bump counters and publish on the bus in one script. Any failure or
 * a disconnected Redis surfaces as UnavailableError, fast: the cache treats
 * that as a miss. Invalidations that could not reach Redis are remembered
 * (bounded) and replayed when it is back.
 */
import type { Redis } from 'ioredis';
import { UnavailableError } from '../domain/errors.js';
import { type BusMessage, encodeBusMessage } from './invalidation-bus.js';
import {
  type ConnectionEvents,
  type ConnectionTimeouts,
  closeRedis,
  startRedis,
} from './redis-connection.js';
import { INVALIDATE_KEYS_SCRIPT, INVALIDATE_TAGS_SCRIPT, runScript, WRITE_SCRIPT } from './redis-scripts.js';

/** How long invalidation counters live: longer than any load can take. */
const VERSION_TTL_MS = 24 * 60 * 60 * 1_000;
/** Tags and keys kept for replay while Redis is unreachable; beyond this the oldest are forgotten. */
const MAX_PENDING = 10_000;
/**
 * Tag-set members are trimmed once expired for this long by the writer's
 * clock, so instances whose clocks disagree by less never trim a member
 * whose entry Redis still holds (an invalidation would then miss it).
 */
const TRIM_MARGIN_MS = 60_000;

/** An entry as stored in Redis. */
export interface L2Entry {
  value: unknown;
  loadedAt: number;
  tags: string[];
}

/** What a read found: the entry if any, and the invalidation counters to write against. */
export interface L2Read {
  entry: L2Entry | undefined;
  /** Length of the stored envelope (stands for the value's JSON length in the L1 estimate). */
  bytes: number;
  versions: string[];
}

export interface RedisTierOptions extends ConnectionTimeouts {
  url: string;
  prefix: string;
  /** Named as the sender of published invalidations. */
  instanceId: string;
  events: ConnectionEvents;
}

function decodeEnvelope(raw: string): L2Entry | undefined {
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const o = parsed as Record<string, unknown>;
  const tags = o['g'];
  if (typeof o['t'] !== 'number' || !Array.isArray(tags) || !('v' in o)) return undefined;
  if (!tags.every((t): t is string => typeof t === 'string')) return undefined;
  return { value: o['v'], loadedAt: o['t'], tags };
}

export class RedisTier {
  private readonly client: Redis;
  private readonly pendingTags = new Set<string>();
  private readonly pendingKeys = new Set<string>();
  private closed = false;
  errors = 0;

  constructor(private readonly opts: RedisTierOptions) {
    this.client = startRedis(
      opts.url,
      'data',
      opts.instanceId,
      opts.events,
      {
        error: () => this.errors++,
        state: (up) => {
          if (up) void this.replayPending();
        },
      },
      opts,
    );
  }

  get connected(): boolean {
    return this.client.status === 'ready';
  }

  get pendingInvalidations(): number {
    return this.pendingTags.size + this.pendingKeys.size;
  }

  /** The channel invalidations are published on. */
  get channel(): string {
    return `${this.opts.prefix}bus`;
  }

  /** Resolves once connected; rejects with UnavailableError after `timeoutMs` of real time. */
  async ready(timeoutMs: number): Promise<void> {
    if (this.connected) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        this.client.off('ready', onReady);
        reject(new UnavailableError(`cache Redis not ready after ${timeoutMs} ms`));
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(t);
        resolve();
      };
      this.client.once('ready', onReady);
    });
  }

  /** Reads the entry and the counters of its key and `tags`, in one round trip. */
  async read(fullKey: string, tags: readonly string[]): Promise<L2Read> {
    const p = this.opts.prefix;
    const raw = await this.call(() =>
      this.client.mget(`${p}e:${fullKey}`, `${p}v:k:${fullKey}`, ...tags.map((t) => `${p}v:t:${t}`)),
    );
    const [payload, ...versions] = raw;
    return {
      entry: payload ? decodeEnvelope(payload) : undefined,
      bytes: payload?.length ?? 0,
      versions: versions.map((v) => v ?? ''),
    };
  }

  /**
   * Writes an entry that expires `pxMs` from now. With `versions` (from the
   * read before the load), the write is refused if an invalidation came in
   * between; returns whether it was written.
   */
  async write(
    fullKey: string,
    entry: { json: string; loadedAt: number; tags: readonly string[] },
    pxMs: number,
    now: number,
    versions?: readonly string[],
  ): Promise<boolean> {
    const p = this.opts.prefix;
    const { tags } = entry;
    const payload = `{"t":${entry.loadedAt},"g":${JSON.stringify(tags)},"v":${entry.json}}`;
    const keys = [
      `${p}e:${fullKey}`,
      `${p}v:k:${fullKey}`,
      ...tags.map((t) => `${p}v:t:${t}`),
      ...tags.map((t) => `${p}t:${t}`),
    ];
    const px = Math.max(1, Math.ceil(pxMs));
    const check = versions !== undefined && versions.length === tags.length + 1;
    const args = [payload, px, tags.length, check ? '1' : '0', now - TRIM_MARGIN_MS, now + px, fullKey];
    const written = await this.call(() =>
      runScript(this.client, WRITE_SCRIPT, keys, check ? [...args, ...versions] : args),
    );
    return written === 1;
  }

  /**
   * Deletes the entries of `tags`, bumps their counters and tells every
   * instance on the bus; remembered for replay when Redis is unreachable.
   * Returns the L2 entries deleted.
   */
  async invalidateTags(tags: readonly string[]): Promise<number> {
    const p = this.opts.prefix;
    const keys = [...tags.map((t) => `${p}t:${t}`), ...tags.map((t) => `${p}v:t:${t}`)];
    const args = this.args({ from: this.opts.instanceId, tags: [...tags], keys: [] });
    try {
      return Number(await this.call(() => runScript(this.client, INVALIDATE_TAGS_SCRIPT, keys, args)));
    } catch (err) {
      this.remember(this.pendingTags, tags);
      throw err;
    }
  }

  /** As `invalidateTags`, for full keys. */
  async invalidateKeys(fullKeys: readonly string[]): Promise<number> {
    const p = this.opts.prefix;
    const keys = [...fullKeys.map((k) => `${p}e:${k}`), ...fullKeys.map((k) => `${p}v:k:${k}`)];
    const args = this.args({ from: this.opts.instanceId, tags: [], keys: [...fullKeys] });
    try {
      return Number(await this.call(() => runScript(this.client, INVALIDATE_KEYS_SCRIPT, keys, args)));
    } catch (err) {
      this.remember(this.pendingKeys, fullKeys);
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await closeRedis(this.client);
  }

  private args(message: BusMessage): string[] {
    return [`${this.opts.prefix}e:`, String(VERSION_TTL_MS), this.channel, encodeBusMessage(message)];
  }

  private async call<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed || !this.connected) {
      this.errors++;
      throw new UnavailableError(`cache Redis is ${this.closed ? 'closed' : this.client.status}`);
    }
    try {
      return await op();
    } catch (err) {
      this.errors++;
      throw new UnavailableError('cache Redis command failed', { cause: err });
    }
  }

  private remember(into: Set<string>, items: readonly string[]): void {
    for (const item of items) {
      into.delete(item);
      into.add(item);
      if (into.size > MAX_PENDING) {
        const oldest = into.values().next();
        if (!oldest.done) into.delete(oldest.value);
      }
    }
  }

  /**
   * Replays invalidations that failed while Redis was away, published again
   * for instances that stayed connected (those that reconnected resync anyway).
   */
  private async replayPending(): Promise<void> {
    const tags = [...this.pendingTags];
    const keys = [...this.pendingKeys];
    this.pendingTags.clear();
    this.pendingKeys.clear();
    // A failed call remembers its items again, for the next reconnect.
    if (tags.length > 0) await this.invalidateTags(tags).catch(() => {});
    if (keys.length > 0) await this.invalidateKeys(keys).catch(() => {});
  }
}
