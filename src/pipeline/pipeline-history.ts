/**
 * What the signal bot has done, as the API reads it: its runs, decisions and
 * model calls, newest first, and the decider's recorded answers a backtest
 * replays. The record the running pipeline writes; reading it needs no
 * running pipeline.
 */
import type { AnswersQuery, ModelCallRecord } from '../store/model-call-repository.js';
import type {
  DecisionRecord,
  PageAfter,
  PipelineRepository,
  RunRecord,
} from '../store/pipeline-repository.js';
import { checkAnswer, type DeciderAnswer } from './ai/answers.js';

/** The decider's answers about a symbol's bars, as a backtest replays them. */
export interface RecordedDecisions {
  /** [bar open time, answer], oldest bar first; the newest answer per bar. */
  answers: [number, DeciderAnswer][];
  /** The range held more bars with answers than the query's limit. */
  more: boolean;
  /** Recorded answers that fail the decider's schema today (an older template's): left out. */
  unreadable: number;
}

export class PipelineHistory {
  constructor(private readonly repo: PipelineRepository) {}

  /** The last decisions, newest first (keyset page after `after`). */
  listDecisions(limit: number, after: PageAfter | null): Promise<DecisionRecord[]> {
    return this.repo.listDecisions(limit, after);
  }

  /** The model call log, newest first (keyset page after `after`). */
  listModelCalls(limit: number, after: PageAfter | null): Promise<ModelCallRecord[]> {
    return this.repo.modelCalls.list(limit, after);
  }

  /** The model calls about these bars (the analyst's and the decider's), oldest first. */
  modelCallsFor(bars: readonly { symbol: string; barTs: number }[]): Promise<ModelCallRecord[]> {
    return this.repo.modelCalls.forBars(bars);
  }

  /**
   * The answers `model` gave as the decider about `symbol`'s bars opened in
   * [from, to), each checked against the decider's schema again: an answer
   * read back from the database is not trusted blindly either.
   */
  async recordedDecisions(q: Omit<AnswersQuery, 'stage'>): Promise<RecordedDecisions> {
    const { answers, more } = await this.repo.modelCalls.answersFor({ ...q, stage: 'decider' });
    const out: RecordedDecisions = { answers: [], more, unreadable: 0 };
    for (const [barTs, answer] of answers) {
      const checked = checkAnswer<DeciderAnswer>('tradeloop_decision', answer);
      if (checked.ok) out.answers.push([barTs, checked.answer]);
      else out.unreadable++;
    }
    return out;
  }

  /** The last runs with their stage timings, newest first. */
  listRuns(limit: number): Promise<RunRecord[]> {
    return this.repo.lastRuns(limit);
  }
}
