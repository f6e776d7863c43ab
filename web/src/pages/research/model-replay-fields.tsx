/**
 * The backtest form's model replay: a checkbox to decide the bars the
 * pipeline's AI decider answered for as it answered (its call log), and the
 * model and mode to replay. The server refuses, beside these fields, a replay
 * with nothing to replay or on other candles than the pipeline's.
 */
import type { ModelReplayRequest } from '../../api/types';
import { describedBy, FormField } from './form-field';

export type ReplayMode = NonNullable<ModelReplayRequest['mode']>;

/** The replay as the form holds it (remembered with the form). */
export interface ReplayDraft {
  on: boolean;
  model: string;
  mode: ReplayMode;
}

export const NO_REPLAY: ReplayDraft = { on: false, model: '', mode: 'ai' };

/** Each mode in words (the compiler holds it to the server's list). */
export const MODE_WORDS: Record<ReplayMode, string> = {
  ai: 'the model decides',
  both: "the model may only veto or shrink the rules' entries",
};

/** The request's `modelReplay`, or none when the box is not ticked. */
export function replayOf(d: ReplayDraft): ModelReplayRequest | undefined {
  if (!d.on) return undefined;
  const model = d.model.trim();
  return { stage: 'decider', mode: d.mode, ...(model ? { model } : {}) };
}

const HINT =
  "From the pipeline's call log: the bars it answered for are decided as it answered, the others by the rules (on the pipeline's data and timeframe).";

export function ModelReplayFields({
  draft,
  onChange,
  errors,
}: {
  draft: ReplayDraft;
  onChange(d: ReplayDraft): void;
  errors: Record<string, string>;
}) {
  const e = errors['modelReplay'] ?? errors['modelReplay.stage'];
  return (
    <div class="replay-fields">
      <div class="field">
        <label class="check">
          <input
            type="checkbox"
            checked={draft.on}
            onChange={(ev) => onChange({ ...draft, on: ev.currentTarget.checked })}
            {...describedBy('bt-replay', HINT, e)}
          />
          Replay the AI decider's recorded answers
        </label>
        <span class="hint" id="bt-replay-hint">
          {HINT}
        </span>
        {e && (
          <span class="field-error" id="bt-replay-error" role="alert">
            {e}
          </span>
        )}
      </div>
      {draft.on && (
        <>
          <FormField
            id="bt-replay-model"
            label="Model"
            hint="empty: the server's AI_DECIDER_MODEL"
            error={errors['modelReplay.model']}
          >
            <input
              id="bt-replay-model"
              value={draft.model}
              placeholder="e.g. gpt-4o-mini"
              onInput={(ev) => onChange({ ...draft, model: ev.currentTarget.value })}
              {...describedBy('bt-replay-model', 'x', errors['modelReplay.model'])}
            />
          </FormField>
          <FormField
            id="bt-replay-mode"
            label="Mode"
            hint={MODE_WORDS[draft.mode]}
            error={errors['modelReplay.mode']}
          >
            <select
              id="bt-replay-mode"
              value={draft.mode}
              onChange={(ev) => onChange({ ...draft, mode: ev.currentTarget.value as ReplayMode })}
              {...describedBy('bt-replay-mode', MODE_WORDS[draft.mode], errors['modelReplay.mode'])}
            >
              {Object.keys(MODE_WORDS).map((mode) => (
                <option key={mode} value={mode}>
                  {mode}
                </option>
              ))}
            </select>
          </FormField>
        </>
      )}
    </div>
  );
}
