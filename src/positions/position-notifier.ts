/**
 * Delivers position closes from the outbox (`position_events`) to the
 * notifiers (the Telegram bot). An event row is written in the same
 * transaction as its close, so a close is never lost; each delivery takes a
 * lease first, so two instances never send the same event at once; an event
 * is marked delivered only after every notifier accepted it, and one a
 * notifier refused is retried with backoff. A crash between sending and
 * marking can repeat one message after the lease expires — never lose it.
 * Events older than a day are dropped unsent.
 */
import type { Clock } from '../domain/clock.js';
import type { PositionEvent, PositionEventRepository } from '../store/position-event-repository.js';

export type Notifier = (event: PositionEvent) => Promise<void>;

const BATCH = 100;
const SWEEP_MS = 10_000;
const RETRY_MS = [1_000, 5_000, 30_000, 120_000];
/** Older events are marked delivered without sending: a day-old TP alert is noise, not news. */
const MAX_AGE_MS = 24 * 60 * 60 * 1000;

export class PositionNotifier {
  private readonly notifiers = new Set<Notifier>();
  private running: Promise<void> | undefined;
  private again = false;
  private cancelSweep: (() => void) | undefined;
  private closed = false;
  readonly stats = { delivered: 0, failed: 0 };

  constructor(
    private readonly repo: PositionEventRepository,
    private readonly clock: Clock,
  ) {}

  /** Adds a notifier; returns a function that removes it. */
  add(notifier: Notifier): () => void {
    this.notifiers.add(notifier);
    this.kick();
    return () => this.notifiers.delete(notifier);
  }

  /** Delivers pending events now and then every few seconds (leftovers after a restart, retries). */
  start(): void {
    const sweep = () => {
      if (this.closed) return;
      this.kick();
      this.cancelSweep = this.clock.setTimer(SWEEP_MS, sweep);
    };
    sweep();
  }

  /** Asks for a delivery round; rounds never overlap, and a kick during one runs another after it. */
  kick(): void {
    if (this.closed || this.notifiers.size === 0) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.deliverAll().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Resolves when the current delivery round (if any) is over. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancelSweep?.();
    await this.idle();
  }

  private async deliverAll(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const events = await this.repo.pending(now, BATCH);
      for (const e of events) {
        if (!(await this.repo.claim(e.id, now))) continue;
        await this.deliver(e);
      }
      if (events.length < BATCH || this.closed) return;
    }
  }

  private async deliver(e: PositionEvent): Promise<void> {
    try {
      if (this.clock.now() - e.createdAt <= MAX_AGE_MS) {
        for (const notify of this.notifiers) await notify(e);
      }
      await this.repo.delivered(e.id, this.clock.now());
      this.stats.delivered++;
    } catch {
      this.stats.failed++;
      const attempt = Math.min(e.attempts, RETRY_MS.length - 1);
      await this.repo.release(e.id, this.clock.now() + RETRY_MS[attempt]!);
    }
  }
}
