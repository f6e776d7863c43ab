/**
 * The pipeline with both model stages over 300 symbols and 10 candidates,
 * the official `openai` client against a loopback chat-completions server
 * answering in 800 ms, AI settings at their defaults (AI_CONCURRENCY 4).
 *
 * 1. ai-pipeline-run: wall time of a run on a new closed bar (analyst for
 *    each candidate, decider for each due bar), held to 1.2 x the model time
 *    of its call batches at AI_CONCURRENCY (ceil(calls / concurrency) x
 *    800 ms per stage); reference: the same run with the rules only, on its
 *    own twin services (same seeded venue, same clock).
 * 2. ai-pipeline-rerun-calls: model calls of a restarted pipeline (new
 *    services on the same database file, empty in-process cache) on the
 *    same closed candles: target 0.
 * 3. ai-pipeline-day-tokens: tokens of a day at PIPELINE_INTERVAL_MS=60000
 *    on the default settings, from 3 simulated hours of runs every minute
 *    (the loopback model answering at once), times 8; cost at an example
 *    price table.
 */
import type { Config } from '../src/config/schema.js';
import { buildServices, type Services } from '../src/container.js';
import { ManualClock } from '../src/domain/clock.js';
import { createPipeline } from '../src/pipeline/create-pipeline.js';
import type { Pipeline } from '../src/pipeline/pipeline.js';
import type { ModelCallRecord } from '../src/store/model-call-repository.js';
import { PipelineRepository, type RunRecord } from '../src/store/pipeline-repository.js';
import { SimulatedVenue } from '../src/venues/simulated/simulated-venue.js';
import { ChatCompletionsServer } from '../test/fakes/openai/chat-completions-server.js';
import { modelLike } from '../test/pipeline/ai-support.js';
import type { BenchContext, Benchmark } from './lib/context.js';
import { benchConfig } from './lib/fixtures.js';
import { result } from './lib/result.js';

const START = Date.UTC(2026, 0, 15, 12);
const HOUR = 3_600_000;
const MODEL_MS = 800;
const KEY = 'sk-bench';
/** An example price (USD per million tokens in / out) for the day's cost; set yours in AI_PRICES. */
const PRICE = { model: 'bench-model', input: 0.15, output: 0.6 };
const DAY_SAMPLE_HOURS = 3;
const ROUNDS = 2;

interface Instance {
  services: Services;
  clock: ManualClock;
  pipeline: Pipeline;
  repo: PipelineRepository;
}

async function instance(dir: string, over: Partial<Config>, clockAt = START): Promise<Instance> {
  const clock = new ManualClock(clockAt);
  const venue = new SimulatedVenue(clock, {
    seed: 7,
    spotCount: 300,
    rateLimit: { requestsPerSecond: 1_000_000, burst: 1_000_000 },
  });
  const config = benchConfig(dir, {
    marketDataBatchWindowMs: 0,
    pipelineTopN: 10,
    pipelineScanLimit: 300,
    ...over,
  });
  const services = await buildServices(config, { clock, venue, warming: false });
  const log = { info() {}, warn() {}, error() {} };
  const pipeline = await createPipeline(config, {
    db: services.db,
    cache: services.cache,
    marketData: services.marketData,
    clock,
    log,
  });
  return { services, clock, pipeline, repo: new PipelineRepository(services.db) };
}

interface Timed {
  ms: number;
  run: RunRecord;
  calls: ModelCallRecord[];
  concurrency: number;
  dir: string;
  at: number;
}

/** A new instance: a warm run now, then the timed run on the next closed bar. */
async function timed(dir: string, over: Partial<Config>): Promise<Timed> {
  const i = await instance(dir, over);
  try {
    await i.pipeline.runOnce();
    i.clock.advance(HOUR);
    const t0 = performance.now();
    await i.pipeline.runOnce();
    const ms = performance.now() - t0;
    const run = (await i.repo.lastRun())!;
    const calls = await i.repo.modelCalls.list(1000, null);
    return { ms, run, calls, concurrency: i.services.config.aiConcurrency, dir, at: i.clock.now() };
  } finally {
    await i.services.close();
  }
}

