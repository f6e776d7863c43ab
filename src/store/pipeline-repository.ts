/**
 * Persistence of the signal pipeline: runs with their stage timings and
 * errors, the signals (ranked candidates) of each run, decisions with their
 * reasons and the orders placed on paper or live. One run's rows are written
 * in one transaction per stage; lists read newest first by a (created_at, id)
 * keyset, never OFFSET.
 */
import type { Database, SqlExecutor } from './database.js';
import { afterKeyset } from './keyset.js';
import { ModelCallRepository } from './model-call-repository.js';
import {
  type DecisionRecord,
  type NewDecision,
  type NewOrder,
  type OrderUpdate,
  type PageAfter,
  type PipelineMode,
  type PipelineOrderRecord,
  type RunOutcome,
  type RunRecord,
  type SignalRecord,
  type StageName,
  toDecimal,
  toDecision,
  toOrder,
  toRun,
} from './pipeline-records.js';
import { prepare } from './prepared.js';

export * from './pipeline-records.js';

const SIGNAL_COLUMNS = [
  'run_id',
  'symbol',
  'rank',
  'score',
  'price',
  'volume',
  'volatility',
  'momentum',
  'indicators',
  'created_at',
  'model_analysis',
  'model_note',
] as const;

const DECISION_COLUMNS = [
  'run_id',
  'mode',
  'symbol',
  'action',
  'reason',
  'blocked_by',
  'qty',
  'price',
  'bar_ts',
  'created_at',
  'decided_by',
  'model_note',
] as const;

const ORDER_COLUMNS = [
  'run_id',
  'decision_id',
  'mode',
  'symbol',
  'side',
  'type',
  'reason',
  'quantity',
  'limit_price',
  'filled_quantity',
  'average_price',
  'fee',
  'status',
  'exchange_order_id',
  'created_at',
  'updated_at',
] as const;

export class PipelineRepository {
  private readonly startRunQ;
  private readonly finishRunQ;
  private readonly lastRunQ;
  private readonly lastRunsQ;
  private readonly decisionsQ;
  private readonly decisionsAfterQ;
  private readonly ordersQ;
  private readonly ordersAfterQ;
  private readonly signalsOfRunQ;
  private readonly updateOrderQ;
  /** The model stages' call log (same database). */
  readonly modelCalls: ModelCallRepository;

  constructor(private readonly db: Database) {
    const k = db.kysely;
    this.modelCalls = new ModelCallRepository(db);
    this.startRunQ = prepare(k, (p) =>
      k
        .insertInto('pipeline_runs')
        .values({ mode: p('mode'), status: 'running', started_at: p('startedAt') })
        .returning('id'),
    );
    this.finishRunQ = prepare(k, (p) =>
      k
        .updateTable('pipeline_runs')
        .set({
          status: p('status'),
          finished_at: p('finishedAt'),
          scout_ms: p('scout'),
          analysis_ms: p('analysis'),
          decision_ms: p('decision'),
          execution_ms: p('execution'),
          candidates: p('candidates'),
          decisions: p('decisions'),
          orders: p('orders'),
          error_stage: p('errorStage'),
          error: p('error'),
        })
        .where('id', '=', p('id')),
    );
    this.lastRunQ = prepare(k, () =>
      k.selectFrom('pipeline_runs').selectAll().orderBy('id', 'desc').limit(1),
    );
    this.lastRunsQ = prepare(k, (p) =>
      k.selectFrom('pipeline_runs').selectAll().orderBy('id', 'desc').limit(p('limit')),
    );
    const decisions = () => k.selectFrom('pipeline_decisions').selectAll();
    this.decisionsQ = prepare(k, (p) =>
      decisions().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(p('limit')),
    );
    this.decisionsAfterQ = prepare(k, (p) =>
      decisions().where(afterKeyset(p)).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(p('limit')),
    );
    const orders = () => k.selectFrom('pipeline_orders').selectAll();
    this.ordersQ = prepare(k, (p) =>
      orders().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(p('limit')),
    );
    this.ordersAfterQ = prepare(k, (p) =>
      orders().where(afterKeyset(p)).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(p('limit')),
    );
    this.signalsOfRunQ = prepare(k, (p) =>
      k.selectFrom('pipeline_signals').selectAll().where('run_id', '=', p('runId')).orderBy('rank'),
    );
    this.updateOrderQ = prepare(k, (p) =>
      k
        .updateTable('pipeline_orders')
        .set({
          filled_quantity: p('filledQuantity'),
          average_price: p('averagePrice'),
          fee: p('fee'),
          status: p('status'),
          exchange_order_id: p('exchangeOrderId'),
          updated_at: p('updatedAt'),
        })
        .where('id', '=', p('id')),
    );
  }

