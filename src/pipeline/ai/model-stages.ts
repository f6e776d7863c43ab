/**
 * The pipeline's optional model stages, as the Pipeline calls them: the
 * analyst reads each candidate after the indicators are computed; the
 * decider answers for each traded symbol's newest closed bar just before the
 * engines step it, and its verdicts go on the board the gated strategies
 * read. Either stage may be off (`rules`). A candidate whose model fails —
 * budget, Retry-After, timeout, 429, 5xx, garbage — keeps the rules, with the
 * reason recorded beside its signal or decision.
 */

import type { Candle } from '../../domain/market.js';
import { type GateRefusal, ModelGatedStrategy, VerdictBoard } from '../../engine/model-gate.js';
import type { RiskLimits } from '../../engine/risk.js';
import type { Strategy } from '../../engine/strategy.js';
import type { Analysis } from '../analysis.js';
import type { Candidate } from '../scout.js';
import type { AnalystAnswer, DeciderAnswer } from './answers.js';
import type { ModelAsker } from './model-asker.js';
import type { ModelBudget } from './model-budget.js';
import {
  ANALYST_SYSTEM,
  analystPrompt,
  DECIDER_SYSTEM,
  type DeciderInput,
  deciderPrompt,
} from './prompts.js';

export interface ModelStagesOptions {
  analyst: 'rules' | 'ai';
  decider: 'rules' | 'ai' | 'both';
  analystModel: string;
  deciderModel: string;
  venue: string;
  timeframe: string;
}

/** The analyst's answer for a candidate, or why there is none. */
export interface AnalystOutcome {
  analysis: AnalystAnswer | null;
  note: string | null;
}

/** A symbol's newest closed bar the engines are about to step, with what the decider reads. */
export type DueBar = Omit<DeciderInput, 'analysis' | 'limits'>;

export class ModelStages {
  readonly board = new VerdictBoard();

  constructor(
    private readonly asker: ModelAsker,
    private readonly budget: ModelBudget,
    readonly o: ModelStagesOptions,
  ) {}

  get analystOn(): boolean {
    return this.o.analyst === 'ai';
  }

  get deciderOn(): boolean {
    return this.o.decider !== 'rules';
  }

  /** Asks the analyst about every candidate (AI_CONCURRENCY at a time). */
  async analyse(
    runId: number,
    now: number,
    candidates: readonly Candidate[],
    candles: ReadonlyMap<string, Candle[]>,
    found: readonly Analysis[],
  ): Promise<AnalystOutcome[]> {
    await this.budget.refresh(now);
    return Promise.all(
      candidates.map(async (c, i): Promise<AnalystOutcome> => {
        const a = found[i]!;
        const user = analystPrompt({
          venue: this.o.venue,
          timeframe: this.o.timeframe,
          candidate: c,
          candles: candles.get(c.symbol) ?? [],
          indicators: a.indicators,
        });
        const got = await this.asker.ask<AnalystAnswer>({
          stage: 'analyst',
          model: this.o.analystModel,
          runId,
          symbol: c.symbol,
          barTs: a.barTs,
          system: ANALYST_SYSTEM,
          user,
          schema: 'tradeloop_analysis',
        });
        return got.ok ? { analysis: got.answer, note: null } : { analysis: null, note: got.reason };
      }),
    );
  }

  /** Asks the decider about every due bar and puts the verdicts on the board. */
  async decide(
    runId: number,
    now: number,
    due: readonly DueBar[],
    analyses: ReadonlyMap<string, AnalystAnswer>,
    limits: Readonly<RiskLimits>,
  ): Promise<void> {
    this.board.clear();
    if (due.length === 0) return;
    await this.budget.refresh(now);
    const l = {
      maxOpenPositions: limits.maxOpenPositions,
      maxSymbolExposure: limits.maxSymbolExposure,
      riskPerTrade: limits.riskPerTrade,
      positionFraction: limits.positionFraction,
      dailyLossLimit: limits.dailyLossLimit,
    };
    await Promise.all(
      due.map(async (d) => {
        const got = await this.asker.ask<DeciderAnswer>({
          stage: 'decider',
          model: this.o.deciderModel,
          runId,
          symbol: d.symbol,
          barTs: d.barTs,
          system: DECIDER_SYSTEM,
          user: deciderPrompt({ ...d, analysis: analyses.get(d.symbol) ?? null, limits: l }),
          schema: 'tradeloop_decision',
        });
        this.board.set(
          d.symbol,
          d.barTs,
          got.ok ? { kind: 'model', answer: got.answer } : { kind: 'fallback', reason: got.reason },
        );
      }),
    );
  }

  /** The symbol's strategy, gated by the decider when it is on. */
  wrap(inner: Strategy, symbol: string, refuse: (r: GateRefusal) => void): Strategy {
    if (this.o.decider === 'rules') return inner;
    return new ModelGatedStrategy(inner, symbol, this.board, this.o.decider, refuse);
  }

  /** Who decided on `symbol`'s bar and what became of the model's answer, for the decision row. */
  decidedOn(symbol: string, barTs: number): { decidedBy: 'rules' | 'ai' | 'both'; modelNote: string | null } {
    const e = this.board.get(symbol, barTs);
    if (!e) return { decidedBy: 'rules', modelNote: null };
    if (e.verdict.kind === 'fallback')
      return { decidedBy: 'rules', modelNote: `fell back to the rules: ${e.verdict.reason}` };
    return { decidedBy: this.o.decider === 'both' ? 'both' : 'ai', modelNote: e.note };
  }

  /** Settings and spend, for the pipeline's status (never the key). */
  status() {
    return {
      analyst: this.o.analyst,
      decider: this.o.decider,
      analystModel: this.analystOn ? this.o.analystModel : null,
      deciderModel: this.deciderOn ? this.o.deciderModel : null,
      ...this.budget.spent(),
    };
  }
}
