/**
 * What a backtest's model replay did: how many bars the recorded decider
 * answers decided, how many fell back to the rules (and which, in words:
 * the runs of consecutive bars, first and last), and which entries the gate
 * refused and why; and when the answers read were capped or some no longer
 * fit the decider's schema.
 */
import type { ModelReplaySummary } from '../../api/types';
import { fmtNum, fmtUtc } from '../../components/format';
import { MODE_WORDS } from './model-replay-fields';

/** Runs listed by name; the others are counted. */
const RUNS_SHOWN = 5;
const REFUSALS_SHOWN = 10;

const bars = (n: number) => `${fmtNum(n, 0)} ${n === 1 ? 'bar' : 'bars'}`;

/** "from 2026-01-01 00:00 to 2026-01-03 05:00, at 2026-01-04 10:00 and 2 more runs". */
export function rangesInWords(ranges: readonly (readonly number[])[]): string {
  const runs = ranges
    .slice(0, RUNS_SHOWN)
    .map(([first = 0, last = first]) =>
      first === last ? `at ${fmtUtc(first)}` : `from ${fmtUtc(first)} to ${fmtUtc(last)}`,
    );
  const more = ranges.length - runs.length;
  if (more > 0) runs.push(`${fmtNum(more, 0)} more ${more === 1 ? 'run' : 'runs'}`);
  return runs.length > 1 ? `${runs.slice(0, -1).join(', ')} and ${runs.at(-1)}` : (runs[0] ?? '');
}

export function ModelReplayView({ model: m }: { model: ModelReplaySummary }) {
  const { fellBack, refused } = m;
  return (
    <section class="replay-summary" aria-labelledby="replay-title">
      <h3 id="replay-title">Model replay</h3>
      <p class="hint">
        {m.model}'s recorded answers as the decider ({m.mode}: {MODE_WORDS[m.mode]}); {fmtNum(m.answers, 0)}{' '}
        read from the call log.
      </p>
      <dl class="kv">
        <div>
          <dt>Decided by the recorded answers</dt>
          <dd data-figure="replayed">{bars(m.replayed.count)}</dd>
        </div>
        <div>
          <dt>Fell back to the rules</dt>
          <dd data-figure="fellBack">{bars(fellBack.count)}</dd>
        </div>
        <div>
          <dt>Entries refused</dt>
          <dd data-figure="refused">{fmtNum(refused.count, 0)}</dd>
        </div>
      </dl>
      <p data-figure="fellBackRanges">
        {fellBack.ranges.length === 0
          ? 'No bar fell back to the rules.'
          : `The rules decided ${bars(fellBack.count)} in ${fmtNum(fellBack.ranges.length, 0)} ${
              fellBack.ranges.length === 1 ? 'run' : 'runs'
            } of consecutive bars: ${rangesInWords(fellBack.ranges)}.`}
      </p>
      {refused.items.length > 0 && (
        <ul class="replay-refused" aria-label="Entries refused">
          {refused.items.slice(0, REFUSALS_SHOWN).map((r) => (
            <li key={r.barTs}>
              {fmtUtc(r.barTs)}: blocked by {r.blockedBy}
            </li>
          ))}
          {refused.items.length > REFUSALS_SHOWN && (
            <li>and {fmtNum(refused.items.length - REFUSALS_SHOWN, 0)} more</li>
          )}
        </ul>
      )}
      {m.answersCapped && (
        <p class="hint">
          The range held more answers than one backtest replays: the bars after the last one read fell back to
          the rules.
        </p>
      )}
      {m.unreadable > 0 && (
        <p class="hint">
          {fmtNum(m.unreadable, 0)} recorded{' '}
          {m.unreadable === 1 ? 'answer no longer fits' : 'answers no longer fit'} the decider's schema and{' '}
          {m.unreadable === 1 ? 'was' : 'were'} not replayed.
        </p>
      )}
    </section>
  );
}
