/** The Monte Carlo form: the trades of a finished backtest (or typed returns), method, paths, seed; POST /montecarlo. */
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Job, MonteCarloRequest } from '../../api/types';
import { useRemembered } from '../../components/remembered';
import { formErrors, NO_ERRORS } from './field-errors';
import { describedBy, FormField } from './form-field';
import { jobParams } from './job-params';

type Method = NonNullable<MonteCarloRequest['method']>;

export function MonteCarloForm({ backtests, onSubmitted }: { backtests: Job[]; onSubmitted(j: Job): void }) {
  // The last values sent (or typed) come back on the next visit; a remembered
  // backtest that is no longer listed falls back to the newest one.
  const [source, setSource] = useRemembered('mc.source', '');
  const [returns, setReturns] = useRemembered('mc.returns', '0.02, -0.01, 0.03, -0.02, 0.015');
  const [method, setMethod] = useRemembered<Method>('mc.method', 'bootstrap');
  const [paths, setPaths] = useRemembered('mc.paths', '10000');
  const [seed, setSeed] = useRemembered('mc.seed', '1');
  const [errors, setErrors] = useState(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const listed = source === 'inline' || backtests.some((j) => String(j.id) === source);
  const fromJob = listed ? source : backtests[0] ? String(backtests[0].id) : 'inline';

  const submit = async (ev: Event) => {
    ev.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    const trades =
      fromJob === 'inline'
        ? {
            tradeReturns: returns
              .split(/[\s,]+/)
              .filter(Boolean)
              .map(Number),
          }
        : { fromJob: Number(fromJob) };
    try {
      onSubmitted(
        await api<Job>('/montecarlo', {
          method: 'POST',
          body: { ...trades, method, paths: Number(paths), seed: Number(seed) } satisfies MonteCarloRequest,
        }),
      );
    } catch (err) {
      setErrors(formErrors(err));
    } finally {
      setBusy(false);
    }
  };

  const err = errors.fields;
  return (
    <form onSubmit={submit} aria-labelledby="mc-title">
      <h2 id="mc-title">Monte Carlo</h2>
      <div class="form-grid">
        <FormField id="mc-source" label="Trades from" error={err['fromJob']}>
          <select id="mc-source" value={fromJob} onChange={(e) => setSource(e.currentTarget.value)}>
            {backtests.map((j) => {
              const p = jobParams(j);
              return (
                <option key={j.id} value={String(j.id)}>
                  backtest #{j.id} ({String(p['strategy'] ?? '')} {String(p['symbol'] ?? '')})
                </option>
              );
            })}
            <option value="inline">returns typed below</option>
          </select>
        </FormField>
        {fromJob === 'inline' && (
          <FormField
            id="mc-returns"
            label="Trade returns"
            hint="fractions, e.g. 0.02 = +2 %"
            error={err['tradeReturns']}
          >
            <input
              id="mc-returns"
              value={returns}
              onInput={(e) => setReturns(e.currentTarget.value)}
              {...describedBy('mc-returns', 'x', err['tradeReturns'])}
            />
          </FormField>
        )}
        <FormField id="mc-method" label="Method" error={err['method']}>
          <select id="mc-method" value={method} onChange={(e) => setMethod(e.currentTarget.value as Method)}>
            <option value="bootstrap">bootstrap</option>
            <option value="reshuffle">reshuffle</option>
          </select>
        </FormField>
        <FormField id="mc-paths" label="Paths" error={err['paths']}>
          <input
            id="mc-paths"
            type="number"
            min={1}
            value={paths}
            onInput={(e) => setPaths(e.currentTarget.value)}
          />
        </FormField>
        <FormField id="mc-seed" label="Seed" error={err['seed']}>
          <input
            id="mc-seed"
            type="number"
            min={0}
            value={seed}
            onInput={(e) => setSeed(e.currentTarget.value)}
          />
        </FormField>
        <button type="submit" disabled={busy}>
          Run Monte Carlo
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
