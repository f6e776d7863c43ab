/**
 * A backtest's `modelReplay` resolved at submission, on the API: the model
 * named (AI_DECIDER_MODEL when the request names none), the decider's
 * answers read from the call log for the backtest's symbol and range,
 * checked, and bounded (MAX_REPLAY_ANSWERS), so the job carries them and a
 * worker anywhere replays them without a database.
 *
 * The call log does not record which venue and timeframe an answer was
 * about: they are the pipeline's. So a replay must name the pipeline's venue
 * and timeframe, or the answers would be applied to other candles than the
 * ones the model read. A range without a single recorded answer is refused
 * (400) rather than run: it would be a rules backtest under the name of a
 * replay, and its likely cause — a model name, symbol or range that does not
 * match the log — is best said before a job is queued.
 */
import { ValidationError } from '../domain/errors.js';
import { MAX_REPLAY_ANSWERS } from '../domain/model-replay.js';
import type { BacktestRequest, ModelReplay, ModelReplayAsk } from '../research/index.js';

/** Where the recorded decider answers come from (the pipeline's history, wired in container.ts). */
export interface RecordedAnswerSource {
  /** The research venue name of the pipeline's venue (VENUE): the candles its answers are about. */
  venue: string;
  /** The timeframe the pipeline trades on. */
  timeframe: string;
  /** AI_DECIDER_MODEL; '' when unset. */
  defaultModel: string;
  read(q: {
    model: string;
    symbol: string;
    from: number;
    to: number;
    limit: number;
  }): Promise<{ answers: ModelReplay['answers']; more: boolean; unreadable: number }>;
}

function refuse(path: string, message: string): never {
  throw new ValidationError(`invalid backtest request: ${path} ${message}`, {
    details: [{ path, message }],
  });
}

/**
 * `request` with its replay's answers read, or as it is when it asks for no
 * replay. Refuses (400) a replay this server cannot serve or that would
 * replay nothing.
 *
 * @example
 * const run = await resolveModelReplay(parseBacktestRequest(body), source);
 * run.modelReplay?.answers; // [[barTs, { action: 'enter', size: 0.5, ... }], ...]
 */
export async function resolveModelReplay(
  request: BacktestRequest<ModelReplayAsk>,
  source: RecordedAnswerSource | undefined,
  limit = MAX_REPLAY_ANSWERS,
): Promise<BacktestRequest<ModelReplay>> {
  const { modelReplay: ask, ...plain } = request;
  if (!ask) return plain;
  if (!source) refuse('modelReplay', 'is not available here: this server reads no model call log');
  const model = ask.model ?? source.defaultModel;
  if (model === '')
    refuse('modelReplay.model', 'must be given: AI_DECIDER_MODEL is not set, so there is no default');
  if (request.venue !== source.venue)
    refuse(
      'venue',
      `must be ${source.venue} for a model replay: the recorded answers are about the pipeline's ${source.venue} candles`,
    );
  if (request.timeframe !== source.timeframe)
    refuse(
      'timeframe',
      `must be ${source.timeframe} for a model replay: the pipeline decides on ${source.timeframe} bars`,
    );
  const read = await source.read({
    model,
    symbol: request.symbol,
    from: request.from,
    to: request.to,
    limit,
  });
  if (read.answers.length === 0) {
    const unreadable =
      read.unreadable > 0 ? ` (${read.unreadable} recorded ones fail the decider's schema)` : '';
    refuse(
      'modelReplay',
      `has nothing to replay: the call log holds no decider answer of ${model} about ${request.symbol} between ${iso(request.from)} and ${iso(request.to)}${unreadable}`,
    );
  }
  return {
    ...plain,
    modelReplay: {
      stage: ask.stage,
      model,
      mode: ask.mode,
      answers: read.answers,
      capped: read.more,
      unreadable: read.unreadable,
    },
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
