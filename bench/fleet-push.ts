/**
 * Price pushes across a fleet: two real `tradeloop serve` processes on one
 * PostgreSQL schema and one Redis, PRICE_STREAM=auto, so exactly one streams
 * the simulated venue. Positions on a few spot markets are opened through the
 * instance that does NOT stream (it must be repriced all the same); one
 * WebSocket client on each instance subscribes to those `markets:<id>`
 * topics. Each market push carries the time of the tick whose price it
 * holds (`data.ts`, stamped by the streaming process when the venue produced
 * it), so tick -> push latency is the client's receive time minus that
 * stamp: same machine, same clock, 1 ms resolution. It includes what the
 * product does between the two: the coalescing wait (PRICE_STREAM_DELAY_MS,
 * default 100), the write transaction, and for the other instance the push
 * bus (Redis pub/sub) and its hub.
 *
 * Figure: p99 on the NON-streaming instance, target <= 100 ms; reference: the
 * client of the streaming instance, receiving the same pushes in the same
 * run. Bounded: SAMPLES pushes per client or MEASURE_BUDGET_MS, whichever
 * comes first.
 */
import type WebSocket from 'ws';
import type { Benchmark } from './lib/context.js';
import { fleetDeps, type Instance, openFleet, skippedFleet, spotMarkets, streamingOne } from './lib/fleet.js';
import { latencyResult } from './lib/latency.js';
import { describe, formatNumber, summarize } from './lib/stats.js';

const MARKETS = 5;
const SAMPLES = 600;
const WARMUP_MS = 2_000;
const MEASURE_BUDGET_MS = 30_000;
const P99_LIMIT_MS = 100;

interface Received {
  /** receive time - tick time, ms */
  latency: number;
  receivedAt: number;
}

export const fleetPush: Benchmark = {
  name: 'fleet-push',
  async run(ctx) {
    const deps = await fleetDeps();
    if (typeof deps === 'string') return skippedFleet(ctx, 'fleet-push', `p99 <= ${P99_LIMIT_MS} ms`, deps);
    const fleet = await openFleet(ctx, deps);
    ctx.log('starting two instances (PRICE_STREAM=auto)');
    const instances = await Promise.all([fleet.start('a'), fleet.start('b')]);
    const streaming = await streamingOne(instances, 20_000);
    const other = instances.find((i) => i !== streaming)!;
    ctx.log(`${streaming.label} streams; opening ${MARKETS} positions through ${other.label}`);

    const markets = await spotMarkets(other, MARKETS);
    for (const m of markets)
      await other.call('/api/v1/positions', {
        method: 'POST',
        body: JSON.stringify({ marketId: m.id, side: 'long', size: '1' }),
      });
    const topics = markets.map((m) => `markets:${m.id}`);

    let measuring = false;
    const seen = { same: new Map<string, Received>(), other: new Map<string, Received>() };
    const record =
      (into: Map<string, Received>) => (m: { key: string; data: Record<string, unknown> }, at: number) => {
        const ts = Number(m.data['ts']);
        if (!measuring || !Number.isFinite(ts) || into.size >= SAMPLES) return;
        into.set(`${m.key}@${ts}`, { latency: at - ts, receivedAt: at });
      };
    const sockets: WebSocket[] = [
      await streaming.subscribe(topics, record(seen.same)),
      await other.subscribe(topics, record(seen.other)),
    ];
    ctx.defer(() => {
      for (const ws of sockets) ws.terminate();
    });

    await new Promise((r) => setTimeout(r, WARMUP_MS));
    measuring = true;
    const t0 = performance.now();
    while (
      (seen.same.size < SAMPLES || seen.other.size < SAMPLES) &&
      performance.now() - t0 < MEASURE_BUDGET_MS
    )
      await new Promise((r) => setTimeout(r, 100));
    measuring = false;
    const seconds = (performance.now() - t0) / 1000;

    // The cross-instance hop alone: the same push (market, tick) seen by both clients.
    const hop: number[] = [];
    for (const [k, o] of seen.other) {
      const s = seen.same.get(k);
      if (s) hop.push(o.receivedAt - s.receivedAt);
    }
    const millis = (xs: Iterable<Received>) => [...xs].map((r) => r.latency * 1000);
    const counters = async (i: Instance) => {
      const text = await i.call<string>('/metrics');
      const n = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
      return `${n('tradeloop_push_bus_messages_sent_total')} sent, ${n('tradeloop_push_bus_messages_received_total')} received`;
    };
    return [
      latencyResult({
        name: 'fleet-push',
        stat: 'p99',
        limitUs: P99_LIMIT_MS * 1000,
        target: `p99 <= ${P99_LIMIT_MS} ms, tick on the streaming instance -> push on the other`,
        samples: millis(seen.other.values()),
        reference: { name: 'client on the streaming instance', samples: millis(seen.same.values()) },
        millis: true,
        checks: [
          {
            ok: seen.other.size >= SAMPLES / 2,
            note: `${seen.other.size} pushes on the other instance, ${seen.same.size} on the streaming one in ${seconds.toFixed(1)} s (bound ${SAMPLES} each or ${MEASURE_BUDGET_MS / 1000} s)`,
          },
        ],
        notes: [
          `two tradeloop serve processes (tsx) on one PostgreSQL schema and Redis ${deps.redisUrl}, PRICE_STREAM=auto, defaults otherwise (PRICE_STREAM_DELAY_MS 100, PRICE_STREAM_MAX_RATE 10, simulated venue ticking every 100 ms); ${MARKETS} spot markets with one position each, opened through the non-streaming instance`,
          `latency = client receive wall time - data.ts of the market push (the tick's time, stamped by the streaming process), same machine clock, 1 ms resolution; one WebSocket client per instance in the benchmark process, ${WARMUP_MS / 1000} s warm-up`,
          `cross-instance hop (other client's receive - streaming client's receive, same market and tick; ${hop.length} pairs): ${describe(summarize(hop), 'ms')}`,
          `push bus: streaming instance ${await counters(streaming)}; other instance ${await counters(other)}; ${formatNumber(seen.other.size / seconds)} pushes/s per client`,
        ],
      }),
    ];
  },
};
