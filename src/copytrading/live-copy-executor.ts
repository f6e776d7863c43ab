/**
 * Sends the live copy orders the fan-out committed, with the users' own
 * keys, and makes sure none is ever sent twice:
 * - after each committed page (`kick`) it claims the pending orders (one
 *   instance per order: a compare-and-set on the outbox row) and sends them,
 *   each with its client order id;
 * - an acknowledgement records the outcome (`LiveFillWriter`); a refusal is
 *   recorded as `rejected` with the venue's reason;
 * - anything else (a timeout, a dropped connection, a crash of this process)
 *   leaves the outcome unknown: the order is looked up on the venue by its
 *   client order id — found, it is recorded; not there, it is put back to be
 *   sent. A claim expires after LIVE_ORDER_TIMEOUT_MS, so the orders of an
 *   instance that died are reconciled by whichever instance sweeps next;
 *   the sweep also runs at start and polls orders still open on the venue.
 * The kill switch is checked again just before sending: a paused user's
 * pending orders are cancelled, not sent.
 */
import type { Clock } from '../domain/clock.js';
import type { Exact } from '../domain/decimal.js';
import { ValidationError } from '../domain/errors.js';
import type { OpenedKeys, VenueOrder } from '../domain/live-order.js';
import type { LiveOrder, LiveOrderRepository } from '../store/live-order-repository.js';
import type { LiveFillWriter } from './live-fill-writer.js';
import type { LiveTradingClient, LiveVenues } from './live-venue-port.js';

/** The users' sealed keys, as the executor reads them (implemented by `users/credential-service.ts`). */
export interface KeyRing {
  /** Keys of these users for `venue`: a version (changes when keys change) and how to open them. */
  sealed(
    userIds: readonly number[],
    venue: string,
  ): Promise<Map<number, { version: number; open(): OpenedKeys }>>;
}

export interface LiveCopyExecutorOptions {
  live: LiveOrderRepository;
  writer: LiveFillWriter;
  venues: LiveVenues;
  keys: KeyRing;
  clock: Clock;
  instanceId: string;
  /** LIVE_ORDER_TIMEOUT_MS: a claim's length, and how late an acknowledgement may be. */
  timeoutMs: number;
  /** Orders claimed per pass. @default 500 */
  batch?: number;
  onError?(err: unknown, context: string): void;
  /** After outcomes were recorded, with the users whose orders changed. */
  onRecorded?(userIds: readonly number[]): void;
}

export interface LiveExecutorStats {
  sent: number;
  acknowledged: number;
  rejected: number;
  /** Orders whose outcome was unknown and that were found on the venue by client order id. */
  reconciled: number;
  /** Orders the venue never got, put back to be sent. */
  released: number;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);

export class LiveCopyExecutor {
  readonly stats: LiveExecutorStats = { sent: 0, acknowledged: 0, rejected: 0, reconciled: 0, released: 0 };
  private readonly clients = new Map<string, { version: number; client: LiveTradingClient }>();
  private readonly balances = new Map<string, Exact>();
  private running: Promise<void> | undefined;
  private again = false;
  private cancelSweep: (() => void) | undefined;
  private started = false;

  constructor(private readonly o: LiveCopyExecutorOptions) {}

  /** The last free balance read of `asset` for the user on `venue` (sizing's cap), if any. */
  balance(userId: number, venue: string, asset: string): Exact | undefined {
    return this.balances.get(`${userId}:${venue}:${asset}`);
  }

