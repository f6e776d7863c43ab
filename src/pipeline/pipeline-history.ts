/**
 * What the signal bot has done, as the API reads it: its runs, decisions and
 * model calls, newest first. The record the running pipeline writes; reading
 * it needs no running pipeline.
 */
import type { ModelCallRecord } from '../store/model-call-repository.js';
import type {
  DecisionRecord,
  PageAfter,
  PipelineRepository,
  RunRecord,
} from '../store/pipeline-repository.js';

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

  /** The last runs with their stage timings, newest first. */
  listRuns(limit: number): Promise<RunRecord[]> {
    return this.repo.lastRuns(limit);
  }
}
