/**
 * The signal pipeline: scout -> analysis -> decision -> execution, run on a
 * Clock every `intervalMs` (the next run is scheduled when one ends, so runs
 * never overlap), started and stopped at will. Every run is a row with the
 * duration of each stage; a stage that throws ends the run as `failed` with
 * the stage and message recorded (and shown by `status()`), and the loop
 * goes on. Decisions go through the engine — the same Strategy, RiskManager
 * and Broker code a backtest runs — only the clock (each bar's close) and
 * the execution client (paper or live broker) differ.
 */
import type { Exchange } from 'ccxt';
import type { Cache } from '../cache/cache.js';
import type { Clock } from '../domain/clock.js';
import type { Candle } from '../domain/market.js';
import { BarClock } from '../engine/bar-clock.js';
import type { Broker } from '../engine/broker.js';
import type { GateRefusal } from '../engine/model-gate.js';
import { PaperBroker } from '../engine/paper-broker.js';
import type { ParamValues } from '../engine/params.js';
import { type RiskLimits, RiskManager } from '../engine/risk.js';
import type { Strategy } from '../engine/strategy.js';
import type { MarketData } from '../marketdata/market-data.js';
import type {
  NewDecision,
  PipelineMode,
  PipelineRepository,
  RunRecord,
  StageName,
} from '../store/pipeline-repository.js';
import { toDecimal } from '../store/pipeline-repository.js';
import type { AnalystAnswer } from './ai/answers.js';
import { dueBars } from './ai/due-bars.js';
import type { ModelStages } from './ai/model-stages.js';
import { analyse, type Indicators } from './analysis.js';
import { LiveBroker } from './live-broker.js';
import { type ExecEvent, OrderTracker } from './order-tracker.js';
import { PipelineHistory } from './pipeline-history.js';
import { type LastError, type PipelineStatus, statusOf } from './pipeline-status.js';
import { type Candidate, closedCandles, scout } from './scout.js';
import { type BarDecision, SymbolEngines } from './symbol-engines.js';

/** pino's shape (Fastify's `app.log` fits). */
export interface PipelineLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type Execution =
  | { kind: 'paper'; initialCash: number; feeRate: number; slippageBps: number }
  | { kind: 'live'; exchange: Exchange; quote?: string };

export interface PipelineOptions {
  marketData: MarketData;
  cache: Cache;
  repo: PipelineRepository;
  clock: Clock;
  /** Paper or live, and why (shown in status and logged at start). */
  mode: { mode: PipelineMode; reason: string };
  execution: Execution;
  strategy: { id: string; params: ParamValues; create: () => Strategy };
  risk: Partial<RiskLimits>;
  timeframe: string;
  timeframeMs: number;
  intervalMs: number;
  topN: number;
  symbols: readonly string[];
  scanLimit: number;
  lookback: number;
  warmupBars: number;
  log?: PipelineLogger;
  /** The analyst and decider models (src/pipeline/ai); absent, the rules analyse and decide alone. */
  models?: ModelStages;
}

const consoleLog: PipelineLogger = {
  info: (o, m) => console.info(`pipeline: ${m}`, o),
  warn: (o, m) => console.warn(`pipeline: ${m}`, o),
  error: (o, m) => console.error(`pipeline: ${m}`, o),
};

/**
 * @example
 * const p = await createPipeline(config, { db, cache, marketData, clock }); // see create-pipeline.ts
 * p.start();          // runs now, then every PIPELINE_INTERVAL_MS
 * await p.status();   // { running: true, mode: 'paper', modeReason: 'no exchange keys ...', ... }
 * await p.stop();
 */
export class Pipeline {
  readonly mode: PipelineMode;
  readonly modeReason: string;
  readonly broker: PaperBroker | LiveBroker;
  readonly risk: RiskManager;
  private readonly o: PipelineOptions;
  /** What it has done: runs, decisions, model calls (read by the API). */
  readonly history: PipelineHistory;
  private readonly log: PipelineLogger;
  private readonly engines: SymbolEngines;
  private readonly tracker: OrderTracker;
  private readonly engineClock = new BarClock(0);
  private events: ExecEvent[] = [];
  private decisions: BarDecision[] = [];
  private candidates: Candidate[] = [];
  private indicators = new Map<string, Indicators>(); // this run's, by symbol: what the decider reads
  private analyses = new Map<string, AnalystAnswer>();
  private lastError: LastError | null = null;
  private running = false;
  private startedAt: number | null = null;
  private inFlight: Promise<void> | null = null;
  private cancelTimer: (() => void) | null = null;

