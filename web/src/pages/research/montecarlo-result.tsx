/**
 * A finished Monte Carlo run: its distribution as a histogram (paths per
 * bin, with a y-axis) and beside it the 5th, 50th and 95th percentiles of
 * final equity and of maximum drawdown, with the probability of ruin.
 */
import type { MonteCarloResult } from '../../api/types';
import { fmtNum, fmtPct } from '../../components/format';
import { type Bar, Histogram } from '../../components/histogram';

const LEVELS = [
  ['p5', '5th'],
  ['p50', '50th (median)'],
  ['p95', '95th'],
] as const;

function PercentileTable({ result }: { result: MonteCarloResult }) {
  const fe = result.finalEquity;
  const dd = result.maxDrawdown;
  const equityAt = (k: 'p5' | 'p50' | 'p95') => (fe.invariant ? fe.value : fe[k]);
  return (
    <table class="data-table compact mc-percentiles">
      <caption>Percentiles across {fmtNum(result.paths)} paths</caption>
      <thead>
        <tr>
          <th scope="col">Percentile</th>
          <th scope="col" class="num">
            Final equity
          </th>
          <th scope="col" class="num">
            Largest drawdown
          </th>
        </tr>
      </thead>
      <tbody>
        {LEVELS.map(([k, name]) => (
          <tr key={k} data-percentile={k}>
            <th scope="row">{name}</th>
            <td class="num" data-col="finalEquity">
              {fmtNum(equityAt(k), 2)}
            </td>
            <td class="num" data-col="maxDrawdown">
              {fmtPct(dd[k])}
            </td>
          </tr>
        ))}
      </tbody>
      {fe.invariant && (
        <tfoot>
          <tr>
            <td colSpan={3} class="hint">
              Reshuffling the same trades ends every path at the same equity; the drawdowns differ.
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}

export function MonteCarloView({ result }: { result: MonteCarloResult }) {
  const ofDrawdown = result.histogram?.of === 'maxDrawdown';
  const bars: Bar[] = (result.histogram?.bins ?? []).map((b) => ({
    label: ofDrawdown ? fmtPct(b.from) : fmtNum(b.from, 0),
    value: b.count,
  }));
  return (
    <>
      <p data-figure="ruin">
        Probability of ruin: <strong>{fmtPct(result.probabilityOfRuin)}</strong>
        <span class="hint"> of paths fell {fmtPct(result.ruinDrawdown)} or more below their peak</span>
      </p>
      <div class="mc-layout">
        {bars.length > 0 && (
          <Histogram
            bars={bars}
            label={
              ofDrawdown
                ? 'Distribution of the largest drawdown across paths'
                : 'Distribution of final equity across paths'
            }
            xTitle={ofDrawdown ? 'largest drawdown' : 'final equity'}
            yTitle="paths"
            format={(v) => fmtNum(v, 0)}
          />
        )}
        <PercentileTable result={result} />
      </div>
    </>
  );
}