const stagesOf = (run: RunRecord) =>
  Object.entries(run.stages)
    .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
    .join(', ');

const ai = (server: ChatCompletionsServer): Partial<Config> => ({
  aiBaseUrl: server.baseUrl,
  aiApiKey: KEY,
  aiAnalystModel: PRICE.model,
  aiDeciderModel: PRICE.model,
  pipelineAnalyst: 'ai',
  pipelineDecider: 'ai',
  aiPrices: `${PRICE.model}=${PRICE.input}/${PRICE.output}`,
});

const callsOfRun = (calls: ModelCallRecord[], runId: number, stage: string) =>
  calls.filter((c) => c.runId === runId && c.stage === stage && c.outcome === 'ok');

async function dayTokens(ctx: BenchContext, server: ChatCompletionsServer) {
  const day = await instance(ctx.tempDir('ai-day'), ai(server));
  try {
    const runs = (DAY_SAMPLE_HOURS * HOUR) / 60_000;
    for (let r = 0; r < runs; r++) {
      await day.pipeline.runOnce();
      day.clock.advance(60_000);
    }
    const calls = await day.repo.modelCalls.list(100_000, null);
    const sum = (f: (c: ModelCallRecord) => number) => calls.reduce((n, c) => n + f(c), 0);
    const scale = 24 / DAY_SAMPLE_HOURS;
    const tokensIn = sum((c) => c.tokensIn) * scale;
    const tokensOut = sum((c) => c.tokensOut) * scale;
    const usd = (tokensIn * PRICE.input + tokensOut * PRICE.output) / 1e6;
    const outcomes: Record<string, number> = {};
    for (const c of calls) outcomes[c.outcome] = (outcomes[c.outcome] ?? 0) + 1;
    return { runs, calls: calls.length, perDay: calls.length * scale, tokensIn, tokensOut, usd, outcomes };
  } finally {
    await day.services.close();
  }
}

