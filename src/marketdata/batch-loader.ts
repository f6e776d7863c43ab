/**
 * DataLoader-style batching: single-key requests made within a short window
 * are merged into batched upstream calls of at most `maxBatch` keys, and a
 * key already waiting or in flight is never requested twice. There is no
 * cache here: caching is the cache layer's job.
 */
import type { Clock } from '../domain/clock.js';

interface Pending<V> {
  promise: Promise<V | undefined>;
  resolve(v: V | undefined): void;
  reject(e: unknown): void;
}

export interface BatchLoaderOptions<V> {
  clock: Clock;
  /** Most keys per upstream call. */
  maxBatch: number;
  /** How long to collect keys before calling upstream (0 = end of the current tick). */
  windowMs: number;
  /** One upstream call for `keys`; keys absent from the result resolve to undefined. */
  fetch(keys: string[]): Promise<Map<string, V>>;
}

export class BatchLoader<V> {
  private waiting = new Map<string, Pending<V>>();
  private readonly inflight = new Map<string, Pending<V>>();
  private scheduled = false;

  constructor(private readonly opts: BatchLoaderOptions<V>) {}

  load(key: string): Promise<V | undefined> {
    const existing = this.waiting.get(key) ?? this.inflight.get(key);
    if (existing) return existing.promise;
    let resolve!: (v: V | undefined) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<V | undefined>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.waiting.set(key, { promise, resolve, reject });
    if (!this.scheduled) {
      this.scheduled = true;
      if (this.opts.windowMs > 0) this.opts.clock.setTimer(this.opts.windowMs, () => this.flush());
      else setImmediate(() => this.flush());
    }
    return promise;
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.waiting;
    this.waiting = new Map();
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += this.opts.maxBatch) {
      void this.run(keys.slice(i, i + this.opts.maxBatch), batch);
    }
  }

  private async run(keys: string[], batch: Map<string, Pending<V>>): Promise<void> {
    for (const k of keys) this.inflight.set(k, batch.get(k)!);
    try {
      const result = await this.opts.fetch(keys);
      for (const k of keys) batch.get(k)!.resolve(result.get(k));
    } catch (err) {
      for (const k of keys) batch.get(k)!.reject(err);
    } finally {
      for (const k of keys) this.inflight.delete(k);
    }
  }
}
