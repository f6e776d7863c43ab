/**
 * Group commit for one kind of single-row write on PostgreSQL: writes that
 * arrive in the same event-loop turn (concurrent requests) are spread over
 * the free slots (up to `maxInFlight` statements, whose commits the database
 * overlaps); beyond that they go out together, one statement (one round trip,
 * one commit) per group. A lone write waits for nothing but the end of its
 * turn. Writes to one row apply in arrival order: a batch never holds two
 * of them, and none goes out while another to the same row is in flight. If the batched statement fails for
 * any reason other than the database being unreachable, each write is run on
 * its own, so one write's failure is never another's. Every caller is
 * answered after the commit that holds its write.
 */
import { isDatabaseUnavailable } from './driver-errors.js';

export interface WriteBatcherOptions<I, O> {
  /** Batches in flight at once (each on a pooled connection of its own). */
  maxInFlight: number;
  /** Writes per batch at most. */
  maxBatch: number;
  /** The row a write changes: two writes with the same key never share a batch. */
  key(item: I): number | string;
  /** Runs writes as one statement; the result for each, in order (undefined: it matched nothing). */
  runBatch(items: readonly I[]): Promise<(O | undefined)[]>;
  /** Runs one write on its own. */
  runOne(item: I): Promise<O | undefined>;
}

interface Waiting<I, O> {
  item: I;
  resolve(v: O | undefined): void;
  reject(e: unknown): void;
}

export class WriteBatcher<I, O> {
  private queue: Waiting<I, O>[] = [];
  private inFlight = 0;
  private readonly busy = new Set<number | string>();
  private scheduled = false;
  /** Statements sent and writes in them, for tests and metrics. */
  readonly stats = { statements: 0, writes: 0, largest: 0 };

  constructor(private readonly o: WriteBatcherOptions<I, O>) {}

  submit(item: I): Promise<O | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.o.maxInFlight && this.queue.length > 0) {
      // Spread what waits over the free slots: parallel statements while there are connections
      // for them (the database overlaps their commits), larger groups only beyond that.
      const size = Math.min(
        this.o.maxBatch,
        Math.ceil(this.queue.length / (this.o.maxInFlight - this.inFlight)),
      );
      const batch: Waiting<I, O>[] = [];
      const rest: Waiting<I, O>[] = [];
      const keys = new Set<number | string>();
      const held = new Set<number | string>();
      for (const w of this.queue) {
        const k = this.o.key(w.item);
        if (batch.length < size && !keys.has(k) && !held.has(k) && !this.busy.has(k)) {
          keys.add(k);
          batch.push(w);
        } else {
          held.add(k);
          rest.push(w);
        }
      }
      if (batch.length === 0) return; // everything waiting is behind a write in flight
      this.queue = rest;
      this.inFlight++;
      for (const k of keys) this.busy.add(k);
      void this.run(batch).finally(() => {
        for (const k of keys) this.busy.delete(k);
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async run(batch: Waiting<I, O>[]): Promise<void> {
    this.stats.statements++;
    this.stats.writes += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    if (batch.length === 1) {
      const w = batch[0]!;
      await this.o.runOne(w.item).then(w.resolve, w.reject);
      return;
    }
    try {
      const out = await this.o.runBatch(batch.map((w) => w.item));
      for (const [i, w] of batch.entries()) w.resolve(out[i]);
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        for (const w of batch) w.reject(err);
        return;
      }
      await Promise.all(batch.map((w) => this.o.runOne(w.item).then(w.resolve, w.reject)));
    }
  }
}