  /** Reconciles what a previous run left unknown, then sweeps every half timeout. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const every = Math.max(50, Math.floor(this.o.timeoutMs / 2));
    const tick = () => {
      this.cancelSweep = this.o.clock.setTimer(every, () => {
        if (!this.started) return;
        void this.sweep().finally(() => this.started && tick());
      });
    };
    void this.sweep().finally(() => this.started && tick());
  }

  async stop(): Promise<void> {
    this.started = false;
    this.cancelSweep?.();
    await this.running;
    await Promise.all([...this.clients.values()].map((c) => c.client.close().catch(() => undefined)));
    this.clients.clear();
  }

  /** Orders were committed: send them now. Passes never overlap; a kick during one runs another after it. */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.sendPending()
      .catch((err: unknown) => this.o.onError?.(err, 'live send'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          void this.kick();
        }
      });
    return this.running;
  }

  /** Orders whose claim expired (unknown outcome, or a dead instance's) and orders still open: look them up. */
  async sweep(): Promise<void> {
    try {
      const now = this.o.clock.now();
      const until = now + this.o.timeoutMs;
      const batch = this.o.batch ?? 500;
      for (const from of ['sending', 'open'] as const) {
        const stale = await this.o.live.claim(from, this.o.instanceId, now, until, batch);
        await this.each(stale, (o, c) => this.reconcile(o, c));
      }
    } catch (err) {
      this.o.onError?.(err, 'live sweep');
    }
    await this.kick();
  }

  private async sendPending(): Promise<void> {
    const batch = this.o.batch ?? 500;
    for (;;) {
      const now = this.o.clock.now();
      const claimed = await this.o.live.claim(
        'pending',
        this.o.instanceId,
        now,
        now + this.o.timeoutMs,
        batch,
      );
      if (claimed.length === 0) return;
      const paused = await this.o.live.paused([...new Set(claimed.map((o) => o.userId))]);
      const go = claimed.filter((o) => !(paused.all || paused.users.has(o.userId)));
      for (const o of claimed.filter((x) => !go.includes(x))) {
        await this.finish(o, {
          status: 'cancelled',
          error: 'copies paused (kill switch) before it was sent',
        });
      }
      await this.each(go, (o, c) => this.send(o, c));
      if (claimed.length < batch) return;
    }
  }

  /** Runs `fn` for every order with its user's client, all at once; orders without keys are rejected. */
  private async each(
    orders: readonly LiveOrder[],
    fn: (o: LiveOrder, c: LiveTradingClient) => Promise<void>,
  ) {
    const byVenue = new Map<string, LiveOrder[]>();
    for (const o of orders) byVenue.set(o.venue, [...(byVenue.get(o.venue) ?? []), o]);
    const work: Promise<void>[] = [];
    for (const [venue, list] of byVenue) {
      await this.o.venues.load(venue);
      const keys = await this.o.keys.sealed([...new Set(list.map((o) => o.userId))], venue);
      for (const o of list) {
        const k = keys.get(o.userId);
        if (!k) {
          work.push(this.finish(o, { status: 'rejected', error: `no ${venue} credentials (deleted?)` }));
          continue;
        }
        work.push(
          fn(o, this.client(o.userId, venue, k)).catch((err: unknown) => this.o.onError?.(err, 'live order')),
        );
      }
    }
    await Promise.all(work);
    const users = [...new Set(orders.map((o) => o.userId))];
    if (users.length > 0) this.o.onRecorded?.(users);
  }

  private client(
    userId: number,
    venue: string,
    k: { version: number; open(): OpenedKeys },
  ): LiveTradingClient {
    const key = `${userId}:${venue}`;
    const known = this.clients.get(key);
    if (known && known.version === k.version) return known.client;
    if (known) void known.client.close().catch(() => undefined);
    const client = this.o.venues.client(venue, k.open());
    this.clients.set(key, { version: k.version, client });
    return client;
  }

  private async send(o: LiveOrder, c: LiveTradingClient): Promise<void> {
    this.stats.sent++;
    let v: VenueOrder;
    try {
      v = await c.createMarketOrder(o.symbol, o.side, o.amount, o.clientOrderId, o.priceHint, o.createdAt);
    } catch (err) {
      // A refusal of a first attempt is final; of a re-send it may be "that id exists": look it up.
      if (err instanceof ValidationError && o.attempts <= 1) {
        this.stats.rejected++;
        await this.finish(o, { status: 'rejected', error: errorText(err) });
        return;
      }
      await this.reconcile(o, c);
      return;
    }
    this.stats.acknowledged++;
    await this.o.writer.record(o, v, this.o.instanceId, this.o.clock.now());
    this.refreshBalance(o, c);
  }

  /** The outcome is unknown: find the order by its client order id; record it, or put it back to be sent. */
  private async reconcile(o: LiveOrder, c: LiveTradingClient): Promise<void> {
    let found: VenueOrder | null;
    try {
      found = await c.findByClientOrderId(o.symbol, o.clientOrderId, {
        side: o.side,
        amount: o.amount,
        price: o.priceHint,
        plannedAt: o.createdAt,
      });
    } catch (err) {
      this.o.onError?.(err, 'live reconcile'); // still unknown: the claim expires and the next sweep asks again
      return;
    }
    if (found) {
      if (o.status !== 'open') this.stats.reconciled++;
      await this.o.writer.record(o, found, this.o.instanceId, this.o.clock.now());
      if (found.status !== 'open') this.refreshBalance(o, c);
      return;
    }
    if (o.status === 'open') return; // the venue acknowledged it once; never re-sent
    this.stats.released++;
    if (await this.o.live.release(o.id, this.o.instanceId, this.o.clock.now())) this.again = true;
  }

  private async finish(
    o: LiveOrder,
    outcome: { status: 'rejected' | 'cancelled'; error: string },
  ): Promise<void> {
    const now = this.o.clock.now();
    await this.o.live.record(o.id, this.o.instanceId, outcome, now, this.o.live.executor);
  }

  private refreshBalance(o: LiveOrder, c: LiveTradingClient): void {
    const rules = this.o.venues.rules(o.venue, o.symbol);
    if (!rules) return;
    c.freeBalance(rules.quote).then(
      (b) => this.balances.set(`${o.userId}:${o.venue}:${rules.quote}`, b),
      (err: unknown) => this.o.onError?.(err, 'live balance'),
    );
  }
}
