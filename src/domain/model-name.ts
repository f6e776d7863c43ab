/**
 * The name of a model on a chat-completions server (`gpt-4o-mini`,
 * `meta-llama/Llama-3.1-8B-Instruct`, `qwen2.5:7b`), as AI_ANALYST_MODEL,
 * AI_DECIDER_MODEL and a backtest's `modelReplay.model` accept it: one rule
 * for the settings and the requests.
 */
export const MODEL_NAME_MAX = 128;
export const MODEL_NAME = /^[\w.:/@-]{1,128}$/;
export const MODEL_NAME_FORM = `a model name of at most ${MODEL_NAME_MAX} letters, digits and . : / @ - _, such as gpt-4o-mini`;
