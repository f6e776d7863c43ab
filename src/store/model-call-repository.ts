/**
 * The model stages' call log (migration 013): one row per model call, and per
 * call skipped for budget or Retry-After, with tokens, latency, cost estimate
 * and outcome. The budgets read it (calls of the trailing hour, tokens of the
 * UTC day: shared by every instance on the database), an answer is found
 * again by its prompt hash (so a restart never asks twice), and a backtest
 * replays the answers recorded for its bars.
 */
import type { Selectable } from 'kysely';
import type { Decimal } from '../domain/decimal.js';
import { canonicalAmountOrNull } from './amounts.js';
import type { Database } from './database.js';
import { afterKeyset } from './keyset.js';
import type { PageAfter } from './pipeline-records.js';
import type { PipelineModelCallsTable } from './pipeline-schema.js';
import { compile, prepare } from './prepared.js';

export type ModelStage = 'analyst' | 'decider';

/**
 * `ok`: a schema-valid answer. `rejected`: an answer that failed JSON or the
 * schema. `timeout`, `rate-limited` (429), `server-error` (5xx), `refused`
 * (other 4xx), `unavailable` (no connection): the provider failed. Skipped
 * without a request: `skipped-budget`, `skipped-retry-after`.
 */
export type CallOutcome =
  | 'ok'
  | 'rejected'
  | 'timeout'
  | 'rate-limited'
  | 'server-error'
  | 'refused'
  | 'unavailable'
  | 'skipped-budget'
  | 'skipped-retry-after';

export interface ModelCallRecord {
  id: number;
  runId: number | null;
  stage: ModelStage;
  symbol: string;
  barTs: number;
  model: string;
  templateVersion: string;
  promptHash: string;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
  /** USD estimate from AI_PRICES; null when the model has no price. */
  cost: Decimal | null;
  outcome: CallOutcome;
  detail: string | null;
  /** The validated answer (outcome `ok`). */
  answer: unknown;
  createdAt: number;
}

export type NewModelCall = Omit<ModelCallRecord, 'id'>;

/** Which recorded answers a backtest replays: one model's, about one symbol's bars opened in [from, to). */
export interface AnswersQuery {
  stage: ModelStage;
  model: string;
  symbol: string;
  from: number;
  to: number;
  /** Most bars read. */
  limit: number;
}

const toCall = (r: Selectable<PipelineModelCallsTable>): ModelCallRecord => ({
  id: Number(r.id),
  runId: r.run_id === null ? null : Number(r.run_id),
  stage: r.stage as ModelStage,
  symbol: r.symbol,
  barTs: Number(r.bar_ts),
  model: r.model,
  templateVersion: r.template_version,
  promptHash: r.prompt_hash,
  tokensIn: Number(r.tokens_in),
  tokensOut: Number(r.tokens_out),
  latencyMs: Number(r.latency_ms),
  cost: canonicalAmountOrNull(r.cost),
  outcome: r.outcome as CallOutcome,
  detail: r.detail,
  answer: r.answer === null ? null : (JSON.parse(r.answer) as unknown),
  createdAt: Number(r.created_at),
});

const COLUMNS = [
  'run_id',
  'stage',
  'symbol',
  'bar_ts',
  'model',
  'template_version',
  'prompt_hash',
  'tokens_in',
  'tokens_out',
  'latency_ms',
  'cost',
  'outcome',
  'detail',
  'answer',
  'created_at',
] as const;

export class ModelCallRepository {
  private readonly answerQ;
  private readonly callsSinceQ;
  private readonly tokensSinceQ;
  private readonly pageQ;
  private readonly pageAfterQ;
  private readonly answersQ;

