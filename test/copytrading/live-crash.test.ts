/**
 * A live copy order through a crash: a real `tradeloop serve` process claims
 * the order and sends it to the BingX loopback exchange, which executes it
 * but holds its answer; the process is killed with SIGKILL before it hears
 * back. Another instance (this test's services) reconciles the order once
 * the dead claim expires: found on the venue by its client order id and
 * recorded — the venue holds exactly one order. And an order claimed by an
 * instance that died before the venue got it is found missing and sent, once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { buildServices, type Services } from '../../src/container.js';
import { systemClock } from '../../src/domain/clock.js';
import type { Decimal } from '../../src/domain/decimal.js';
import { compile } from '../../src/store/prepared.js';
import { closeExchanges } from '../../src/venues/ccxt/exchange-registry.js';
import { BingxLoopbackServer } from '../fakes/bingx/bingx-loopback-server.js';
import { startChildServer } from '../support/child-server.js';
import { databaseTargets } from '../support/databases.js';
import { until as untilWithin } from '../support/fleet.js';

const KEYS = { apiKey: 'crash-key-000001', secret: 'crash-secret-000001' };
const SECRETS_KEY = 'ab'.repeat(32);
const TIMEOUT_MS = 1000;

const until = <T>(what: string, probe: () => Promise<T | undefined>) => untilWithin(what, probe, 20_000);

describe.each(await databaseTargets())('a live copy order through kill -9 on $name', (target) => {
  let server: BingxLoopbackServer;
  let db: Awaited<ReturnType<typeof target.create>>;
  let s: Services;
  let dataDir: string;
  let userId: number;
  let traderId: number;

  beforeAll(async () => {
    server = await BingxLoopbackServer.start({ account: { ...KEYS, balances: { USDT: 10_000 } } });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-crash-'));
    db = await target.create();
    s = await instance();
    userId = (await s.users.create('carol')).user.id;
    await s.credentials.put(userId, 'bingx', KEYS);
    traderId = (
      await s.traders.create(userId, {
        name: 'crash',
        source: 'manual',
        address: 'crash-leader',
        followOptions: { execution: 'live', liveVenue: 'bingx' },
      })
    ).id;
  });
  afterAll(async () => {
    await s?.close();
    await db?.drop();
    await closeExchanges();
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Services of one instance on the suite's database and loopback exchange. */
  function instance(): Promise<Services> {
    const config = loadConfig(
      {},
      {
        databaseUrl: db.url,
        dataDir,
        logLevel: 'silent',
        jobExecutor: 'embedded',
        copyEngine: 'off',
        secretsKey: SECRETS_KEY,
        liveVenueOrigins: { bingx: server.origin },
        liveOrderTimeoutMs: TIMEOUT_MS,
      },
    );
    return buildServices(config, { clock: systemClock, warming: false });
  }

  async function outbox(tradeId: string): Promise<string> {
    const clientOrderId = s.live.venues.clientOrderId('bingx', traderId, tradeId);
    await s.db.transaction((tx) =>
      s.live.repo.insertMany(
        [
          {
            userId,
            traderId,
            venue: 'bingx',
            symbol: 'BTC/USDT',
            side: 'buy',
            amount: '0.001' as Decimal,
            priceHint: '65000' as Decimal,
            clientOrderId,
            source: 'manual',
            sourceTradeId: tradeId,
          },
        ],
        Date.now(),
        tx,
      ),
    );
    return clientOrderId;
  }
  const onVenue = (cid: string) =>
    [...server.account!.orders.values()].filter((o) => o.clientOrderId === cid);

  it('reconciles, after the claim expires, an order whose sender was killed before the answer', async () => {
    const cid = await outbox('crash-trade-1');
    server.latencyMs = 60_000; // the venue executes at once and holds the answer
    const child = await startChildServer({
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      SECRETS_KEY,
      LIVE_VENUE_ORIGINS: `bingx=${server.origin}`,
      LIVE_ORDER_TIMEOUT_MS: String(TIMEOUT_MS),
      COPY_ENGINE: 'off',
      PRICE_STREAM: 'off',
    });
    try {
      await until('the order on the venue', async () => (onVenue(cid).length > 0 ? true : undefined));
    } finally {
      child.child.kill('SIGKILL');
      await child.exited;
    }
    const orphan = (await s.live.repo.byClientOrderId(cid))!;
    expect(orphan.status).toBe('sending');
    expect(orphan.claimedBy).not.toBeNull();
    server.latencyMs = 0;
    s.live.executor.start();
    const done = await until('the order recorded', async () => {
      const o = await s.live.repo.byClientOrderId(cid);
      return o?.status === 'filled' ? o : undefined;
    });
    expect(onVenue(cid)).toHaveLength(1);
    expect(done.attempts).toBe(1);
    expect(done.filled).toBe('0.001');
    const history = await s.db.all(
      compile(s.db.kysely.selectFrom('orders').select('status').where('client_order_id', '=', cid)),
    );
    expect(history).toEqual([{ status: 'filled' }]);
    await s.live.executor.stop();
  });

  it('sends, once, an order whose sender died before the venue got it', async () => {
    const cid = await outbox('crash-trade-2');
    // As a dead instance leaves it: claimed, the claim expired, nothing sent.
    await s.db.run(
      compile(
        s.db.kysely
          .updateTable('live_copy_orders')
          .set({ status: 'sending', claimed_by: 'dead-instance', claimed_until: Date.now() - 1, attempts: 1 })
          .where('client_order_id', '=', cid),
      ),
    );
    await s.live.executor.sweep();
    const done = await until('the order recorded', async () => {
      const o = await s.live.repo.byClientOrderId(cid);
      return o?.status === 'filled' ? o : undefined;
    });
    expect(onVenue(cid)).toHaveLength(1);
    expect(done.attempts).toBe(2);
  });

  it('sends each order once when two instances kick the same outbox at once', async () => {
    const other = await instance();
    try {
      const cids: string[] = [];
      for (let i = 0; i < 20; i++) cids.push(await outbox(`race-${i}`));
      server.latencyMs = 5; // sends overlap
      await Promise.all([s.live.executor.kick(), other.live.executor.kick(), s.live.executor.kick()]);
      await until('every order recorded', async () => {
        const rows = await Promise.all(cids.map((c) => s.live.repo.byClientOrderId(c)));
        return rows.every((o) => o?.status === 'filled') ? true : undefined;
      });
      for (const cid of cids) expect(onVenue(cid), cid).toHaveLength(1);
      const sent = s.live.executor.stats.sent + other.live.executor.stats.sent;
      expect(sent).toBe(cids.length + 1); // + the order of the previous case, sent by this instance
    } finally {
      server.latencyMs = 0;
      await other.close();
    }
  });
});