  /** Records the start of a run; returns its id. */
  async startRun(mode: PipelineMode, startedAt: number): Promise<number> {
    const row = await this.db.first(this.startRunQ({ mode, startedAt }));
    return Number(row!.id);
  }

  async finishRun(id: number, o: RunOutcome): Promise<void> {
    const ms = (s: StageName) => o.stages[s] ?? null;
    await this.db.run(
      this.finishRunQ({
        id,
        status: o.status,
        finishedAt: o.finishedAt,
        scout: ms('scout'),
        analysis: ms('analysis'),
        decision: ms('decision'),
        execution: ms('execution'),
        candidates: o.candidates,
        decisions: o.decisions,
        orders: o.orders,
        errorStage: o.errorStage ?? null,
        error: o.error ?? null,
      }),
    );
  }

  async lastRun(): Promise<RunRecord | undefined> {
    const row = await this.db.first(this.lastRunQ({}));
    return row && toRun(row);
  }

  /** The last `limit` runs, newest first. */
  async lastRuns(limit: number): Promise<RunRecord[]> {
    return (await this.db.all(this.lastRunsQ({ limit }))).map(toRun);
  }

  async insertSignals(rows: readonly SignalRecord[], ex: SqlExecutor = this.db): Promise<void> {
    if (rows.length === 0) return;
    await ex.insertMany(
      'pipeline_signals',
      SIGNAL_COLUMNS,
      rows.map((s) => [
        s.runId,
        s.symbol,
        s.rank,
        s.score,
        toDecimal(s.price),
        s.volume,
        s.volatility,
        s.momentum,
        JSON.stringify(s.indicators),
        s.createdAt,
        s.modelAnalysis ? JSON.stringify(s.modelAnalysis) : null,
        s.modelNote ?? null,
      ]),
    );
  }

  async signalsOfRun(runId: number): Promise<SignalRecord[]> {
    const rows = await this.db.all(this.signalsOfRunQ({ runId }));
    return rows.map((r) => ({
      runId: Number(r.run_id),
      symbol: r.symbol,
      rank: Number(r.rank),
      score: Number(r.score),
      price: Number(r.price),
      volume: Number(r.volume),
      volatility: Number(r.volatility),
      momentum: Number(r.momentum),
      indicators: JSON.parse(r.indicators) as Record<string, number | null>,
      createdAt: Number(r.created_at),
      modelAnalysis: r.model_analysis === null ? null : (JSON.parse(r.model_analysis) as object),
      modelNote: r.model_note,
    }));
  }

  /** Inserts decisions in order; returns their ids. */
  async insertDecisions(rows: readonly NewDecision[], ex: SqlExecutor = this.db): Promise<number[]> {
    if (rows.length === 0) return [];
    const ids = await ex.insertMany(
      'pipeline_decisions',
      DECISION_COLUMNS,
      rows.map((d) => [
        d.runId,
        d.mode,
        d.symbol,
        d.action,
        d.reason,
        d.blockedBy,
        d.qty,
        d.price,
        d.barTs,
        d.createdAt,
        d.decidedBy,
        d.modelNote,
      ]),
    );
    return ids.map(Number);
  }

  /** Inserts orders in order; returns their ids. */
  async insertOrders(rows: readonly NewOrder[], ex: SqlExecutor = this.db): Promise<number[]> {
    if (rows.length === 0) return [];
    const ids = await ex.insertMany(
      'pipeline_orders',
      ORDER_COLUMNS,
      rows.map((o) => [
        o.runId,
        o.decisionId,
        o.mode,
        o.symbol,
        o.side,
        o.type,
        o.reason,
        o.quantity,
        o.limitPrice,
        o.filledQuantity,
        o.averagePrice,
        o.fee,
        o.status,
        o.exchangeOrderId,
        o.createdAt,
        o.updatedAt,
      ]),
    );
    return ids.map(Number);
  }

  async updateOrder(id: number, u: OrderUpdate, ex: SqlExecutor = this.db): Promise<void> {
    await ex.run(this.updateOrderQ({ id, ...u }));
  }

  /** The last decisions, newest first; pass the last row's key as `after` for the next page. */
  async listDecisions(limit: number, after: PageAfter | null): Promise<DecisionRecord[]> {
    const q = after
      ? this.decisionsAfterQ({ limit, createdAt: after.createdAt, id: after.id })
      : this.decisionsQ({ limit });
    return (await this.db.all(q)).map(toDecision);
  }

  /** The last orders, newest first. */
  async listOrders(limit: number, after: PageAfter | null): Promise<PipelineOrderRecord[]> {
    const q = after
      ? this.ordersAfterQ({ limit, createdAt: after.createdAt, id: after.id })
      : this.ordersQ({ limit });
    return (await this.db.all(q)).map(toOrder);
  }

  /** Runs `fn` in one transaction (a stage's writes commit together). */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }
}