export const aiPipeline: Benchmark = {
  name: 'ai-pipeline',
  async run(ctx) {
    const server = await new ChatCompletionsServer(
      (req) => ({ ...(modelLike()(req) as { content: string }), delayMs: MODEL_MS }),
      KEY,
    ).start();
    ctx.defer(() => server.close());

    // Best of ROUNDS, rules and models alternating (the machine is shared: noise, not the code, varies).
    let best: { rules?: Timed; models?: Timed } = {};
    for (let r = 0; r < ROUNDS; r++) {
      const rules = await timed(ctx.tempDir(`ai-rules-${r}`), {});
      const models = await timed(ctx.tempDir(`ai-models-${r}`), ai(server));
      if (!best.rules || rules.ms < best.rules.ms) best = { ...best, rules };
      if (!best.models || models.ms < best.models.ms) best = { ...best, models };
    }
    const { rules, models } = best as Required<typeof best>;
    const rulesMs = rules.ms;
    const aiMs = models.ms;
    const run = models.run;
    const dir = models.dir;
    const calls = models.calls;
    const concurrency = models.concurrency;
    const analyst = callsOfRun(calls, run.id, 'analyst').length;
    const decider = callsOfRun(calls, run.id, 'decider').length;
    const modelMs = (Math.ceil(analyst / concurrency) + Math.ceil(decider / concurrency)) * MODEL_MS;
    const latencies = calls.filter((c) => c.runId === run.id).map((c) => c.latencyMs);
    const stages = stagesOf(run);
    const rulesStages = stagesOf(rules.run);
    const at = models.at;
    ctx.log(
      `rules ${rulesMs.toFixed(0)} ms, models ${aiMs.toFixed(0)} ms (${analyst} analyst + ${decider} decider calls, model-bound ${modelMs} ms)`,
    );

    // A restart on the same database and the same closed candles: new services, empty L1.
    const asked = server.calls.length;
    const again = await instance(dir, ai(server), at);
    await again.pipeline.runOnce();
    const rerunCalls = server.calls.length - asked;
    const rerunSignals = await again.repo.signalsOfRun((await again.repo.lastRun())!.id);
    const analysed = rerunSignals.filter((s) => s.modelAnalysis).length;
    await again.services.close();

    server.respond(modelLike());
    const d = await dayTokens(ctx, server);
    ctx.log(`day: ${d.perDay} calls, ${d.tokensIn} in + ${d.tokensOut} out tokens, ${d.usd.toFixed(4)} USD`);

    const shape = `300 symbols scanned, top 10 candidates, analyst + decider on, AI_CONCURRENCY ${concurrency}, loopback model answering in ${MODEL_MS} ms`;
    return [
      result({
        name: 'ai-pipeline-run',
        value: aiMs,
        unit: 'ms',
        target: `<= 1.2 x the model time of its call batches at AI_CONCURRENCY (${modelMs} ms -> ${1.2 * modelMs} ms)`,
        reference: { name: 'the same run with the rules only', value: rulesMs, unit: 'ms' },
        pass: aiMs <= 1.2 * modelMs && analyst > 0 && decider > 0,
        notes: [
          shape,
          `best of ${ROUNDS} rounds each, rules-only and model runs alternating, each on new services`,
          `run on a new closed bar: ${analyst} analyst + ${decider} decider calls = ${Math.ceil(analyst / concurrency)} + ${Math.ceil(decider / concurrency)} batches x ${MODEL_MS} ms = ${modelMs} ms model-bound`,
          `stages with models: ${stages}; rules only: ${rulesStages}`,
          `the model stages' own overhead (analysis + decision stages minus the model-bound time): ${((run.stages.analysis ?? 0) + (run.stages.decision ?? 0) - modelMs).toFixed(0)} ms; the rest is the scout reading 300 symbols' new candles, as in the rules-only run`,
          `call latencies ${Math.min(...latencies).toFixed(0)}-${Math.max(...latencies).toFixed(0)} ms; overhead over the model-bound time ${(aiMs - modelMs).toFixed(0)} ms vs the rules-only run ${rulesMs.toFixed(0)} ms`,
        ],
      }),
      result({
        name: 'ai-pipeline-rerun-calls',
        value: rerunCalls,
        unit: 'calls',
        target: '0 model calls on the same closed candles after a restart',
        pass: rerunCalls === 0 && analysed === rerunSignals.length && analysed > 0,
        notes: [
          `restarted services on the same SQLite file, empty in-process cache, no Redis: ${analysed} of ${rerunSignals.length} candidates carry the analyst's answer, found in the call log`,
        ],
      }),
      result({
        name: 'ai-pipeline-day-tokens',
        value: d.tokensIn + d.tokensOut,
        unit: 'tokens/day',
        target: 'reported (README); within AI_MAX_TOKENS_PER_DAY 2,000,000 and AI_MAX_CALLS_PER_HOUR 600',
        pass: d.tokensIn + d.tokensOut <= 2_000_000 && d.perDay / 24 <= 600,
        notes: [
          `PIPELINE_INTERVAL_MS=60000, PIPELINE_TIMEFRAME=1h, defaults otherwise; ${d.runs} runs over ${DAY_SAMPLE_HOURS} simulated hours x ${24 / DAY_SAMPLE_HOURS}`,
          `${d.perDay} calls/day (${JSON.stringify(d.outcomes)} in the sample), ${d.tokensIn} tokens in + ${d.tokensOut} out per day`,
          `at ${PRICE.input} / ${PRICE.output} USD per million tokens in / out: ${d.usd.toFixed(4)} USD/day`,
          'tokens are the loopback server’s count (a quarter of the characters), close to real tokenizers on this ASCII text',
        ],
      }),
    ];
  },
};
