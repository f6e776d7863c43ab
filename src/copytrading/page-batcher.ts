/**
 * Fan-out pages of all watchers, committed together. Each page runs in its
 * own savepoint inside one transaction per batch, so a page that fails is
 * undone alone and the others commit; every page is answered only after the
 * shared COMMIT (acknowledged means on disk, as before). A burst of leader
 * trades then pays one commit per batch instead of one per page, and the
 * event loop gets a turn between batches: SQLite runs synchronously, and
 * pages chained through promises would otherwise run back to back without
 * ever letting HTTP requests and sockets in.
 *
 * A batch takes pages until `budgetMs` of work has gone into it (then the
 * rest wait for the next turn), so one batch blocks the loop for about that
 * long plus one page.
 */
import type { Database, SqlExecutor } from '../store/database.js';

interface Pending {
  fn: (tx: SqlExecutor) => Promise<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

export interface PageBatcherStats {
  batches: number;
  pages: number;
  largest: number;
}

export class PageBatcher {
  private pending: Pending[] = [];
  private scheduled = false;
  private flushing: Promise<void> | undefined;
  readonly stats: PageBatcherStats = { batches: 0, pages: 0, largest: 0 };

  constructor(
    private readonly db: Database,
    /** Real time (CPU work), not the service clock. */
    private readonly budgetMs = 20,
  ) {}

  /** Runs `fn` inside the next batch's transaction; resolves with its result once that commits. */
  run<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.pending.length > 0) this.schedule();
      });
    });
  }

  private async flush(): Promise<void> {
    const taken: Pending[] = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await this.db.transaction(async (tx) => {
        const start = performance.now();
        while (this.pending.length > 0 && (taken.length === 0 || performance.now() - start < this.budgetMs)) {
          const p = this.pending.shift()!;
          const name = `page_${taken.length}`;
          taken.push(p);
          await tx.run({ sql: `savepoint ${name}`, parameters: [] });
          try {
            const value = await p.fn(tx);
            await tx.run({ sql: `release savepoint ${name}`, parameters: [] });
            outcomes.push({ ok: true, value });
          } catch (error) {
            await tx.run({ sql: `rollback to savepoint ${name}`, parameters: [] });
            await tx.run({ sql: `release savepoint ${name}`, parameters: [] });
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The commit (or a savepoint statement) failed: nothing of this batch is on disk.
      for (const p of taken) p.reject(error);
      return;
    }
    this.stats.batches++;
    this.stats.pages += taken.length;
    this.stats.largest = Math.max(this.stats.largest, taken.length);
    taken.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }
}
