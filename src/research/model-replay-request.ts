/**
 * A backtest's `modelReplay` option: decide the bars the pipeline's decider
 * model answered for as it answered (its call log), the others by the
 * rules. The client asks (`ModelReplayAsk`, parsed here with the rest of the
 * request); at submission the answers are read from the call log, checked,
 * and stored with the job (`ModelReplay`), so the worker replays them
 * without a database and never calls a model.
 *
 * @example
 * // in a backtest request:
 * { "modelReplay": { "stage": "decider", "model": "gpt-4o-mini", "mode": "both" } }
 */
import { MODEL_NAME, MODEL_NAME_FORM, MODEL_NAME_MAX } from '../domain/model-name.js';
import { REPLAY_MODES, REPLAY_STAGES, type ReplayMode } from '../domain/model-replay.js';
import type { Problems } from '../domain/validation.js';
import type { ModelIntent } from '../engine/model-gate.js';

/** What the client asks. */
export interface ModelReplayAsk {
  stage: (typeof REPLAY_STAGES)[number];
  /** Null: AI_DECIDER_MODEL. */
  model: string | null;
  /** @default 'ai' */
  mode: ReplayMode;
}

/** The ask resolved at submission: the model named, its answers read from the call log and checked. */
export interface ModelReplay {
  stage: ModelReplayAsk['stage'];
  model: string;
  mode: ReplayMode;
  /** [bar open time, the model's answer], oldest bar first; at most MAX_REPLAY_ANSWERS. */
  answers: [number, ModelIntent][];
  /** The call log held more answers in the range than MAX_REPLAY_ANSWERS: the bars after the last one fell back. */
  capped: boolean;
  /** Recorded answers that no longer pass the decider's schema: not replayed. */
  unreadable: number;
}

const FIELDS = new Set(['stage', 'model', 'mode']);

/** Records the problems of `raw` (the request's `modelReplay`) in `p`; the ask when there are none. */
export function parseModelReplay(p: Problems, raw: unknown): ModelReplayAsk | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    p.add('modelReplay', 'must be an object like {"stage":"decider","mode":"ai"}');
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  const before = p.list.length;
  for (const k of Object.keys(r))
    if (!FIELDS.has(k)) p.add(`modelReplay.${k}`, 'is not a field of modelReplay; known: stage, model, mode');
  const stage = oneOf(
    p,
    r.stage,
    'modelReplay.stage',
    REPLAY_STAGES,
    ": only the decider's answers can be replayed (the analyst's only inform the decider, which a backtest does not ask)",
  );
  const mode = oneOf(p, r.mode ?? 'ai', 'modelReplay.mode', REPLAY_MODES);
  const model =
    r.model === undefined
      ? null
      : p.text(r.model, 'modelReplay.model', {
          max: MODEL_NAME_MAX,
          pattern: MODEL_NAME,
          patternDoc: MODEL_NAME_FORM,
        });
  if (p.list.length > before || stage === undefined || mode === undefined || model === undefined)
    return undefined;
  return { stage, model, mode };
}

function oneOf<const V extends readonly string[]>(
  p: Problems,
  v: unknown,
  path: string,
  values: V,
  why = '',
): V[number] | undefined {
  if (typeof v === 'string' && values.includes(v)) return v as V[number];
  p.add(path, `must be ${values.length === 1 ? `"${values[0]}"` : `one of ${values.join(', ')}`}${why}`);
  return undefined;
}
