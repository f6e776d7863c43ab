/**
 * Group commit for single-statement writes. Writes that arrive in the same
 * event-loop turn (concurrent requests) run in one transaction, each inside
 * its own savepoint so one failure never undoes the others, and every caller
 * is answered only after the shared COMMIT: acknowledged means on disk, as
 * before, but a burst pays for one commit instead of one per write.
 */
import { whileBusy } from './begin-immediate.js';
import type { WriteLock } from './write-lock.js';

/** How outcomes are reported: a failure comes back translated (SQLITE_BUSY -> UnavailableError). */
export interface WriteOutcomes {
  ok<T>(value: T): T;
  fail(err: unknown): never;
}

const PASS_THROUGH: WriteOutcomes = {
  ok: (value) => value,
  fail: (err) => {
    throw err;
  },
};

export interface GroupConnection {
  exec(sql: string): void;
  /** How long a write that SQLite answers SQLITE_BUSY at once is tried again (see begin-immediate.ts). @default 0 */
  readonly busyTimeoutMs?: number;
  readonly inTransaction: boolean;
  /** After each batch, committed or not (e.g. to schedule a WAL checkpoint). */
  afterBatch?(): void;
}

interface Pending<E> {
  fn: (ex: E) => Promise<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

export class GroupCommit<E> {
  private pending: Pending<E>[] = [];
  private scheduled = false;
  /** Batches committed and writes in them, for metrics and tests. */
  readonly stats = { batches: 0, writes: 0, largest: 0 };

  constructor(
    private readonly conn: GroupConnection,
    private readonly executor: E,
    private readonly lock: WriteLock,
    private readonly outcomes: WriteOutcomes = PASS_THROUGH,
  ) {}

  submit<T>(fn: (ex: E) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    this.stats.batches++;
    this.stats.writes += batch.length;
    if (batch.length > this.stats.largest) this.stats.largest = batch.length;
    await this.lock.acquire();
    try {
      if (batch.length === 1) {
        const only = batch[0]!;
        // autocommit: no savepoint needed; one statement, so one that found SQLite busy did nothing
        await whileBusy(() => only.fn(this.executor), this.conn.busyTimeoutMs ?? 0).then(
          (v) => this.succeeded(only, v),
          (e: unknown) => this.failed(only, e),
        );
      } else {
        await this.commitTogether(batch);
      }
    } finally {
      this.lock.release();
      this.conn.afterBatch?.();
    }
  }

  private async commitTogether(batch: Pending<E>[]): Promise<void> {
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      await whileBusy(() => this.conn.exec('BEGIN IMMEDIATE'), this.conn.busyTimeoutMs ?? 0);
      for (const item of batch) {
        this.conn.exec('SAVEPOINT w');
        try {
          const value = await item.fn(this.executor);
          this.conn.exec('RELEASE w');
          outcomes.push({ ok: true, value });
        } catch (err) {
          this.conn.exec('ROLLBACK TO w');
          this.conn.exec('RELEASE w');
          outcomes.push({ ok: false, value: err });
        }
      }
      this.conn.exec('COMMIT');
    } catch (err) {
      if (this.conn.inTransaction) this.conn.exec('ROLLBACK');
      for (const item of batch) this.failed(item, err);
      return;
    }
    batch.forEach((item, i) => {
      const o = outcomes[i]!;
      if (o.ok) this.succeeded(item, o.value);
      else this.failed(item, o.value);
    });
  }

  private succeeded(item: Pending<E>, value: unknown): void {
    item.resolve(this.outcomes.ok(value));
  }

  private failed(item: Pending<E>, err: unknown): void {
    try {
      this.outcomes.fail(err);
    } catch (translated) {
      item.reject(translated);
    }
  }
}
