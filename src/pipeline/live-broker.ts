/**
 * The live broker: the engine's `Broker` port over a real exchange through
 * ccxt. The engine's calls stay synchronous — `submitEntry`/`submitExit`
 * queue commands, `onBar` marks positions and queues a market exit when a
 * bar crosses the position's stop-loss or take-profit — and the pipeline's
 * execution stage calls `sync()` to send the queue (create and cancel
 * orders), poll working orders for fills (fetch order) and read the free
 * quote balance (fetch balance). Fills change the position the strategy and
 * risk see, as the paper broker's fills do.
 *
 * Simplifications, said plainly: stops and targets are watched on closed
 * bars and exit with a market order (no resting exchange-side stop orders);
 * positions are long-only in the quote currency `quote`; a restart forgets
 * positions (they are not yet rebuilt from the exchange's balances).
 */
import type { Exchange, Order } from 'ccxt';
import type { Bars } from '../engine/bars.js';
import type { Broker, Fill, FillReason } from '../engine/broker.js';
import { PositionSlot, slotBought, slotFlat, slotSold } from '../engine/paper-broker.js';
import { fromCcxtError } from '../venues/ccxt/error-mapping.js';
import type { ExecEvent } from './order-tracker.js';

type Command =
  | { kind: 'entry'; slot: number; qty: number; limit: number }
  | { kind: 'exit'; slot: number; reason: FillReason };

interface Working {
  id: string;
  side: 'buy' | 'sell';
  reason: FillReason;
  filled: number;
  cost: number;
  fee: number;
}

export interface LiveBrokerOptions {
  /** A ccxt exchange with credentials (see `createTradingExchange`). */
  exchange: Exchange;
  /** Quote currency the account trades with. @default 'USDT' */
  quote?: string;
  /** Hears fills, acknowledgements and rejections (the pipeline's order tracker). */
  onEvent: (e: ExecEvent) => void;
}

export class LiveBroker implements Broker {
  /** Free quote balance, as of the last `sync()`. */
  cash = 0;
  readonly slots: PositionSlot[] = [];
  private readonly ex: Exchange;
  private readonly quote: string;
  private readonly onEvent: (e: ExecEvent) => void;
  private readonly queue: Command[] = [];
  private readonly working = new Map<number, Working>();
  private readonly exiting = new Set<number>();

  constructor(opts: LiveBrokerOptions) {
    this.ex = opts.exchange;
    this.quote = opts.quote ?? 'USDT';
    this.onEvent = opts.onEvent;
  }

  addSymbol(symbol: string): number {
    const known = this.slots.findIndex((s) => s.symbol === symbol);
    if (known >= 0) return known;
    this.slots.push(new PositionSlot(symbol));
    return this.slots.length - 1;
  }

  onBar(slot: number, bars: Bars, i: number): void {
    const s = this.slots[slot]!;
    s.mark = bars.close[i]!;
    if (s.qty <= 0 || this.exiting.has(slot)) return;
    if (!Number.isNaN(s.stopLoss) && bars.low[i]! <= s.stopLoss) this.queueExit(slot, 'stop-loss');
    else if (!Number.isNaN(s.takeProfit) && bars.high[i]! >= s.takeProfit)
      this.queueExit(slot, 'take-profit');
  }

  equity(): number {
    let e = this.cash;
    for (const s of this.slots) e += s.qty * s.mark;
    return e;
  }

  openPositionCount(): number {
    let n = 0;
    for (let k = 0; k < this.slots.length; k++) {
      const s = this.slots[k]!;
      if (s.qty > 0 || (s.pending && !this.exiting.has(k))) n++;
    }
    return n;
  }

  submitEntry(slot: number, qty: number, limit: number, stopLoss: number, takeProfit: number): void {
    const s = this.slots[slot]!;
    s.pending = true;
    s.attachStop = stopLoss;
    s.attachTake = takeProfit;
    this.queue.push({ kind: 'entry', slot, qty, limit });
  }

  submitExit(slot: number): void {
    this.queueExit(slot, 'signal');
  }

  private queueExit(slot: number, reason: FillReason): void {
    this.slots[slot]!.pending = true;
    this.exiting.add(slot);
    this.queue.push({ kind: 'exit', slot, reason });
  }

  /** Commands still to send (for status). */
  queued(): number {
    return this.queue.length;
  }

  /**
   * Sends queued commands, polls working orders and refreshes the balance.
   * A failing command is reported as a rejection and dropped; a failing poll
   * or balance read throws (the run records it) and is retried next run.
   */
  async sync(): Promise<void> {
    for (const cmd of this.queue.splice(0)) {
      if (cmd.kind === 'entry') await this.sendEntry(cmd);
      else await this.sendExit(cmd);
    }
    for (const [slot, w] of [...this.working]) await this.poll(slot, w);
    const balance = await this.call(() => this.ex.fetchBalance());
    const free = (balance.free as unknown as Record<string, number | undefined>)[this.quote];
    this.cash = typeof free === 'number' ? free : 0;
  }

