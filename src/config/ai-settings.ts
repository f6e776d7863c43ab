/**
 * Settings of the pipeline's optional model stages (src/pipeline/ai): the
 * provider (any server speaking the OpenAI chat-completions API), the two
 * models, which stages ask them, budgets, concurrency, timeout and the price
 * table the call log's cost estimates come from. With PIPELINE_ANALYST and
 * PIPELINE_DECIDER at `rules` (the defaults) none of these is read.
 */
import { MODEL_NAME } from '../domain/model-name.js';
import { int, oneOf, setting } from './setting.js';

/** `model=input/output` prices in USD per million tokens, comma-separated. */
const PRICE_TABLE = /^[\w.:/@-]+=\d+(\.\d+)?\/\d+(\.\d+)?(,[\w.:/@-]+=\d+(\.\d+)?\/\d+(\.\d+)?)*$/;

export const aiSettings = {
  aiBaseUrl: setting({
    env: 'AI_BASE_URL',
    form: 'an http(s) URL such as https://api.openai.com/v1 or http://127.0.0.1:8000/v1',
    default: '',
    parse: (raw) => (/^https?:\/\/[^\s]+$/.test(raw) ? raw.replace(/\/+$/, '') : undefined),
    doc: 'Base URL of a server speaking the OpenAI chat-completions API (a hosted provider, llama.cpp, Ollama, vLLM); the client posts to `<this>/chat/completions`.',
  }),
  aiApiKey: setting({
    env: 'AI_API_KEY',
    form: 'the API key of the AI_BASE_URL server',
    default: '',
    parse: (raw) => (raw.length <= 1024 && !/\s/.test(raw) ? raw : undefined),
    secret: true,
    doc: 'Sent as `Authorization: Bearer`; never logged, never returned by the API. Local servers usually need none.',
  }),
  aiAnalystModel: setting({
    env: 'AI_ANALYST_MODEL',
    form: 'a model name such as gpt-4o-mini',
    default: '',
    parse: (raw) => (MODEL_NAME.test(raw) ? raw : undefined),
    doc: 'Model that writes the technical analysis of each candidate (PIPELINE_ANALYST=ai).',
  }),
  aiDeciderModel: setting({
    env: 'AI_DECIDER_MODEL',
    form: 'a model name such as gpt-4o-mini',
    default: '',
    parse: (raw) => (MODEL_NAME.test(raw) ? raw : undefined),
    doc: 'Model that turns an analysis, the account and the risk limits into an intent (PIPELINE_DECIDER=ai or both).',
  }),
  pipelineAnalyst: setting({
    env: 'PIPELINE_ANALYST',
    form: 'rules or ai',
    default: 'rules' as 'rules' | 'ai',
    parse: oneOf('rules', 'ai'),
    doc: '`rules`: indicators only. `ai`: AI_ANALYST_MODEL also reads each candidate (needs AI_BASE_URL); its analysis is stored with the signal and given to the decider.',
  }),
  pipelineDecider: setting({
    env: 'PIPELINE_DECIDER',
    form: 'rules, ai or both',
    default: 'rules' as 'rules' | 'ai' | 'both',
    parse: oneOf('rules', 'ai', 'both'),
    doc: '`rules`: the strategy decides. `ai`: AI_DECIDER_MODEL decides on each traded symbol’s newest closed bar. `both`: the strategy decides and the model may only veto or shrink an entry. Risk checks always run after the model; any failure falls back to the strategy for that candidate.',
  }),
  aiResponseFormat: setting({
    env: 'AI_RESPONSE_FORMAT',
    form: 'json_schema or json_object',
    default: 'json_schema' as 'json_schema' | 'json_object',
    parse: oneOf('json_schema', 'json_object'),
    doc: '`response_format` sent to the server: `json_schema` (structured outputs, strict) or `json_object` (JSON mode, for servers without schemas). Answers are validated against the schema either way.',
  }),
  aiMaxCallsPerHour: setting({
    env: 'AI_MAX_CALLS_PER_HOUR',
    form: 'an integer from 0 to 1000000',
    default: 600,
    parse: int(0, 1_000_000),
    doc: 'Most model calls in any trailing hour (counted in the call log, so shared by instances on one database); beyond it candidates fall back to the rules with this reason.',
  }),
  aiMaxTokensPerDay: setting({
    env: 'AI_MAX_TOKENS_PER_DAY',
    form: 'an integer from 0 to 1000000000',
    default: 2_000_000,
    parse: int(0, 1_000_000_000),
    doc: 'Most tokens (in + out) per UTC day; each call reserves its prompt estimate plus its output cap before it is sent.',
  }),
  aiMaxOutputTokens: setting({
    env: 'AI_MAX_OUTPUT_TOKENS',
    form: 'an integer from 16 to 32768',
    default: 400,
    parse: int(16, 32_768),
    doc: '`max_completion_tokens` of each call; an answer cut at the cap is rejected (finish_reason `length`).',
  }),
  aiConcurrency: setting({
    env: 'AI_CONCURRENCY',
    form: 'an integer from 1 to 64',
    default: 4,
    parse: int(1, 64),
    doc: 'Model calls in flight at once per instance.',
  }),
  aiTimeoutMs: setting({
    env: 'AI_TIMEOUT_MS',
    form: 'an integer from 100 to 300000',
    default: 30_000,
    parse: int(100, 300_000),
    doc: 'Longest one model call may take; then it is aborted and the candidate falls back to the rules.',
  }),
  aiPrices: setting({
    env: 'AI_PRICES',
    form: 'model=input/output pairs in USD per million tokens, e.g. gpt-4o-mini=0.15/0.6,local=0/0',
    default: '',
    parse: (raw) => (PRICE_TABLE.test(raw) ? raw : undefined),
    doc: 'Price table for the call log’s cost estimates; a model not listed is logged with an unknown cost.',
  }),
};
