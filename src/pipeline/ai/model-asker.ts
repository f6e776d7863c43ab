/**
 * Asks a model one question about one candidate's bar, never twice: the key
 * is the model, the prompt template version and the exact prompt (hashed),
 * looked up in the cache (`aiAnalysis` / `aiDecision`: L1, then Redis L2
 * across instances), then in the call log (across restarts), and only then
 * sent — within the budgets, at most AI_CONCURRENCY at a time. Every request
 * and every skipped one is written to the call log with tokens, latency,
 * cost and outcome. A failure of any kind is an answer `{ ok: false, reason }`
 * for the caller to fall back on the rules; it is never cached.
 */
import { createHash } from 'node:crypto';
import type { Cache } from '../../cache/cache.js';
import type { Clock } from '../../domain/clock.js';
import { TimeoutError } from '../../domain/errors.js';
import type { Semaphore } from '../../lib/semaphore.js';
import type {
  CallOutcome,
  ModelCallRepository,
  ModelStage,
  NewModelCall,
} from '../../store/model-call-repository.js';
import { parseAnswer, type SchemaName } from './answers.js';
import type { ChatModel } from './chat-model.js';
import type { ModelBudget } from './model-budget.js';
import { callCost, type ModelPrice } from './price-table.js';
import { TEMPLATE_VERSION } from './prompts.js';

export interface Question {
  stage: ModelStage;
  model: string;
  runId: number | null;
  symbol: string;
  barTs: number;
  system: string;
  user: string;
  schema: SchemaName;
}

export type Asked<T> =
  | { ok: true; answer: T; from: 'model' | 'cache' | 'log' }
  | { ok: false; outcome: CallOutcome; reason: string };

export interface ModelAskerDeps {
  chat: ChatModel;
  cache: Cache;
  calls: ModelCallRepository;
  budget: ModelBudget;
  semaphore: Semaphore;
  clock: Clock;
  prices: ReadonlyMap<string, ModelPrice>;
  maxOutputTokens: number;
}

class ModelFault extends Error {
  constructor(
    readonly outcome: CallOutcome,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The prompt's identity: what the cache and the call log know it by. */
export function promptHash(q: Pick<Question, 'stage' | 'model' | 'system' | 'user'>): string {
  return createHash('sha256')
    .update(JSON.stringify([q.stage, q.model, TEMPLATE_VERSION, q.system, q.user]))
    .digest('hex');
}

/** Tokens a prompt may cost, over-estimated (about 3 characters a token) plus the output cap. */
const estimateTokens = (q: Question, cap: number) => Math.ceil((q.system.length + q.user.length) / 3) + cap;

export class ModelAsker {
  constructor(private readonly d: ModelAskerDeps) {}

  async ask<T>(q: Question): Promise<Asked<T>> {
    const hash = promptHash(q);
    const kind = q.stage === 'analyst' ? 'aiAnalysis' : 'aiDecision';
    let from: 'model' | 'cache' | 'log' = 'cache';
    try {
      const got = await this.d.cache.getOrLoad<T>(
        kind,
        `${q.model}:${TEMPLATE_VERSION}:${hash}`,
        async () => {
          const logged = await this.d.calls.answerFor(hash);
          if (logged !== undefined) {
            from = 'log';
            return logged as T;
          }
          from = 'model';
          return this.d.semaphore.run(() => this.call<T>(q, hash));
        },
      );
      return { ok: true, answer: got.value, from };
    } catch (err) {
      if (err instanceof ModelFault) return { ok: false, outcome: err.outcome, reason: err.reason };
      // The cache's hard timeout (a call queued too long), or the call log unreachable.
      const message = err instanceof Error ? err.message : String(err);
      const outcome = err instanceof TimeoutError ? 'timeout' : 'unavailable';
      return { ok: false, outcome, reason: `${q.stage} model ${outcome}: ${message.slice(0, 200)}` };
    }
  }

  private async call<T>(q: Question, hash: string): Promise<T> {
    const d = this.d;
    const now = d.clock.now();
    const held = d.budget.held(now);
    if (held) throw await this.skip(q, hash, 'skipped-retry-after', held);
    const reservation = d.budget.reserve(estimateTokens(q, d.maxOutputTokens));
    if (!reservation.ok) throw await this.skip(q, hash, 'skipped-budget', reservation.reason);
    const t0 = performance.now();
    const reply = await d.chat.complete({ model: q.model, system: q.system, user: q.user, schema: q.schema });
    const latencyMs = performance.now() - t0;
    reservation.settle(reply.tokensIn + reply.tokensOut);
    const parsed = reply.ok ? parseAnswer<T>(q.schema, reply.content) : undefined;
    if (!reply.ok && reply.retryAfterMs !== undefined) d.budget.holdUntil(d.clock.now() + reply.retryAfterMs);
    const outcome: CallOutcome = reply.ok ? (parsed?.ok ? 'ok' : 'rejected') : reply.outcome;
    const detail = reply.ok ? (parsed && !parsed.ok ? parsed.reason : null) : reply.detail;
    await this.record(q, hash, {
      tokensIn: reply.tokensIn,
      tokensOut: reply.tokensOut,
      latencyMs,
      cost: callCost(d.prices, q.model, reply.tokensIn, reply.tokensOut),
      outcome,
      detail,
      answer: parsed?.ok ? parsed.answer : null,
    });
    if (parsed?.ok) return parsed.answer;
    throw new ModelFault(outcome, `${q.stage} model ${outcome}: ${detail ?? 'no detail'}`);
  }

  private async skip(q: Question, hash: string, outcome: CallOutcome, reason: string): Promise<ModelFault> {
    const none = { tokensIn: 0, tokensOut: 0, latencyMs: 0, cost: null, answer: null };
    await this.record(q, hash, { ...none, outcome, detail: reason });
    return new ModelFault(outcome, `${q.stage} model skipped: ${reason}`);
  }

  private record(
    q: Question,
    hash: string,
    r: Pick<NewModelCall, 'tokensIn' | 'tokensOut' | 'latencyMs' | 'cost' | 'outcome' | 'detail' | 'answer'>,
  ): Promise<number> {
    return this.d.calls.insert({
      runId: q.runId,
      stage: q.stage,
      symbol: q.symbol,
      barTs: q.barTs,
      model: q.model,
      templateVersion: TEMPLATE_VERSION,
      promptHash: hash,
      createdAt: this.d.clock.now(),
      ...r,
    });
  }
}
