/**
 * WebSocket fan-out: 1,000 clients (a forked process, one connection per
 * user, bearer auth) on loopback, each receiving 10 updates/s for 10 s, in
 * two shapes that share the connections:
 *
 * - positions: every user has 10 positions and each of its connections is
 *   subscribed to its own `positions` topic; the server publishes 10,000
 *   position updates/s, each routed to one user (one serialisation, one send).
 * - markets: every client is subscribed to the same 10 `markets:<id>` topics,
 *   each published once a second: 10 publishes/s, each serialised once and
 *   fanned out to 1,000 sockets in one burst, the worst case for latency.
 *
 * Push latency is the client's receive wall time minus the update's `ts`
 * (stamped at publish), same machine clock, millisecond resolution. The
 * server runs in this process with the real route, hub and UserService; its
 * RSS is sampled before the clients connect, once they are connected, and
 * every 250 ms while publishing.
 */
import Fastify from 'fastify';
import { AuthFailureLimiter } from '../src/api/client-guard.js';
import { registerStream } from '../src/api/routes/stream.js';
import { StreamHub, type StreamStats } from '../src/api/stream/stream-hub.js';
import { buildServices } from '../src/container.js';
import { systemClock } from '../src/domain/clock.js';
import type { Benchmark } from './lib/context.js';
import { benchConfig } from './lib/fixtures.js';
import { latencyResult } from './lib/latency.js';
import { loopbackUrl } from './lib/load-runs.js';
import { type BenchResult, result } from './lib/result.js';
import { formatNumber } from './lib/stats.js';
import { type ClientsReport, WsClients } from './lib/ws-clients.js';

const CLIENTS = 1_000;
const PER_CLIENT_PER_SEC = 10;
const POSITIONS_PER_USER = 10;
const MARKETS = 10;
const DURATION_MS = 10_000;
const WARMUP_MS = 1_000;
const P99_LIMIT_MS = 50;
/** RSS may grow this much over the connected baseline while publishing (GC sawtooth, socket buffers). */
const RSS_GROWTH_LIMIT_MIB = 64;
/** Share of the expected updates that must arrive in the window (the edges of the window cut a few). */
const MIN_DELIVERED = 0.98;

const mib = (bytes: number) => bytes / 2 ** 20;
const rss = () => process.memoryUsage.rss();

interface Phase {
  name: string;
  describe: string;
  perSecond: number;
  publish(n: number): void;
}

/** Calls `publish(0..)` at `perSecond` for `ms`, catching up on each 5 ms tick; returns how many it made. */
function publishFor(ms: number, perSecond: number, publish: (n: number) => void): Promise<number> {
  const t0 = performance.now();
  let done = 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - t0;
      const due = Math.floor((Math.min(elapsed, ms) * perSecond) / 1000);
      while (done < due) publish(done++);
      if (elapsed >= ms) {
        clearInterval(timer);
        resolve(done);
      }
    }, 5);
  });
}

function delta(a: StreamStats, b: StreamStats): StreamStats {
  return {
    connections: b.connections,
    subscriptions: b.subscriptions,
    published: b.published - a.published,
    sent: b.sent - a.sent,
    conflated: b.conflated - a.conflated,
    slowDisconnects: b.slowDisconnects - a.slowDisconnects,
  };
}

