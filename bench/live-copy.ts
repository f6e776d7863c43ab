/**
 * Live copies, measured on the real path: one scripted leader followed live
 * by 100 users (each with their own stored, sealed BingX keys); each leader
 * trade goes through the copy engine, the fan-out (100 outbox rows in one
 * transaction), the executor (keys opened, 100 signed ccxt createOrder calls)
 * to the BingX loopback exchange. Figure: leader trade seen (the source's
 * push) -> each copy order accepted by the venue, p99 over every copy. The
 * reference, interleaved round by round: 100 bare ccxt createOrder calls at
 * once from 100 clients to the same loopback, call -> accepted. Target: the
 * copy's p99 at most 100 ms above the reference's p99.
 *
 * Second figure: opening a user's sealed keys (AES-256-GCM + JSON), the
 * decrypt on the order path, p99 <= 20 µs.
 */

import { buildServices } from '../src/container.js';
import { systemClock } from '../src/domain/clock.js';
import type { Decimal } from '../src/domain/decimal.js';
import { closeExchanges } from '../src/venues/ccxt/exchange-registry.js';
import { createTradingExchange } from '../src/venues/ccxt/trading-exchange.js';
import { BingxLoopbackServer } from '../test/fakes/bingx/bingx-loopback-server.js';
import { ScriptedLeaderSource } from '../test/support/scripted-leader-source.js';
import type { Benchmark } from './lib/context.js';
import { benchConfig } from './lib/fixtures.js';
import { latencyResult } from './lib/latency.js';
import { summarize } from './lib/stats.js';

const FOLLOWS = 100;
const ROUNDS = 20;
const WARMUP = 2;
const ABOVE_VENUE_MS = 100;
const DECRYPTS = 20_000;

export const liveCopy: Benchmark = {
  name: 'live-copy',
  async run(ctx) {
    const server = await BingxLoopbackServer.start();
    ctx.defer(() => server.close());
    ctx.defer(() => closeExchanges());
    const source = new ScriptedLeaderSource(Math.random, { maxPageSize: 10 });
    const s = await buildServices(
      benchConfig(ctx.tempDir('live-copy'), {
        simLeaders: 0,
        copyMaxLagMs: 60_000,
        liveVenueOrigins: { bingx: server.origin },
        liveOrderTimeoutMs: 10_000,
      }),
      { clock: systemClock, warming: false, leaderSources: new Map([['simulated', source]]) },
    );
    ctx.defer(() => s.close());
    const leader = 'scr-bench-live';
    const accepted = new Map<string, number>();
    const keys: { apiKey: string; secret: string }[] = [];
    ctx.log(`seeding ${FOLLOWS} users with keys and live follows`);
    for (let i = 0; i < FOLLOWS; i++) {
      const k = { apiKey: `bench-key-${i}-abcdef`, secret: `bench-secret-${i}-abcdef` };
      keys.push(k);
      const account = server.addAccount({ ...k, balances: { USDT: 1_000_000 } });
      account.onOrder = (o) => accepted.set(o.clientOrderId, performance.now());
      const u = (await s.users.create(`live-${i}`)).user.id;
      await s.credentials.put(u, 'bingx', k);
      await s.traders.create(u, {
        name: `live ${i}`,
        source: 'simulated',
        address: leader,
        allocation: '0',
        followOptions: { execution: 'live', liveVenue: 'bingx', copyMode: 'fixed', fixedAmount: '10' },
      });
    }
    await s.copy.engine!.start();
    await s.live.start();
    const clients = keys.map((k) =>
      createTradingExchange({ exchangeId: 'bingx', ...k, apiOrigin: server.origin }),
    );
    ctx.defer(() => Promise.all(clients.map((c) => c.close())).then(() => undefined));
    await Promise.all(clients.map((c) => c.loadMarkets()));

    const copies: number[] = [];
    const bare: number[] = [];
    let copied = 0;
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      // The copies of one leader trade.
      const t = source.add(leader, {
        market: 'BTC/USDT',
        side: 'buy',
        size: '0.001' as Decimal,
        ts: Date.now(),
      });
      const cids = new Set<string>();
      const seen = performance.now();
      source.hint(leader, t);
      const waitUntil = Date.now() + 30_000;
      for (;;) {
        const done = [...accepted.keys()].filter((c) => c.includes('_') && !cids.has(c));
        for (const c of done) if (accepted.get(c)! >= seen) cids.add(c);
        if (cids.size >= FOLLOWS || Date.now() > waitUntil) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      if (round >= WARMUP) {
        for (const c of cids) copies.push((accepted.get(c)! - seen) * 1000);
        copied += cids.size;
      }
      for (const c of cids) accepted.delete(c);
      // The reference: 100 bare createOrder calls at once, call -> accepted.
      const started = performance.now();
      const ids = clients.map((_, i) => `ref_${round}_${i}`);
      await Promise.all(
        clients.map((c, i) =>
          c.createOrder('BTC/USDT', 'market', 'buy', 0.0002, undefined, { newClientOrderId: ids[i] }),
        ),
      );
      if (round >= WARMUP) for (const id of ids) bare.push((accepted.get(id)! - started) * 1000);
      for (const id of ids) accepted.delete(id);
    }
    const ref = summarize(bare);
    const expected = ROUNDS * FOLLOWS;
    const ack = latencyResult({
      name: 'live-copy-ack',
      stat: 'p99',
      limitUs: ref.p99 + ABOVE_VENUE_MS * 1000,
      target: `p99 <= ${ABOVE_VENUE_MS} ms above the venue's own (bare ccxt createOrder) p99`,
      samples: copies,
      reference: { name: 'bare ccxt createOrder x100 at once', samples: bare },
      millis: true,
      checks: [{ ok: copied === expected, note: `${copied} of ${expected} copies accepted by the venue` }],
      notes: [`${FOLLOWS} live follows, ${ROUNDS} leader trades after ${WARMUP} warm-up`],
    });

    // Opening sealed keys, as the executor does on the order path.
    const stored = (await s.credentials.stored(1, 'bingx'))!;
    const samples: number[] = [];
    for (let i = 0; i < DECRYPTS; i++) {
      const t0 = process.hrtime.bigint();
      s.credentials.open(stored);
      samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    const decrypt = latencyResult({
      name: 'credential-decrypt',
      stat: 'p99',
      limitUs: 20,
      target: 'p99 <= 20 µs',
      samples: samples.slice(1000),
      notes: ['AES-256-GCM open + JSON.parse of one user\u2019s keys; first 1,000 calls are warm-up'],
    });
    return [ack, decrypt];
  },
};
