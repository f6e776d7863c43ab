/**
 * "What if I had copied": a copy backtest of one leader (or two side by
 * side) with the options a follow would have: the range, the capital, the
 * fixed amount per copy and a stop loss. Results in words and figures
 * (return, drawdown, copied and skipped trades with reasons) and the equity
 * curve; a refusal shows the server's message beside the field it named.
 */
import { useState } from 'preact/hooks';
import type { Leader } from '../../api/types';
import { fmtNum, fmtPct, signClass } from '../../components/format';
import { ProgressBar } from '../../components/progress-bar';
import { TimeChart } from '../../components/time-chart';
import { type CopyBacktestOptions, type RunState, useCopyBacktest } from './use-copy-backtest';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** The form's fields as text, turned into a request's options. */
interface Fields {
  from: string;
  to: string;
  capital: string;
  fixedAmount: string;
  stopLossPct: string;
}

function options(f: Fields): CopyBacktestOptions {
  return {
    from: f.from,
    to: f.to,
    initialCapital: Number(f.capital),
    followOptions: {
      copyMode: 'fixed',
      fixedAmount: f.fixedAmount,
      ...(f.stopLossPct.trim() ? { stopLossPct: f.stopLossPct.trim() } : {}),
    },
  };
}

const label = (l: Leader) => l.name ?? l.address;

function Outcome({ state, who }: { state: RunState; who: string }) {
  if (state.kind === 'idle') return null;
  if (state.kind === 'running')
    return <ProgressBar value={state.progress} label={`Copy backtest of ${who}`} />;
  if (state.kind === 'failed')
    return (
      <p class="error" role="alert">
        {state.message}
      </p>
    );
  const { metrics: m, copied, skipped, skippedByReason, equityCurve } = state.result;
  const reasons = Object.entries(skippedByReason)
    .map(([r, n]) => `${r.replace(/_/g, ' ')} ${n}`)
    .join(', ');
  return (
    <div class="what-if-result" data-job-id={state.jobId}>
      <dl
        class="figures"
        style={{ display: 'grid', gridTemplateColumns: 'max-content auto', gap: '2px 12px' }}
      >
        <dt>Return</dt>
        <dd class={signClass(m.totalReturn)}>{fmtPct(m.totalReturn)}</dd>
        <dt>Final equity</dt>
        <dd>{fmtNum(m.finalEquity)}</dd>
        <dt>Max drawdown</dt>
        <dd>{fmtPct(m.maxDrawdown)}</dd>
        <dt>Copied</dt>
        <dd>{fmtNum(copied.length, 0)}</dd>
        <dt>Skipped</dt>
        <dd title={reasons}>
          {fmtNum(skipped.length, 0)}
          {reasons && ` (${reasons})`}
        </dd>
        <dt>Closed copies</dt>
        <dd>{fmtNum(m.trades, 0)}</dd>
      </dl>
      {equityCurve.length > 1 && (
        <TimeChart
          small
          label={`Equity if ${who} had been copied`}
          series={[{ kind: 'line', points: equityCurve.map((p) => ({ ts: p.ts, value: p.equity })) }]}
        />
      )}
    </div>
  );
}

/** The backtest form for one leader, or two compared with the same options. */
export function WhatIf({ leaders, onClose }: { leaders: readonly Leader[]; onClose?: () => void }) {
  const [f, setF] = useState<Fields>({
    from: day(-30),
    to: day(0),
    capital: '10000',
    fixedAmount: '100',
    stopLossPct: '',
  });
  const a = useCopyBacktest();
  const b = useCopyBacktest();
  const runs = [a, b].slice(0, leaders.length);
  const id = leaders.map((l) => l.address).join('-');
  const failedField =
    runs.map((r) => (r.state.kind === 'failed' ? r.state.field : null)).find(Boolean) ?? null;
  const field = (key: keyof Fields, name: string, text: string, type: 'text' | 'date' = 'text') => {
    const props = {
      id: `what-if-${id}-${key}`,
      value: f[key],
      'aria-invalid': failedField?.endsWith(name) ?? false,
      onInput: (e: { currentTarget: HTMLInputElement }) => setF({ ...f, [key]: e.currentTarget.value }),
    };
    return (
      <span>
        <label htmlFor={props.id}>{text}</label>{' '}
        {type === 'date' ? <input type="date" {...props} /> : <input type="text" {...props} />}
      </span>
    );
  };
  const busy = runs.some((r) => r.state.kind === 'running');
  return (
    <form
      class="what-if"
      aria-label={leaders.length > 1 ? 'Compare leaders' : `What if I had copied ${label(leaders[0]!)}`}
      id={`what-if-${id}`}
      onSubmit={(e) => {
        e.preventDefault();
        leaders.forEach((l, i) => void runs[i]!.run(l.source, l.address, options(f)));
      }}
    >
      <div
        class="filters"
        style={{ display: 'flex', flexWrap: 'wrap', gap: '8px 12px', alignItems: 'center' }}
      >
        {field('from', 'from', 'From', 'date')}
        {field('to', 'to', 'To', 'date')}
        {field('capital', 'initialCapital', 'Capital')}
        {field('fixedAmount', 'fixedAmount', 'Per copy')}
        {field('stopLossPct', 'stopLossPct', 'Stop loss %')}
        <button type="submit" class="small" disabled={busy}>
          {leaders.length > 1 ? 'Compare' : 'Run backtest'}
        </button>
        {onClose && (
          <button type="button" class="small secondary" onClick={onClose}>
            Close
          </button>
        )}
      </div>
      <div
        class={leaders.length > 1 ? 'what-if-compare' : undefined}
        style={
          leaders.length > 1 ? { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: '16px' } : undefined
        }
      >
        {leaders.map((l, i) => (
          <section key={l.address} aria-label={`If you had copied ${label(l)}`}>
            {leaders.length > 1 && <h3>{label(l)}</h3>}
            <Outcome state={runs[i]!.state} who={label(l)} />
          </section>
        ))}
      </div>
    </form>
  );
}
