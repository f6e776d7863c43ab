/**
 * What a backtest may replay of the pipeline's recorded model answers: the
 * stages, the modes, and how many answers one job carries at most.
 */

/** The stages whose answers a backtest can replay: the decider's (the analyst's only inform it). */
export const REPLAY_STAGES = ['decider'] as const;
/** As PIPELINE_DECIDER: the model decides (`ai`) or may only veto or shrink the rules' entries (`both`). */
export const REPLAY_MODES = ['ai', 'both'] as const;
export type ReplayMode = (typeof REPLAY_MODES)[number];

/**
 * Most recorded answers one backtest replays (one per bar: 2,000 hourly bars
 * are 83 days). They travel with the job, so they are bounded; a range with
 * more replays the first ones and says so (`answersCapped`).
 */
export const MAX_REPLAY_ANSWERS = 2000;
