/**
 * Decision stage core: one engine `Engine` per traded symbol, all sharing
 * one broker and one risk manager (so position and exposure limits hold
 * across symbols), driven candle by candle through `CandleFeed` exactly as a
 * backtest steps its bars. The engine clock is a BarClock set to each bar's
 * close before the bar is stepped, as in `runBacktest`, so the daily loss
 * limit sees the same days in both.
 *
 * A symbol seen for the first time is warmed on its history (the last
 * `warmupBars` candles closed by then: indicators only, no orders); it trades
 * only on candles that close afterwards. New candles of all symbols are
 * stepped in time order (then by symbol), like a multi-symbol backtest.
 */

import type { Candle } from '../domain/market.js';
import type { BarClock } from '../engine/bar-clock.js';
import { CandleBuffer } from '../engine/bars.js';
import type { Broker } from '../engine/broker.js';
import { CandleFeed } from '../engine/candle-feed.js';
import { type Decision, Engine } from '../engine/engine.js';
import type { RiskManager } from '../engine/risk.js';
import type { Strategy } from '../engine/strategy.js';

/** A decision with the bar it was taken on. */
export interface BarDecision extends Decision {
  price: number;
  barTs: number;
}

export interface SymbolEnginesOptions {
  broker: Broker;
  risk: RiskManager;
  clock: BarClock;
  /** A fresh strategy for `symbol` (the pipeline may gate it by the decider model). */
  createStrategy: (symbol: string) => Strategy;
  timeframeMs: number;
  warmupBars: number;
  onDecision: (d: BarDecision) => void;
}

interface Entry {
  engine: Engine;
  buffer: CandleBuffer;
  feed: CandleFeed;
  /** Open time of the last candle fed or skipped as history. */
  lastTs: number;
}

export class SymbolEngines {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly o: SymbolEnginesOptions) {}

  /** Symbols with an engine. */
  symbols(): string[] {
    return [...this.entries.keys()];
  }

  has(symbol: string): boolean {
    return this.entries.has(symbol);
  }

  /**
   * Creates an engine for `symbol`, warmed on `history` (closed candles,
   * oldest first); later candles up to the last of `history` are never traded.
   */
  add(symbol: string, history: readonly Candle[]): void {
    if (this.entries.has(symbol)) return;
    const o = this.o;
    const buffer = new CandleBuffer(Math.max(64, o.warmupBars * 2));
    const engine = new Engine({
      symbol,
      bars: buffer,
      strategy: o.createStrategy(symbol),
      broker: o.broker,
      risk: o.risk,
      clock: o.clock,
      onDecision: (d) => o.onDecision({ ...d, price: buffer.close[d.bar]!, barTs: buffer.ts[d.bar]! }),
    });
    const from = Math.max(0, history.length - o.warmupBars);
    for (let i = from; i < history.length; i++) engine.warm(buffer.push(history[i]!));
    const lastTs = history[history.length - 1]?.ts ?? Number.NEGATIVE_INFINITY;
    this.entries.set(symbol, { engine, buffer, feed: new CandleFeed(engine, buffer), lastTs });
  }

  /** The newest of `candles` that `symbol`'s engine has not stepped yet (what the next `step` decides on). */
  newestUnseen(symbol: string, candles: readonly Candle[]): Candle | undefined {
    const entry = this.entries.get(symbol);
    const last = candles[candles.length - 1];
    return entry && last && last.ts > entry.lastTs ? last : undefined;
  }

  /** Drops the engine of `symbol` (its broker slot stays, flat). */
  remove(symbol: string): void {
    this.entries.delete(symbol);
  }

  /**
   * Steps every engine on its candles newer than the last it saw, all
   * symbols interleaved by bar time. Returns the number of bars stepped.
   */
  step(candles: ReadonlyMap<string, readonly Candle[]>): number {
    const due: { entry: Entry; symbol: string; candle: Candle }[] = [];
    for (const [symbol, entry] of this.entries) {
      for (const c of candles.get(symbol) ?? []) {
        if (c.ts > entry.lastTs) due.push({ entry, symbol, candle: c });
      }
    }
    due.sort((a, b) => a.candle.ts - b.candle.ts || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    const tf = this.o.timeframeMs;
    for (const { entry, candle } of due) {
      this.o.clock.set(candle.ts + tf);
      entry.feed.onCandle(candle);
      entry.lastTs = candle.ts;
    }
    return due.length;
  }
}