  constructor(private readonly db: Database) {
    const k = db.kysely;
    this.answerQ = prepare(k, (p) =>
      k
        .selectFrom('pipeline_model_calls')
        .select('answer')
        .where('prompt_hash', '=', p('hash'))
        .where('outcome', '=', 'ok')
        .orderBy('id', 'desc')
        .limit(1),
    );
    const provider = () => k.selectFrom('pipeline_model_calls').where('outcome', 'not like', 'skipped-%');
    this.callsSinceQ = prepare(k, (p) =>
      provider()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('created_at', '>=', p('since')),
    );
    this.tokensSinceQ = prepare(k, (p) =>
      provider()
        .select((eb) => eb.fn.sum<number>(eb('tokens_in', '+', eb.ref('tokens_out'))).as('n'))
        .where('created_at', '>=', p('since')),
    );
    const all = () => k.selectFrom('pipeline_model_calls').selectAll();
    this.pageQ = prepare(k, (p) =>
      all().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(p('limit')),
    );
    this.pageAfterQ = prepare(k, (p) =>
      all().where(afterKeyset(p)).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(p('limit')),
    );
    // The newest ok answer per bar (a bar asked twice, e.g. after its position changed, counts once).
    this.answersQ = prepare(k, (p) =>
      k
        .selectFrom('pipeline_model_calls')
        .select(['bar_ts', 'answer'])
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('pipeline_model_calls')
            .select((m) => m.fn.max('id').as('id'))
            .where('symbol', '=', p('symbol'))
            .where('bar_ts', '>=', p('from'))
            .where('bar_ts', '<', p('to'))
            .where('stage', '=', p('stage'))
            .where('model', '=', p('model'))
            .where('outcome', '=', 'ok')
            .groupBy('bar_ts'),
        )
        .orderBy('bar_ts')
        .limit(p('limit')),
    );
  }

  async insert(c: NewModelCall): Promise<number> {
    const [id] = await this.db.insertMany('pipeline_model_calls', COLUMNS, [
      [
        c.runId,
        c.stage,
        c.symbol,
        c.barTs,
        c.model,
        c.templateVersion,
        c.promptHash,
        c.tokensIn,
        c.tokensOut,
        c.latencyMs,
        c.cost,
        c.outcome,
        c.detail,
        c.answer === null || c.answer === undefined ? null : JSON.stringify(c.answer),
        c.createdAt,
      ],
    ]);
    return Number(id);
  }

  /** The newest schema-valid answer to exactly this prompt, if one was ever recorded. */
  async answerFor(promptHash: string): Promise<unknown> {
    const row = await this.db.first(this.answerQ({ hash: promptHash }));
    return row?.answer ? (JSON.parse(row.answer) as unknown) : undefined;
  }

  /** Requests sent to the provider since `since` (skipped calls not counted). */
  async callsSince(since: number): Promise<number> {
    const row = await this.db.first(this.callsSinceQ({ since }));
    return Number(row?.n ?? 0);
  }

  /** Tokens (in + out) the provider counted since `since`. */
  async tokensSince(since: number): Promise<number> {
    const row = await this.db.first(this.tokensSinceQ({ since }));
    return Number(row?.n ?? 0);
  }

  /** The newest calls first; pass the last row's key as `after` for the next page. */
  async list(limit: number, after: PageAfter | null): Promise<ModelCallRecord[]> {
    const q = after ? this.pageAfterQ({ limit, ...after }) : this.pageQ({ limit });
    return (await this.db.all(q)).map(toCall);
  }

  /**
   * The schema-valid answers `model` gave as `stage` about `symbol`'s bars
   * opened in [from, to), the newest answer per bar, oldest bar first: what
   * a backtest replays. At most `limit` bars; `more` says the range held
   * more (the bars after the last one returned were not read).
   */
  async answersFor(q: AnswersQuery): Promise<{ answers: Map<number, unknown>; more: boolean }> {
    const rows = await this.db.all(this.answersQ({ ...q, limit: q.limit + 1 }));
    const more = rows.length > q.limit;
    const answers = new Map(
      rows.slice(0, q.limit).map((r) => [Number(r.bar_ts), JSON.parse(r.answer ?? 'null') as unknown]),
    );
    return { answers, more };
  }

  /** Every call about these bars (`symbol` and bar open time), oldest first. */
  async forBars(bars: readonly { symbol: string; barTs: number }[]): Promise<ModelCallRecord[]> {
    if (bars.length === 0) return [];
    const k = this.db.kysely;
    const symbols = [...new Set(bars.map((b) => b.symbol))];
    const times = [...new Set(bars.map((b) => b.barTs))];
    const rows = await this.db.all(
      compile(
        k
          .selectFrom('pipeline_model_calls')
          .selectAll()
          .where('symbol', 'in', symbols)
          .where('bar_ts', 'in', times)
          .orderBy('id'),
      ),
    );
    const wanted = new Set(bars.map((b) => `${b.symbol}\u0000${b.barTs}`));
    return rows.map(toCall).filter((c) => wanted.has(`${c.symbol}\u0000${c.barTs}`));
  }
}