export const wsFanout: Benchmark = {
  name: 'ws-fanout',
  async run(ctx) {
    const s = await buildServices(benchConfig(ctx.tempDir('ws-fanout')), { warming: false });
    ctx.defer(() => s.close());
    const hub = new StreamHub();
    const app = Fastify({ logger: false });
    // 1,000 clients authenticate at once from one address: no per-address limit in this bench.
    const authFailures = new AuthFailureLimiter(systemClock, 1_000_000_000);
    await registerStream(app, { hub, users: s.users, authFailures });
    await app.listen({ host: '127.0.0.1', port: 0 });
    ctx.defer(() => app.close());
    const url = `${loopbackUrl(app).replace(/^http/, 'ws')}/api/v1/stream`;

    ctx.log(`creating ${CLIENTS} users`);
    const users: { id: number; token: string }[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const { user, token } = await s.users.create(`ws-bench-${i}`);
      users.push({ id: user.id, token });
    }
    const markets = Array.from({ length: MARKETS }, (_, i) => `markets:SIM-${i}/USDT`);
    const rssIdle = rss();
    ctx.log(`connecting ${CLIENTS} clients from a child process`);
    const clients = await WsClients.connect(
      url,
      users.map((u) => ({ token: u.token, topics: ['positions', ...markets] })),
    );
    ctx.defer(() => clients.close());
    const rssConnected = rss();

    const phases: Phase[] = [
      {
        name: 'ws-fanout-positions',
        describe: `each user's own positions topic, ${POSITIONS_PER_USER} positions per user, ${formatNumber(CLIENTS * PER_CLIENT_PER_SEC)} publishes/s to one user each`,
        perSecond: CLIENTS * PER_CLIENT_PER_SEC,
        publish(n) {
          const u = n % CLIENTS;
          const seq = Math.floor(n / CLIENTS);
          const id = u * POSITIONS_PER_USER + (seq % POSITIONS_PER_USER) + 1;
          const price = 97_000 + (seq % 1000) / 100;
          hub.publish('positions', String(id), positionSnapshot(id, users[u]!.id, price, seq), users[u]!.id);
        },
      },
      {
        name: 'ws-fanout-markets',
        describe: `${MARKETS} market topics shared by every client, each published 1/s, fanned out to ${CLIENTS} sockets per publish`,
        perSecond: MARKETS,
        publish(n) {
          const i = n % MARKETS;
          const last = 100 + i + (n % 97) / 100;
          hub.publish(markets[i]!, 'ticker', {
            marketId: markets[i]!.slice('markets:'.length),
            bid: (last - 0.01).toFixed(2),
            ask: (last + 0.01).toFixed(2),
            last: last.toFixed(2),
            volume24h: '1834201.55',
          });
        },
      },
    ];

    const out: BenchResult[] = [];
    let rssPeak = rssConnected;
    for (const phase of phases) {
      ctx.log(`${phase.name}: ${phase.describe}; ${WARMUP_MS} ms warm-up, ${DURATION_MS} ms measured`);
      await publishFor(WARMUP_MS, phase.perSecond, phase.publish);
      const before = hub.stats();
      const rssBefore = rss();
      let phasePeak = rssBefore;
      const sampler = setInterval(() => {
        phasePeak = Math.max(phasePeak, rss());
      }, 250);
      await clients.start();
      const cpu0 = process.cpuUsage();
      const published = await publishFor(DURATION_MS, phase.perSecond, (n) => phase.publish(n));
      const cpu = process.cpuUsage(cpu0);
      // Let the last updates arrive before the window closes.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const report = await clients.stop();
      clearInterval(sampler);
      const rssAfter = rss();
      phasePeak = Math.max(phasePeak, rssAfter);
      rssPeak = Math.max(rssPeak, phasePeak);
      out.push(
        phaseResult(phase, report, delta(before, hub.stats()), published, {
          rssBefore,
          rssAfter,
          phasePeak,
          rssConnected,
          cpuMs: (cpu.user + cpu.system) / 1000,
        }),
      );
    }
    await clients.close();
    const rssEnd = rss();
    out.push(
      result({
        name: 'ws-fanout-rss',
        value: Math.round(mib(rssPeak - rssConnected) * 10) / 10,
        unit: 'MiB',
        target: `RSS growth while publishing <= ${RSS_GROWTH_LIMIT_MIB} MiB over ${CLIENTS} connected clients`,
        pass: mib(rssPeak - rssConnected) <= RSS_GROWTH_LIMIT_MIB,
        notes: [
          `server process RSS: ${formatNumber(mib(rssIdle))} MiB before connections, ${formatNumber(mib(rssConnected))} MiB with ${CLIENTS} clients connected (${formatNumber((rssConnected - rssIdle) / CLIENTS / 1024)} KiB each), peak ${formatNumber(mib(rssPeak))} MiB while publishing, ${formatNumber(mib(rssEnd))} MiB after the clients left`,
          `the server shares this process with the benchmark harness; the clients run in a child process`,
        ],
      }),
    );
    return out;
  },
};

function positionSnapshot(id: number, userId: number, price: number, version: number) {
  const entry = 97_000;
  const size = 0.5;
  return {
    id,
    userId,
    marketId: 'SIM-0/USDT',
    side: 'long',
    size: size.toFixed(4),
    averageEntry: entry.toFixed(2),
    currentPrice: price.toFixed(2),
    unrealizedPnl: ((price - entry) * size).toFixed(2),
    realizedPnl: '0.00',
    takeProfit: '105000.00',
    stopLoss: '90000.00',
    status: 'open',
    version,
  };
}

function phaseResult(
  phase: Phase,
  r: ClientsReport,
  stats: StreamStats,
  published: number,
  m: { rssBefore: number; rssAfter: number; phasePeak: number; rssConnected: number; cpuMs: number },
): BenchResult {
  const expected = CLIENTS * PER_CLIENT_PER_SEC * (DURATION_MS / 1000);
  const delivered = r.received / expected;
  return latencyResult({
    name: phase.name,
    stat: 'p99',
    limitUs: P99_LIMIT_MS * 1000,
    target: `p99 push latency <= ${P99_LIMIT_MS} ms`,
    samples: r.samples.map((ms) => ms * 1000),
    millis: true,
    notes: [
      `${phase.describe}; ${CLIENTS} clients x ${PER_CLIENT_PER_SEC} updates/s for ${DURATION_MS / 1000} s after a ${WARMUP_MS / 1000} s warm-up`,
      `latency = client receive wall time - server publish ts, same machine, 1 ms resolution; clients in a child process`,
      `hub: ${formatNumber(published)} publishes, ${formatNumber(stats.sent)} frames sent, ${stats.conflated} conflated; server CPU ${formatNumber(m.cpuMs / (DURATION_MS / 1000))} ms per s`,
      `server RSS ${formatNumber(mib(m.rssBefore))} MiB before, ${formatNumber(mib(m.rssAfter))} MiB after, peak ${formatNumber(mib(m.phasePeak))} MiB (connected baseline ${formatNumber(mib(m.rssConnected))} MiB)`,
    ],
    checks: [
      {
        ok: delivered >= MIN_DELIVERED,
        note: `${formatNumber(r.received)} of ${formatNumber(expected)} expected updates received (${(delivered * 100).toFixed(1)}%), per client ${r.minPerClient}..${r.maxPerClient}`,
      },
      {
        ok: stats.slowDisconnects === 0 && r.unexpectedCloses === 0,
        note: `${stats.slowDisconnects} slow disconnects, ${r.unexpectedCloses} unexpected closes${r.closeReasons.length > 0 ? ` (${r.closeReasons.join(', ')})` : ''}`,
      },
      {
        ok: mib(m.phasePeak - m.rssConnected) <= RSS_GROWTH_LIMIT_MIB,
        note: `RSS growth over the connected baseline ${formatNumber(mib(m.phasePeak - m.rssConnected))} MiB (limit ${RSS_GROWTH_LIMIT_MIB} MiB)`,
      },
    ],
  });
}
