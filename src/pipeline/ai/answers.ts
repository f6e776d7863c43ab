/**
 * The JSON schemas the two models must answer (sent as `response_format`
 * and checked again here with Ajv: a server may ignore the schema), and the
 * parse of a reply's content into a typed answer or the reason it is
 * rejected. Schemas follow strict structured-output rules: every property
 * required, no others; "none" is null.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { ModelIntent } from '../../engine/model-gate.js';

export interface AnalystAnswer {
  trend: 'up' | 'down' | 'sideways';
  support: number;
  resistance: number;
  signal: 'bullish' | 'bearish' | 'neutral';
  confidence: number;
  rationale: string;
}

/** The decider's answer: the engine's ModelIntent, which the model gate applies. */
export type DeciderAnswer = ModelIntent;

const share = { type: 'number', minimum: 0, maximum: 1 } as const;
const rationale = { type: 'string', maxLength: 280 } as const;

export const ANALYST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['trend', 'support', 'resistance', 'signal', 'confidence', 'rationale'],
  properties: {
    trend: { type: 'string', enum: ['up', 'down', 'sideways'] },
    support: { type: 'number', exclusiveMinimum: 0 },
    resistance: { type: 'number', exclusiveMinimum: 0 },
    signal: { type: 'string', enum: ['bullish', 'bearish', 'neutral'] },
    confidence: share,
    rationale,
  },
} as const;

export const DECIDER_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['action', 'size', 'stop', 'target', 'confidence', 'rationale'],
  properties: {
    action: { type: 'string', enum: ['enter', 'exit', 'hold'] },
    size: share,
    stop: { type: ['number', 'null'] },
    target: { type: ['number', 'null'] },
    confidence: share,
    rationale,
  },
} as const;

export const SCHEMAS = {
  tradeloop_analysis: ANALYST_SCHEMA,
  tradeloop_decision: DECIDER_SCHEMA,
} as const;
export type SchemaName = keyof typeof SCHEMAS;

/**
 * The answers' validators, compiled on the first answer checked: Ajv and its
 * compile are a few MB a service without model stages should not hold.
 */
let validators: Record<SchemaName, ValidateFunction> | undefined;
function validatorOf(schema: SchemaName): ValidateFunction {
  if (!validators) {
    const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
    validators = {
      tradeloop_analysis: ajv.compile(ANALYST_SCHEMA),
      tradeloop_decision: ajv.compile(DECIDER_SCHEMA),
    };
  }
  return validators[schema];
}

export type Parsed<T> = { ok: true; answer: T } | { ok: false; reason: string };

/**
 * The reply's content as a schema-valid answer, or why not.
 *
 * @example
 * parseAnswer<DeciderAnswer>('tradeloop_decision', '{"action":"enter",...}');
 */
export function parseAnswer<T>(schema: SchemaName, content: string): Parsed<T> {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return { ok: false, reason: `answer is not JSON: ${JSON.stringify(content.slice(0, 60))}` };
  }
  return checkAnswer<T>(schema, value);
}

/**
 * A parsed value as a schema-valid answer, or why not: also how an answer
 * read back from the call log is checked before a backtest replays it.
 */
export function checkAnswer<T>(schema: SchemaName, value: unknown): Parsed<T> {
  const validate = validatorOf(schema);
  if (validate(value)) return { ok: true, answer: value as T };
  const e = validate.errors?.[0];
  const where = e?.instancePath || '(root)';
  return { ok: false, reason: `answer fails the schema: ${where} ${e?.message ?? 'is invalid'}` };
}
