/**
 * A LeaderSource whose trades a test scripts: an append-only log per leader
 * (in delivery order), read through an index cursor `n:<count read>` that
 * honours the port's contract, with faults the test switches on: transient
 * `UnavailableError`s, slow reads, push hints at odd times (without a new
 * trade, twice, or before the trade is readable), and — to see what the
 * engine does with a source that breaks the stable-id promise — the same
 * trade delivered again on a later page.
 */

import type { Decimal } from '../../src/domain/decimal.js';
import { UnavailableError } from '../../src/domain/errors.js';
import type {
  LeaderSource,
  LeaderSourceCapabilities,
  LeaderStats,
  LeaderTrade,
  SourceCursor,
  TradesPage,
} from '../../src/venues/leader-source.js';

const CURSOR = /^n:(\d+)$/;

export class ScriptedLeaderSource implements LeaderSource {
  readonly capabilities: LeaderSourceCapabilities;
  /** Per leader, every trade in delivery order. */
  private readonly logs = new Map<string, LeaderTrade[]>();
  /** Per leader, how many of its logged trades `tradesAfter` may return yet (a trade pushed before it is readable). */
  private readonly readable = new Map<string, number>();
  private readonly listeners = new Map<string, Set<(t: LeaderTrade) => void>>();
  /** The next `failNext` reads throw a transient error. */
  failNext = 0;
  /** Share of reads (0..1) that throw a transient error. */
  failRate = 0;
  /** Each read waits up to this long before answering (interleaves watchers, toggles, instances). */
  maxDelayMs = 0;
  reads = 0;
  failures = 0;
  private seq = 0;

  constructor(
    private readonly rand: () => number = Math.random,
    opts: { maxPageSize?: number; pollIntervalMs?: number; push?: boolean } = {},
  ) {
    this.capabilities = {
      id: 'simulated',
      push: opts.push ?? true,
      pollIntervalMs: opts.pollIntervalMs ?? 100,
      maxPageSize: opts.maxPageSize ?? 3,
      addressForm: 'a scripted leader id like "scr-1"',
    };
  }

  /** Appends a trade to `address`'s log; readable at once unless `hidden`. Returns it. */
  add(
    address: string,
    t: Partial<LeaderTrade> & Pick<LeaderTrade, 'market'>,
    opts: { hidden?: boolean } = {},
  ): LeaderTrade {
    const log = this.log(address);
    const trade: LeaderTrade = {
      id: t.id ?? `${address}:${++this.seq}`,
      ts: t.ts ?? Date.now(),
      side: t.side ?? 'buy',
      market: t.market,
      outcomeIndex: t.outcomeIndex ?? null,
      size: t.size ?? ('1' as Decimal),
      price: t.price ?? ('100' as Decimal),
    };
    log.push(trade);
    if (!opts.hidden) this.readable.set(address, log.length);
    return trade;
  }

  /** Makes every logged trade of `address` readable. */
  reveal(address: string): void {
    this.readable.set(address, this.log(address).length);
  }

  /** A push hint for `address` (the trade given, or the last logged one), whether or not anything is new. */
  hint(address: string, t?: LeaderTrade): void {
    const trade = t ?? this.log(address).at(-1);
    if (!trade) return;
    for (const l of this.listeners.get(address) ?? []) l(trade);
  }

  trades(address: string): readonly LeaderTrade[] {
    return this.log(address);
  }

  /** The cursor after every logged trade of `address`. */
  endCursor(address: string): SourceCursor {
    return `n:${this.log(address).length}`;
  }

  addressProblem(address: string): string | null {
    return /^scr-[\w-]+$/.test(address) ? null : `must be ${this.capabilities.addressForm}`;
  }

  async currentCursor(address: string): Promise<SourceCursor> {
    return `n:${this.readable.get(address) ?? 0}`;
  }

  cursorAt(address: string, ts: number): SourceCursor {
    const log = this.log(address);
    const i = log.findIndex((t) => t.ts >= ts);
    return `n:${i < 0 ? (this.readable.get(address) ?? 0) : i}`;
  }

  async tradesAfter(address: string, cursor: SourceCursor, limit: number): Promise<TradesPage> {
    this.reads++;
    const m = CURSOR.exec(cursor);
    if (!m) throw new Error(`not a scripted cursor: ${cursor}`);
    if (this.maxDelayMs > 0)
      await new Promise((r) => setTimeout(r, Math.floor(this.rand() * this.maxDelayMs)));
    if (this.failNext > 0 || this.rand() < this.failRate) {
      if (this.failNext > 0) this.failNext--;
      this.failures++;
      throw new UnavailableError('scripted source: transient outage');
    }
    const from = Number(m[1]);
    const end = this.readable.get(address) ?? 0;
    const trades = this.log(address).slice(
      from,
      Math.min(end, from + Math.min(limit, this.capabilities.maxPageSize)),
    );
    return { trades, cursor: `n:${from + trades.length}` };
  }

  subscribe(address: string, onTrade: (t: LeaderTrade) => void): () => void {
    let set = this.listeners.get(address);
    if (!set) {
      set = new Set();
      this.listeners.set(address, set);
    }
    const l = (t: LeaderTrade) => onTrade(t);
    set.add(l);
    return () => set.delete(l);
  }

  /** Subscribers of `address` right now (one per running watcher). */
  subscribers(address: string): number {
    return this.listeners.get(address)?.size ?? 0;
  }

  async leaders(): Promise<LeaderStats[]> {
    return [];
  }

  async recentTrades(address: string, opts: { since?: number; limit: number }): Promise<LeaderTrade[]> {
    return this.log(address)
      .filter((t) => opts.since === undefined || t.ts >= opts.since)
      .slice(-opts.limit)
      .reverse();
  }

  async equity(): Promise<Decimal | null> {
    return '100000' as Decimal;
  }

  private log(address: string): LeaderTrade[] {
    let log = this.logs.get(address);
    if (!log) {
      log = [];
      this.logs.set(address, log);
    }
    return log;
  }
}
