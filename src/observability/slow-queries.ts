/**
 * The slowest statements above a threshold, in bounded memory: one entry per
 * SQL text (its worst and latest duration, how often it was slow), at most
 * `capacity` entries, the least slow evicted first. Parameter values are
 * never kept, only their count. Plans are attached later, when asked for.
 */

export interface SlowQuery {
  sql: string;
  family: string;
  parameterCount: number;
  /** Times this statement ran at or above the threshold. */
  count: number;
  maxMs: number;
  lastMs: number;
  /** Epoch ms of the latest slow run. */
  lastAt: number;
  /** The plan, once captured (`EXPLAIN QUERY PLAN` / `EXPLAIN`), or the reason it could not be. */
  plan?: string[];
}

export class SlowQueryLog {
  private readonly entries = new Map<string, SlowQuery>();

  constructor(readonly capacity = 50) {}

  add(sql: string, family: string, parameterCount: number, ms: number, at: number): void {
    const e = this.entries.get(sql);
    if (e !== undefined) {
      e.count++;
      e.lastMs = ms;
      e.lastAt = at;
      if (ms > e.maxMs) e.maxMs = ms;
      return;
    }
    if (this.entries.size >= this.capacity) {
      let least: SlowQuery | undefined;
      for (const x of this.entries.values()) if (least === undefined || x.maxMs < least.maxMs) least = x;
      if (least === undefined || least.maxMs >= ms) return;
      this.entries.delete(least.sql);
    }
    this.entries.set(sql, { sql, family, parameterCount, count: 1, maxMs: ms, lastMs: ms, lastAt: at });
  }

  /** Slowest first. */
  list(): SlowQuery[] {
    return [...this.entries.values()].sort((a, b) => b.maxMs - a.maxMs);
  }

  clear(): void {
    this.entries.clear();
  }
}
