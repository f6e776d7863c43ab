/**
 * What the decider is asked about: each traded symbol's newest closed bar
 * that its engine has not stepped yet, with the indicators, the position and
 * the account as they stand before the run's bars are stepped.
 */
import type { Candle } from '../../domain/market.js';
import { computeIndicators, type Indicators } from '../analysis.js';
import type { LiveBroker } from '../live-broker.js';
import type { SymbolEngines } from '../symbol-engines.js';
import type { DueBar } from './model-stages.js';

type BrokerView = Pick<LiveBroker, 'cash' | 'slots' | 'equity' | 'openPositionCount'>;

export function dueBars(
  engines: Pick<SymbolEngines, 'newestUnseen'>,
  broker: BrokerView,
  trade: ReadonlySet<string>,
  candles: ReadonlyMap<string, Candle[]>,
  indicators: ReadonlyMap<string, Indicators>,
): DueBar[] {
  const account = { equity: broker.equity(), cash: broker.cash, openPositions: broker.openPositionCount() };
  const out: DueBar[] = [];
  for (const symbol of trade) {
    const bars = candles.get(symbol) ?? [];
    const bar = engines.newestUnseen(symbol, bars);
    if (!bar) continue;
    const slot = broker.slots.find((s) => s.symbol === symbol);
    out.push({
      symbol,
      barTs: bar.ts,
      price: bar.close,
      indicators: indicators.get(symbol) ?? computeIndicators(bars),
      position: {
        qty: slot?.qty ?? 0,
        entryPrice: slot?.entryPrice ?? Number.NaN,
        pending: slot?.pending ?? false,
      },
      account,
    });
  }
  return out;
}