  constructor(opts: PipelineOptions) {
    this.o = opts;
    this.history = new PipelineHistory(opts.repo);
    this.mode = opts.mode.mode;
    this.modeReason = opts.mode.reason;
    this.log = opts.log ?? consoleLog;
    const onEvent = (e: ExecEvent) => this.events.push(e);
    const x = opts.execution;
    this.broker =
      x.kind === 'paper'
        ? new PaperBroker({
            initialCash: x.initialCash,
            feeRate: x.feeRate,
            slippageBps: x.slippageBps,
            onFill: (fill) => onEvent({ kind: 'fill', fill }),
          })
        : new LiveBroker({ exchange: x.exchange, ...(x.quote ? { quote: x.quote } : {}), onEvent });
    this.risk = new RiskManager(opts.risk, this.engineClock);
    this.tracker = new OrderTracker(this.mode);
    const onDecision = (d: BarDecision) => {
      this.decisions.push(d);
      this.events.push({ kind: 'decision', decision: d, slot: this.slotOf(d.symbol), decisionId: null });
    };
    const models = opts.models;
    const refused = (r: GateRefusal) =>
      onDecision({ ...r, ts: this.engineClock.now(), action: 'enter-long', accepted: false, qty: 0 });
    this.engines = new SymbolEngines({
      broker: this.broker as Broker,
      risk: this.risk,
      clock: this.engineClock,
      createStrategy: models
        ? (symbol) => models.wrap(opts.strategy.create(), symbol, refused)
        : opts.strategy.create,
      timeframeMs: opts.timeframeMs,
      warmupBars: opts.warmupBars,
      onDecision,
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The timeframe it trades on (PIPELINE_TIMEFRAME, or the venue's closest). */
  get timeframe(): string {
    return this.o.timeframe;
  }

  /** Starts the loop: a run now, then one every `intervalMs` after each run ends. No-op when running. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedAt = this.o.clock.now();
    const fields = { mode: this.mode, strategy: this.o.strategy.id, intervalMs: this.o.intervalMs };
    if (this.mode === 'paper') {
      this.log.warn(
        { ...fields, reason: this.modeReason },
        `simulation mode (paper trading): ${this.modeReason}`,
      );
    } else {
      this.log.info({ ...fields, reason: this.modeReason }, `live trading: ${this.modeReason}`);
    }
    void this.tick();
  }

  /** Stops the loop; resolves once a run in progress has finished. */
  async stop(): Promise<void> {
    if (this.running) this.log.info({}, 'stopped');
    this.running = false;
    this.startedAt = null;
    this.cancelTimer?.();
    this.cancelTimer = null;
    await this.settled();
  }

  /** Resolves when no run is in progress. */
  async settled(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  /** One run now (or the one in progress): for tests and manual triggers. */
  runOnce(): Promise<void> {
    if (!this.inFlight) {
      this.inFlight = this.run().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    await this.runOnce();
    if (this.running && this.cancelTimer === null) {
      this.cancelTimer = this.o.clock.setTimer(this.o.intervalMs, () => {
        this.cancelTimer = null;
        void this.tick();
      });
    }
  }

  private async run(): Promise<void> {
    const o = this.o;
    const now = o.clock.now();
    let runId: number | null = null;
    let stage: StageName = 'scout';
    const stages: Partial<Record<StageName, number>> = {};
    const counts = { candidates: 0, decisions: 0, orders: 0 };
    const timed = async <T>(name: StageName, fn: () => Promise<T>): Promise<T> => {
      stage = name;
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        stages[name] = performance.now() - t0;
      }
    };
    try {
      runId = await o.repo.startRun(this.mode, now);
      const id = runId;
      const found = await timed('scout', () => scout(o.marketData, o, now));
      this.candidates = found.candidates;
      counts.candidates = found.candidates.length;
      await timed('analysis', () => this.analysis(id, found.candidates, found.candles, now));
      counts.decisions = await timed('decision', () => this.decide(id, found.candles, now));
      counts.orders = await timed('execution', () => this.execute(id, now));
      await o.repo.finishRun(id, { status: 'ok', finishedAt: o.clock.now(), stages, ...counts });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const failed: StageName | 'run' = runId === null ? 'run' : stage;
      this.lastError = { stage: failed, message, at: o.clock.now(), runId };
      this.log.error({ err, stage: failed, runId }, `run failed in ${failed}: ${message}`);
      if (runId !== null) {
        await o.repo
          .finishRun(runId, {
            status: 'failed',
            finishedAt: o.clock.now(),
            stages,
            ...counts,
            errorStage: stage,
            error: message.slice(0, 1000),
          })
          .catch(() => {});
      }
    }
  }

  private async analysis(
    runId: number,
    candidates: readonly Candidate[],
    candles: ReadonlyMap<string, Candle[]>,
    now: number,
  ): Promise<void> {
    const o = this.o;
    const venue = o.marketData.venue.capabilities.id;
    const found = await analyse(o.cache, venue, o.timeframe, candidates, candles);
    this.indicators = new Map(found.map((a) => [a.symbol, a.indicators]));
    const models = o.models?.analystOn
      ? await o.models.analyse(runId, now, candidates, candles, found)
      : undefined;
    this.analyses = new Map();
    for (const [i, m] of (models ?? []).entries()) {
      if (m.analysis) this.analyses.set(candidates[i]!.symbol, m.analysis);
    }
    await o.repo.insertSignals(
      candidates.map((c, i) => ({
        runId,
        symbol: c.symbol,
        rank: c.rank,
        score: c.score,
        price: c.price,
        volume: c.volume,
        volatility: c.volatility,
        momentum: c.momentum,
        indicators: found[i]!.indicators,
        createdAt: now,
        ...(models ? { modelAnalysis: models[i]!.analysis, modelNote: models[i]!.note } : {}),
      })),
    );
  }

  /** Steps the engines of the candidates and of every symbol held; persists the decisions. */
  private async decide(runId: number, candles: Map<string, Candle[]>, now: number): Promise<number> {
    const o = this.o;
    const trade = new Set(this.candidates.map((c) => c.symbol));
    for (const s of this.broker.slots) if (s.qty > 0 || s.pending) trade.add(s.symbol);
    for (const symbol of trade) {
      if (candles.has(symbol)) continue;
      const got = await o.marketData.ohlcv(symbol, o.timeframe, o.lookback);
      candles.set(symbol, closedCandles(got.value, o.timeframeMs, now));
    }
    for (const symbol of this.engines.symbols()) if (!trade.has(symbol)) this.engines.remove(symbol);
    for (const symbol of trade) {
      if (!this.engines.has(symbol)) this.engines.add(symbol, candles.get(symbol) ?? []);
    }
    if (o.models?.deciderOn) {
      const due = dueBars(this.engines, this.broker, trade, candles, this.indicators);
      await o.models.decide(runId, now, due, this.analyses, this.risk.limits);
    }
    const first = this.decisions.length;
    this.engines.step(candles);
    const fresh = this.decisions.slice(first);
    const ids = await o.repo.insertDecisions(fresh.map((d) => this.decisionRow(runId, d, now)));
    const byDecision = new Map(fresh.map((d, i) => [d, ids[i]!] as const));
    for (const e of this.events) {
      if (e.kind === 'decision' && e.decisionId === null) e.decisionId = byDecision.get(e.decision) ?? null;
    }
    this.decisions = [];
    return fresh.length;
  }

  private decisionRow(runId: number, d: BarDecision, now: number): NewDecision {
    return {
      runId,
      mode: this.mode,
      symbol: d.symbol,
      action: d.action === 'exit' ? 'exit' : d.accepted ? 'enter' : 'skip',
      reason: d.reason,
      blockedBy: d.blockedBy ?? null,
      qty: toDecimal(d.qty),
      price: toDecimal(d.price),
      barTs: d.barTs,
      createdAt: now,
      ...(this.o.models?.decidedOn(d.symbol, d.barTs) ?? { decidedBy: 'rules', modelNote: null }),
    };
  }

  /** Live: sends and polls orders. Both: turns the run's events into persisted orders. */
  private async execute(runId: number, now: number): Promise<number> {
    const b = this.broker;
    if (b instanceof LiveBroker) await b.sync();
    const events = this.events;
    this.events = [];
    const pending = b instanceof PaperBroker ? (slot: number) => b.slots[slot]!.pending : undefined;
    const changed = this.tracker.apply(events, { runId, now, ...(pending ? { pending } : {}) });
    const inserts = changed.filter((c) => c.id === null);
    await this.o.repo.transaction(async (tx) => {
      const ids = await this.o.repo.insertOrders(
        inserts.map((c) => this.tracker.row(c)),
        tx,
      );
      inserts.forEach((c, i) => {
        c.id = ids[i]!;
      });
      for (const c of changed) {
        if (inserts.includes(c)) continue;
        const r = this.tracker.row(c);
        await this.o.repo.updateOrder(c.id!, r, tx);
      }
    });
    return inserts.length;
  }

  private slotOf(symbol: string): number {
    return this.broker.slots.findIndex((s) => s.symbol === symbol);
  }

  /** What the pipeline is doing: see `PipelineStatus`. */
  async status(): Promise<PipelineStatus> {
    const lastRun: RunRecord | null = (await this.o.repo.lastRun()) ?? null;
    const o = this.o;
    const status = statusOf({
      broker: this.broker,
      risk: this.risk,
      mode: this.mode,
      modeReason: this.modeReason,
      strategy: { id: o.strategy.id, params: o.strategy.params },
      timeframe: o.timeframe,
      intervalMs: o.intervalMs,
      running: this.running,
      startedAt: this.startedAt,
      runInProgress: this.inFlight !== null,
      lastRun,
      lastError: this.lastError,
      candidates: this.candidates,
    });
    return o.models ? { ...status, models: o.models.status() } : status;
  }
}
