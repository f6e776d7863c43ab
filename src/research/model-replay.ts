/**
 * A backtest that replays a decider model's recorded answers (from the
 * pipeline's call log) for the same candles: the model gate wraps the rules
 * strategy exactly as in the pipeline, bars with a recorded answer are
 * decided as the model decided them, the others by the rules; the result
 * says which bars were which and which answers were rejected. No model is
 * called.
 *
 * @example
 * const answers = await calls.answersFor('decider', 'gpt-4o-mini', 'BTC/USDT', from, to);
 * const r = runReplayBacktest({ strategy, symbol: 'BTC/USDT', bars, initialCapital: 10_000, answers, mode: 'ai' });
 * r.model.fellBack; // open times of the bars the rules decided
 */
import { ModelGatedStrategy, type ModelIntent } from '../engine/model-gate.js';
import { ReplayedVerdicts } from '../engine/replayed-verdicts.js';
import { type BacktestConfig, type BacktestResult, runBacktest } from './backtest.js';

export interface ReplayConfig extends BacktestConfig {
  /** Recorded answers by bar open time. */
  answers: ReadonlyMap<number, ModelIntent>;
  /** As PIPELINE_DECIDER: the model decides (`ai`) or only vetoes and shrinks (`both`). */
  mode: 'ai' | 'both';
}

export interface ReplayResult extends BacktestResult {
  model: {
    /** Bars decided by a recorded answer (open times). */
    replayed: number[];
    /** Bars without one, decided by the rules. */
    fellBack: number[];
    /** Recorded entries the gate refused (vetoes, rule-breaking answers). */
    refused: { barTs: number; blockedBy: string }[];
  };
}

export function runReplayBacktest(cfg: ReplayConfig): ReplayResult {
  const verdicts = new ReplayedVerdicts(cfg.symbol, cfg.answers);
  const refused: ReplayResult['model']['refused'] = [];
  const strategy = new ModelGatedStrategy(cfg.strategy, cfg.symbol, verdicts, cfg.mode, (r) =>
    refused.push({ barTs: r.barTs, blockedBy: r.blockedBy }),
  );
  const result = runBacktest({ ...cfg, strategy });
  return { ...result, model: { replayed: verdicts.replayed, fellBack: verdicts.fellBack, refused } };
}
