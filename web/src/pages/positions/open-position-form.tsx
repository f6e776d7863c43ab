/**
 * Opening a paper position from a market: the market (searchable list of
 * the venue's markets), Buy/Sell on a spot market or an outcome of a binary
 * one, the size, optional take profit and stop loss. The server's refusals
 * show beside their fields, in words.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, allPages, api, describeError } from '../../api/client';
import type { Market, NewPosition, Position } from '../../api/types';
import { describedBy, FormField } from '../research/form-field';

/** The form's fields: the body's, the outcome of a binary market chosen as its side. */
type Field = Exclude<keyof NewPosition, 'outcome'>;
const FIELDS: Field[] = ['marketId', 'side', 'size', 'takeProfit', 'stopLoss'];

export function OpenPositionForm({ onOpened }: { onOpened(p: Position): void }) {
  const [markets, setMarkets] = useState<Market[]>([]);
  const [marketId, setMarketId] = useState('');
  const [side, setSide] = useState('long');
  const [size, setSize] = useState('');
  const [tp, setTp] = useState('');
  const [sl, setSl] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    allPages<Market>('/markets', 500, undefined, abort.signal)
      .then(setMarkets)
      .catch(() => {});
    return () => abort.abort();
  }, []);
  const market = useMemo(() => markets.find((m) => m.id === marketId.trim()), [markets, marketId]);
  const binary = market?.kind === 'binary' && (market.outcomes?.length ?? 0) > 0;

  const submit = async (ev: Event) => {
    ev.preventDefault();
    const problems: Partial<Record<Field, string>> = {};
    if (!marketId.trim()) problems.marketId = 'Market is required: pick one from the list';
    if (!/^\d+(\.\d+)?$/.test(size.trim()) || Number(size) === 0)
      problems.size = 'Size must be a number above 0';
    for (const [f, v] of [
      ['takeProfit', tp],
      ['stopLoss', sl],
    ] as const)
      if (v.trim() && !/^\d+(\.\d+)?$/.test(v.trim()))
        problems[f] = `${f === 'takeProfit' ? 'Take profit' : 'Stop loss'} must be a price such as 101.5`;
    setErrors(problems);
    setGeneral(null);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      const body: NewPosition = { marketId: marketId.trim(), size: size.trim() };
      if (binary)
        body.outcome = market!.outcomes!.some((o) => o.name === side) ? side : market!.outcomes![0]!.name;
      else body.side = side;
      if (tp.trim()) body.takeProfit = tp.trim();
      if (sl.trim()) body.stopLoss = sl.trim();
      onOpened(await api<Position>('/positions', { method: 'POST', body }));
      setSize('');
      setTp('');
      setSl('');
    } catch (err) {
      const next: Partial<Record<Field, string>> = {};
      if (err instanceof ApiError)
        for (const d of err.details) {
          const f =
            FIELDS.find((x) => d.path.endsWith(`.${x}`)) ??
            (d.path.endsWith('.outcome') ? 'side' : undefined);
          if (f) next[f] = err.forField(d.path.split('.').pop()!);
        }
      setErrors(next);
      setGeneral(Object.keys(next).length ? null : describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const input = (f: Field, label: string, value: string, set: (v: string) => void, hint?: string) => (
    <FormField id={`open-${f}`} label={label} hint={hint} error={errors[f]}>
      <input
        id={`open-${f}`}
        name={f}
        list={f === 'marketId' ? 'open-markets' : undefined}
        inputMode={f === 'marketId' ? undefined : 'decimal'}
        value={value}
        onInput={(e) => set(e.currentTarget.value)}
        {...describedBy(`open-${f}`, hint, errors[f])}
      />
    </FormField>
  );

  return (
    <form class="panel open-position" onSubmit={submit} aria-label="Open a position" noValidate>
      <h2>Open a position</h2>
      <div class="form-grid">
        {input(
          'marketId',
          'Market',
          marketId,
          setMarketId,
          market?.question ?? 'type to search, e.g. BTC/USDT',
        )}
        <datalist id="open-markets">
          {markets.slice(0, 500).map((m) => (
            <option key={m.id} value={m.id}>
              {m.question ?? m.symbol}
            </option>
          ))}
        </datalist>
        <FormField id="open-side" label={binary ? 'Outcome' : 'Side'} error={errors.side}>
          <select
            id="open-side"
            value={side}
            onChange={(e) => setSide(e.currentTarget.value)}
            {...describedBy('open-side', undefined, errors.side)}
          >
            {binary
              ? market!.outcomes!.map((o) => (
                  <option key={o.name} value={o.name}>
                    {o.name} ({o.price})
                  </option>
                ))
              : [
                  <option key="long" value="long">
                    Buy (long)
                  </option>,
                  <option key="short" value="short">
                    Sell (short)
                  </option>,
                ]}
          </select>
        </FormField>
        {input('size', 'Size', size, setSize, 'units of the market')}
        {input('takeProfit', 'Take profit', tp, setTp, 'price; empty: none')}
        {input('stopLoss', 'Stop loss', sl, setSl, 'price; empty: none')}
        <div class="form-actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Opening…' : 'Open position'}
          </button>
        </div>
      </div>
      {general && (
        <p class="error" role="alert">
          Not opened: {general}
        </p>
      )}
    </form>
  );
}
