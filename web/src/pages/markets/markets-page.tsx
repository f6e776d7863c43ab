/**
 * The markets page: the venue's markets with a search box, their prices and
 * 24 h change and volume (GET /prices, refreshed every 5 s), and for the
 * chosen one a candlestick chart from /ohlcv with SMA / EMA overlays computed here.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { allPages, api, describeError } from '../../api/client';
import type { Market, Price } from '../../api/types';
import { CandleChart } from './candle-chart';
import { MarketList } from './market-list';

const REFRESH_MS = 5000;
/** Most symbols one /prices request may name. */
const MAX_PRICED = 500;

export function MarketsPage() {
  const [markets, setMarkets] = useState<Market[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<Market | null>(null);
  const [prices, setPrices] = useState<Map<string, Price>>(new Map());

  useEffect(() => {
    allPages<Market>('/markets', 500)
      .then((list) => {
        setMarkets(list);
        setChosen((c) => c ?? list.find((m) => m.kind === 'spot') ?? list[0] ?? null);
      })
      .catch((err: unknown) => setError(describeError(err)));
  }, []);

  /** The search hint names what this venue lists: a spot base and a word of a question. */
  const hint = useMemo(() => {
    const base = markets.find((m) => m.kind === 'spot')?.symbol.split('/')[0];
    const word = markets
      .find((m) => m.question)
      ?.question?.split(/\W+/)
      .find((w) => w.length >= 5);
    return [base, word].filter(Boolean).join(', ') || 'BTC';
  }, [markets]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q
      ? markets.filter((m) => m.symbol.toLowerCase().includes(q) || m.question?.toLowerCase().includes(q))
      : markets;
  }, [markets, query]);

  const symbols = useMemo(() => shown.slice(0, MAX_PRICED).map((m) => m.symbol), [shown]);
  useEffect(() => {
    if (symbols.length === 0) return undefined;
    // An answer for an earlier search that arrives late must not overwrite a newer one.
    let current = true;
    const load = () =>
      api<{ items: Price[] }>(`/prices?symbols=${encodeURIComponent(symbols.join(','))}`)
        .then((r) => {
          if (current)
            setPrices((known) => new Map([...known, ...r.items.map((p) => [p.symbol, p] as const)]));
        })
        .catch(() => {});
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [symbols]);

  return (
    <div class="market-layout">
      <section aria-labelledby="markets-list-title">
        <h2 id="markets-list-title">All markets</h2>
        <label for="market-search">Search</label>
        <input
          id="market-search"
          type="search"
          value={query}
          placeholder={`e.g. ${hint}`}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <p class="hint" aria-live="polite">
          {shown.length} of {markets.length}
        </p>
        <MarketList markets={shown} prices={prices} chosenId={chosen?.id} onChoose={setChosen} />
      </section>
      <section aria-labelledby="chart-title">{chosen && <CandleChart market={chosen} />}</section>
    </div>
  );
}
