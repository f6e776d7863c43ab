/**
 * The backtest form: a strategy and its parameters (from GET /strategies), the
 * data, the costs, optionally the AI decider's recorded answers replayed;
 * POST /backtests.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { BacktestRequest, Job, Strategy } from '../../api/types';
import { useRemembered } from '../../components/remembered';
import { formErrors, NO_ERRORS } from './field-errors';
import { describedBy, FormField } from './form-field';
import { ModelReplayFields, NO_REPLAY, replayOf } from './model-replay-fields';

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const PRESETS: Record<string, { symbol: string; timeframe: string; from: string; to: string }> = {
  simulated: {
    symbol: 'BTC/USDT',
    timeframe: '1h',
    from: isoDay(Date.now() - 60 * 86_400_000),
    to: isoDay(Date.now()),
  },
  replay: { symbol: 'SPX', timeframe: '1d', from: '2000-01-01', to: '2009-12-31' },
};

export function BacktestForm({
  strategies,
  onSubmitted,
}: {
  strategies: Strategy[];
  onSubmitted(j: Job): void;
}) {
  // The last values sent (or typed) come back on the next visit.
  const [strategyId, setStrategyId] = useRemembered('bt.strategy', strategies[0]?.id ?? '');
  const strategy = strategies.find((s) => s.id === strategyId) ?? strategies[0];
  const [params, setParams] = useRemembered<Record<string, number | boolean>>('bt.params', {});
  const [venue, setVenue] = useRemembered('bt.venue', 'simulated');
  const [data, setData] = useRemembered('bt.data', PRESETS['simulated']!);
  const [capital, setCapital] = useRemembered('bt.capital', '10000');
  const [feeRate, setFeeRate] = useRemembered('bt.feeRate', '0.001');
  const [replay, setReplay] = useRemembered('bt.replay', NO_REPLAY);
  const [errors, setErrors] = useState(NO_ERRORS);
  const [busy, setBusy] = useState(false);

  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (!strategy) return;
    setBusy(true);
    setErrors(NO_ERRORS);
    const values = Object.fromEntries(strategy.params.map((p) => [p.name, params[p.name] ?? p.default]));
    const modelReplay = replayOf(replay);
    try {
      const job = await api<Job>('/backtests', {
        method: 'POST',
        body: {
          strategy: strategy.id,
          params: values,
          venue,
          ...data,
          initialCapital: Number(capital),
          feeRate: Number(feeRate),
          ...(modelReplay ? { modelReplay } : {}),
        } satisfies BacktestRequest,
      });
      onSubmitted(job);
    } catch (err) {
      setErrors(formErrors(err));
    } finally {
      setBusy(false);
    }
  };

  const err = errors.fields;
  return (
    <form onSubmit={submit} aria-labelledby="backtest-title">
      <h2 id="backtest-title">Backtest</h2>
      <div class="form-grid">
        <FormField id="bt-strategy" label="Strategy" hint={strategy?.description} error={err['strategy']}>
          <select
            id="bt-strategy"
            value={strategyId}
            onChange={(e) => {
              setStrategyId(e.currentTarget.value);
              setParams({});
            }}
            {...describedBy('bt-strategy', strategy?.description, err['strategy'])}
          >
            {strategies.map((s) => (
              <option key={s.id} value={s.id}>
                {s.id}
              </option>
            ))}
          </select>
        </FormField>
        {strategy?.params.map((p) => {
          const id = `bt-param-${p.name}`;
          const e = err[`params.${p.name}`];
          const hint = `${p.description}${p.min !== undefined ? ` (${p.min}–${p.max ?? '∞'})` : ''}`;
          return (
            <FormField key={p.name} id={id} label={p.name} hint={hint} error={e}>
              {p.type === 'boolean' ? (
                <input
                  id={id}
                  type="checkbox"
                  checked={Boolean(params[p.name] ?? p.default)}
                  onChange={(ev) => setParams({ ...params, [p.name]: ev.currentTarget.checked })}
                  {...describedBy(id, hint, e)}
                />
              ) : (
                <input
                  id={id}
                  type="number"
                  step="any"
                  min={p.min}
                  max={p.max}
                  value={String(params[p.name] ?? p.default)}
                  onInput={(ev) => setParams({ ...params, [p.name]: Number(ev.currentTarget.value) })}
                  {...describedBy(id, hint, e)}
                />
              )}
            </FormField>
          );
        })}
        <FormField id="bt-venue" label="Data" error={err['venue']}>
          <select
            id="bt-venue"
            value={venue}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setVenue(v);
              setData(PRESETS[v] ?? data);
            }}
          >
            <option value="simulated">simulated (seeded)</option>
            <option value="replay">replay (S&amp;P 500 daily)</option>
          </select>
        </FormField>
        {(['symbol', 'timeframe', 'from', 'to'] as const).map((k) => (
          <FormField key={k} id={`bt-${k}`} label={k} error={err[k]}>
            <input
              id={`bt-${k}`}
              value={data[k]}
              onInput={(e) => setData({ ...data, [k]: e.currentTarget.value })}
              {...describedBy(`bt-${k}`, undefined, err[k])}
            />
          </FormField>
        ))}
        <FormField id="bt-capital" label="Initial capital" error={err['initialCapital']}>
          <input
            id="bt-capital"
            inputMode="decimal"
            value={capital}
            onInput={(e) => setCapital(e.currentTarget.value)}
          />
        </FormField>
        <FormField id="bt-fee" label="Fee rate" error={err['feeRate']}>
          <input
            id="bt-fee"
            inputMode="decimal"
            value={feeRate}
            onInput={(e) => setFeeRate(e.currentTarget.value)}
          />
        </FormField>
        <ModelReplayFields draft={replay} onChange={setReplay} errors={err} />
        <button type="submit" disabled={busy || !strategy}>
          Run backtest
        </button>
      </div>
      {errors.general && (
        <p class="error" role="alert">
          {errors.general}
        </p>
      )}
    </form>
  );
}
