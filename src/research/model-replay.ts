/**
 * A backtest that replays a decider model's recorded answers (from the
 * pipeline's call log) for the same candles: the model gate wraps the rules
 * strategy exactly as in the pipeline, bars with a recorded answer are
 * decided as the model decided them, the others by the rules; the result
 * says which bars were which and which answers were rejected. No model is
 * called.
 *
 * @example
 * const r = runReplayBacktest({ strategy, symbol: 'BTC/USDT', bars, initialCapital: 10_000, answers, mode: 'ai' });
 * r.model.fellBack; // open times of the bars the rules decided
 */
import type { Bars } from '../engine/bars.js';
import { ModelGatedStrategy, type ModelIntent } from '../engine/model-gate.js';
import { ReplayedVerdicts } from '../engine/replayed-verdicts.js';
import { type BacktestConfig, type BacktestResult, runBacktest } from './backtest.js';
import type { ModelReplay } from './model-replay-request.js';

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

/** What a backtest's result says about its model replay; every list is bounded by MAX_REPLAY_ANSWERS. */
export interface ModelReplaySummary {
  stage: ModelReplay['stage'];
  model: string;
  mode: ModelReplay['mode'];
  /** Answers read from the call log for the range. */
  answers: number;
  /** The range held more than MAX_REPLAY_ANSWERS answers: the bars after the last one read fell back. */
  answersCapped: boolean;
  /** Recorded answers that no longer pass the decider's schema: their bars fell back. */
  unreadable: number;
  /** Bars decided by a recorded answer (open times, ms). */
  replayed: { count: number; bars: number[] };
  /** Bars the rules decided, as runs of consecutive bars: [first, last] open times. */
  fellBack: { count: number; ranges: [number, number][] };
  /** Replayed entries the gate refused (vetoes in `both`, answers that break a rule). */
  refused: { count: number; items: { barTs: number; blockedBy: string }[] };
}

/**
 * The result's `model` part. Replayed bars and refusals are at most the
 * answers read, and fallback runs at most one more, so nothing here grows
 * with the number of bars.
 */
export function replaySummary(
  replay: ModelReplay,
  model: ReplayResult['model'],
  bars: Bars,
): ModelReplaySummary {
  return {
    stage: replay.stage,
    model: replay.model,
    mode: replay.mode,
    answers: replay.answers.length,
    answersCapped: replay.capped,
    unreadable: replay.unreadable,
    replayed: { count: model.replayed.length, bars: model.replayed },
    fellBack: { count: model.fellBack.length, ranges: runsOf(model.fellBack, bars) },
    refused: { count: model.refused.length, items: model.refused },
  };
}

/** `subset` (an ordered subsequence of the bars' open times) as runs of consecutive bars. */
function runsOf(subset: readonly number[], bars: Bars): [number, number][] {
  const runs: [number, number][] = [];
  let run: [number, number] | null = null;
  for (let i = 0, k = 0; i < bars.length && k < subset.length; i++) {
    const ts = bars.ts[i]!;
    if (ts !== subset[k]) {
      run = null;
      continue;
    }
    k++;
    if (run) run[1] = ts;
    else {
      run = [ts, ts];
      runs.push(run);
    }
  }
  return runs;
}
