/**
 * Recorded decider answers as the model gate's verdict source, for a
 * backtest over the same candles: a bar with a recorded answer is decided as
 * the model decided it then; every other bar falls back to the rules and is
 * listed in `fellBack`, so the report can say which bars the model did not
 * decide. A backtest never calls a model.
 */
import type { GateEntry, ModelIntent, VerdictSource } from './model-gate.js';

export class ReplayedVerdicts implements VerdictSource {
  /** Open times of the bars decided by the rules (no recorded answer), in the order seen. */
  readonly fellBack: number[] = [];
  /** Open times of the bars decided by a recorded answer. */
  readonly replayed: number[] = [];

  constructor(
    private readonly symbol: string,
    private readonly answers: ReadonlyMap<number, ModelIntent>,
  ) {}

  get(symbol: string, barTs: number): GateEntry | undefined {
    if (symbol !== this.symbol) return undefined;
    const answer = this.answers.get(barTs);
    if (!answer) {
      this.fellBack.push(barTs);
      return undefined;
    }
    this.replayed.push(barTs);
    return { barTs, verdict: { kind: 'model', answer }, note: null };
  }
}