  private async sendEntry(cmd: { slot: number; qty: number; limit: number }): Promise<void> {
    const s = this.slots[cmd.slot]!;
    const limit = Number.isNaN(cmd.limit) ? undefined : cmd.limit;
    try {
      const o = await this.call(() =>
        this.ex.createOrder(s.symbol, limit === undefined ? 'market' : 'limit', 'buy', cmd.qty, limit),
      );
      const id = orderId(o);
      this.working.set(cmd.slot, { id, side: 'buy', reason: 'entry', filled: 0, cost: 0, fee: 0 });
      this.onEvent({ kind: 'placed', slot: cmd.slot, side: 'buy', exchangeOrderId: id });
      await this.apply(cmd.slot, o);
    } catch (err) {
      s.pending = false;
      this.onEvent({ kind: 'rejected', slot: cmd.slot, side: 'buy', message: messageOf(err) });
    }
  }

  private async sendExit(cmd: { slot: number; reason: FillReason }): Promise<void> {
    const s = this.slots[cmd.slot]!;
    const w = this.working.get(cmd.slot);
    try {
      if (w?.side === 'buy') {
        await this.call(() => this.ex.cancelOrder(w.id, s.symbol));
        await this.poll(cmd.slot, w);
        if (this.working.get(cmd.slot) === w) {
          this.working.delete(cmd.slot);
          this.onEvent({ kind: 'closed', slot: cmd.slot, side: 'buy', status: 'cancelled' });
        }
      }
      if (s.qty <= 0) {
        this.doneExiting(cmd.slot);
        return;
      }
      const o = await this.call(() => this.ex.createOrder(s.symbol, 'market', 'sell', s.qty));
      const id = orderId(o);
      this.working.set(cmd.slot, { id, side: 'sell', reason: cmd.reason, filled: 0, cost: 0, fee: 0 });
      this.onEvent({ kind: 'placed', slot: cmd.slot, side: 'sell', exchangeOrderId: id });
      await this.apply(cmd.slot, o);
    } catch (err) {
      this.doneExiting(cmd.slot);
      this.onEvent({ kind: 'rejected', slot: cmd.slot, side: 'sell', message: messageOf(err) });
    }
  }

  private doneExiting(slot: number): void {
    this.exiting.delete(slot);
    this.slots[slot]!.pending = this.working.has(slot);
  }

  private async poll(slot: number, w: Working): Promise<void> {
    const s = this.slots[slot]!;
    await this.apply(slot, await this.call(() => this.ex.fetchOrder(w.id, s.symbol)));
  }

  /** Applies what an order snapshot adds to the fills known so far; ends the order when it is closed. */
  private async apply(slot: number, o: Order): Promise<void> {
    const w = this.working.get(slot);
    if (!w || w.id !== o.id) return;
    const s = this.slots[slot]!;
    const filled = o.filled ?? 0;
    const cost = o.cost ?? filled * (o.average ?? o.price ?? 0);
    const d = filled - w.filled;
    if (d > 0) {
      const market = this.ex.markets?.[s.symbol];
      const totalFee = Number(o.fee?.cost ?? 0) || 0;
      let fee = totalFee - w.fee;
      const price = (cost - w.cost) / d;
      let qty = d;
      // A buy's fee taken in the base asset reduces what was received.
      if (market && o.fee?.currency === market.base) {
        qty -= fee;
        fee *= price;
      }
      w.filled = filled;
      w.cost = cost;
      w.fee = totalFee;
      this.fill(slot, s, w, qty, price, fee, o.lastTradeTimestamp ?? o.timestamp ?? Date.now());
    }
    if (
      o.status === 'closed' ||
      o.status === 'canceled' ||
      o.status === 'expired' ||
      o.status === 'rejected'
    ) {
      this.working.delete(slot);
      if (w.side === 'sell') this.exiting.delete(slot);
      s.pending = false;
      this.onEvent({
        kind: 'closed',
        slot,
        side: w.side,
        status: o.status === 'closed' ? 'filled' : 'cancelled',
      });
    }
  }

  private fill(
    slot: number,
    s: PositionSlot,
    w: Working,
    qty: number,
    price: number,
    fee: number,
    ts: number,
  ): void {
    if (w.side === 'buy') slotBought(s, qty, qty * price, fee, -1, ts);
    else {
      slotSold(s, qty, qty * price, fee);
      if (s.qty === 0) slotFlat(s);
    }
    const f: Fill = { slot, symbol: s.symbol, side: w.side, qty, price, fee, reason: w.reason, ts };
    this.onEvent({ kind: 'fill', fill: f });
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw fromCcxtError(err, this.ex.id, 1000);
    }
  }
}

function orderId(o: Order): string {
  if (typeof o.id !== 'string' || o.id === '') throw new Error('the exchange returned no order id');
  return o.id;
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}
