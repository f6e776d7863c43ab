/**
 * The update queue behind a fake Bot API's `getUpdates`, with Telegram's
 * long-polling rules: an `offset` confirms (drops) every earlier update, at
 * most `limit` updates are returned, and with nothing to return the request
 * is held until an update arrives, `timeout` seconds pass, or the queue closes.
 * Because grammY asks for the next batch only after handling the previous
 * one, a confirmed update is a handled update: `handled(id)` waits for that.
 */
import type { Update } from 'grammy/types';

interface Poller {
  limit: number;
  respond(updates: Update[]): void;
  timer: NodeJS.Timeout;
}

export class UpdateQueue {
  private pending: Update[] = [];
  private nextId = 1;
  /** Every update with an id below this has been confirmed by the bot. */
  private confirmedBelow = 1;
  private readonly pollers = new Set<Poller>();
  private readonly handledWaiters = new Set<{ id: number; resolve: () => void }>();
  private closed = false;

  /** Enqueues an update, assigning its `update_id`, and wakes a held `getUpdates`. */
  push(update: Omit<Update, 'update_id'>): Update {
    const full = { update_id: this.nextId++, ...update } as Update;
    this.pending.push(full);
    for (const p of this.pollers) this.answer(p);
    this.onPush?.();
    return full;
  }

  /**
   * Answers one `getUpdates` call through `respond`, now or later; `abandon()`
   * drops a held request whose connection closed.
   */
  poll(
    opts: { offset?: number; limit?: number; timeout?: number },
    respond: (updates: Update[]) => void,
  ): { abandon(): void } {
    if (opts.offset !== undefined) this.confirm(opts.offset);
    const limit = Math.min(100, Math.max(1, opts.limit ?? 100));
    const timeoutMs = Math.max(0, opts.timeout ?? 0) * 1000;
    if (this.pending.length > 0 || timeoutMs === 0 || this.closed) {
      respond(this.pending.slice(0, limit));
      return { abandon() {} };
    }
    const poller: Poller = {
      limit,
      respond,
      timer: setTimeout(() => this.answer(poller), timeoutMs),
    };
    this.pollers.add(poller);
    return { abandon: () => this.drop(poller) };
  }

  /** The oldest update not yet confirmed (what a webhook delivers next). */
  first(): Update | undefined {
    return this.pending[0];
  }

  /** How many updates wait to be confirmed. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Called after every push (the webhook sender starts delivering). */
  onPush: (() => void) | undefined;

  /** Confirms everything queued so far (`drop_pending_updates`). */
  dropPending(): void {
    this.confirm(this.nextId);
  }

  /** How many `getUpdates` requests are being held. */
  get held(): number {
    return this.pollers.size;
  }

  /** Resolves once the bot has confirmed (and so finished handling) update `id`. */
  handled(id: number): Promise<void> {
    if (id < this.confirmedBelow) return Promise.resolve();
    return new Promise((resolve) => this.handledWaiters.add({ id, resolve }));
  }

  /** Answers every held request with what is pending (usually nothing) and holds no more. */
  close(): void {
    this.closed = true;
    for (const p of this.pollers) this.answer(p);
  }

  private answer(p: Poller): void {
    this.drop(p);
    p.respond(this.pending.slice(0, p.limit));
  }

  private drop(p: Poller): void {
    clearTimeout(p.timer);
    this.pollers.delete(p);
  }

  /** Confirms (drops) every update below `offset`, as a `getUpdates` offset or a delivered webhook does. */
  confirm(offset: number): void {
    if (offset <= this.confirmedBelow) return;
    this.confirmedBelow = offset;
    this.pending = this.pending.filter((u) => u.update_id >= offset);
    for (const w of this.handledWaiters) {
      if (w.id < offset) {
        this.handledWaiters.delete(w);
        w.resolve();
      }
    }
  }
}
