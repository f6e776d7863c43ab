/**
 * A finished Monte Carlo run: its distribution as a histogram (paths per
 * bin, with a y-axis) and beside it the 5th, 50th and 95th percentiles of
 * final equity and of maximum drawdown, with the probability of ruin.
 */
import { fmtNum, fmtPct } from '../../components/format';
import { type Bar, Histogram } from '../../components/histogram';

interface Percentiles {
  p5: number;
  p50: number;
  p95: number;
  mean: number;
}
interface Bin {
  from: number;
  to: number;
  count: number;
}
export interface MonteCarloResult {
  paths?: number;
  finalEquity?: { invariant: boolean; value?: number } & Partial<Percentiles>;
  maxDrawdown?: Percentiles;
  probabilityOfRuin?: number;
  ruinDrawdown?: number;
  histogram?: Bin[] | { of?: 'finalEquity' | 'maxDrawdown'; bins: Bin[] };
}

const LEVELS = [
  ['p5', '5th'],
  ['p50', '50th (median)'],
  ['p95', '95th'],
] as const;

function PercentileTable({ result }: { result: MonteCarloResult }) {
  const fe = result.finalEquity;
  const dd = result.maxDrawdown;
  const equityAt = (k: 'p5' | 'p50' | 'p95') => (fe?.invariant ? fe.value : fe?.[k]);
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
              {fmtPct(dd?.[k])}
            </td>
          </tr>
        ))}
      </tbody>
      {fe?.invariant && (
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
  const bins = Array.isArray(result.histogram) ? result.histogram : result.histogram?.bins;
  const ofDrawdown = !Array.isArray(result.histogram) && result.histogram?.of === 'maxDrawdown';
  const bars: Bar[] = (bins ?? []).map((b) => ({
    label: ofDrawdown ? fmtPct(b.from) : fmtNum(b.from, 0),
    value: b.count,
  }));
  return (
    <>
      <p data-figure="ruin">
        Probability of ruin: <strong>{fmtPct(result.probabilityOfRuin)}</strong>
        {result.ruinDrawdown !== undefined && (
          <span class="hint"> of paths fell {fmtPct(result.ruinDrawdown)} or more below their peak</span>
        )}
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
