/**
 * Real services (database, cache, market data) on a small simulated venue
 * and a ManualClock for pipeline suites, plus test strategies and a
 * collecting logger. No mocks: the pipeline talks to the real store and
 * market-data layer.
 */
import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { buildServices, type Services } from '../../src/container.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Bars } from '../../src/engine/bars.js';
import { Action, type Intent } from '../../src/engine/intent.js';
import type { PositionView, Strategy } from '../../src/engine/strategy.js';
import { createPipeline } from '../../src/pipeline/create-pipeline.js';
import { Pipeline, type PipelineLogger, type PipelineOptions } from '../../src/pipeline/pipeline.js';
import { PipelineRepository } from '../../src/store/pipeline-repository.js';
import { SimulatedVenue } from '../../src/venues/simulated/simulated-venue.js';
import type { Venue } from '../../src/venues/venue.js';
import type { DatabaseTarget } from '../support/databases.js';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2026, 0, 15, 12);

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  msg: string;
  fields: object;
}

export function collectingLogger(lines: LogLine[]): PipelineLogger {
  return {
    info: (fields, msg) => lines.push({ level: 'info', msg, fields }),
    warn: (fields, msg) => lines.push({ level: 'warn', msg, fields }),
    error: (fields, msg) => lines.push({ level: 'error', msg, fields }),
  };
}

/** Enters whenever flat, exits two bars after the entry filled. */
export class InAndOut implements Strategy {
  readonly warmup = 0;
  private heldSince = -1;
  onBar(_bars: Bars, i: number, pos: PositionView, intent: Intent): void {
    if (pos.qty > 0) {
      if (this.heldSince < 0) this.heldSince = i;
      if (i - this.heldSince >= 2 && !pos.pending) {
        intent.action = Action.Exit;
        intent.reason = 'held two bars';
        this.heldSince = -1;
      }
    } else if (!pos.pending) {
      this.heldSince = -1;
      intent.action = Action.EnterLong;
      intent.reason = 'always in';
    }
  }
}

export interface PipelineContext {
  services: Services;
  clock: ManualClock;
  venue: Venue;
  repo: PipelineRepository;
  logs: LogLine[];
  config: Config;
  /** The pipeline built from the config (paper unless keys are set). */
  fromConfig(): Promise<Pipeline>;
  /** A pipeline with explicit options over the same services. */
  custom(o: Partial<PipelineOptions>): Pipeline;
  /** Advances the clock by one hour and waits for the run it triggers (the loop) or runs once. */
  close(): Promise<void>;
}

export async function pipelineContext(
  target: DatabaseTarget,
  overrides: Partial<Config> = {},
  opts: { venue?: (clock: ManualClock) => Venue } = {},
): Promise<PipelineContext> {
  const db = await target.create();
  const clock = new ManualClock(T0);
  const venue =
    opts.venue?.(clock) ??
    new SimulatedVenue(clock, {
      seed: 7,
      spotCount: 12,
      binaryCount: 2,
      rateLimit: { requestsPerSecond: 1_000_000, burst: 1_000_000 },
    });
  const config = loadConfig(
    {},
    { databaseUrl: db.url, logLevel: 'silent', marketDataBatchWindowMs: 0, ...overrides },
  );
  const services = await buildServices(config, { clock, venue, warming: false });
  const logs: LogLine[] = [];
  const log = collectingLogger(logs);
  const repo = new PipelineRepository(services.db);
  const deps = { db: services.db, cache: services.cache, marketData: services.marketData, clock, log };
  const pipelines: Pipeline[] = [];
  const keep = (p: Pipeline) => {
    pipelines.push(p);
    return p;
  };
  return {
    services,
    clock,
    venue,
    repo,
    logs,
    config,
    fromConfig: async () => keep(await createPipeline(config, deps)),
    custom: (o) =>
      keep(
        new Pipeline({
          marketData: services.marketData,
          cache: services.cache,
          repo,
          clock,
          mode: { mode: 'paper', reason: 'no exchange keys' },
          execution: { kind: 'paper', initialCash: 10_000, feeRate: 0.001, slippageBps: 0 },
          strategy: { id: 'in-and-out', params: {}, create: () => new InAndOut() },
          risk: { positionFraction: 0.1 },
          timeframe: '1h',
          timeframeMs: HOUR,
          intervalMs: HOUR,
          topN: 3,
          symbols: [],
          scanLimit: 100,
          lookback: 100,
          warmupBars: 50,
          log,
          ...o,
        }),
      ),
    async close() {
      for (const p of pipelines) await p.stop();
      await services.close();
      await db.drop();
    },
  };
}

/** Moves the clock one hour and runs the pipeline once. */
export async function nextHour(ctx: PipelineContext, p: Pipeline, hours = 1): Promise<void> {
  for (let h = 0; h < hours; h++) {
    ctx.clock.advance(HOUR);
    await p.runOnce();
  }
}
