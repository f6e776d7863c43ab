/**
 * Hyperliquid keys through the credentials API, on SQLite and PostgreSQL,
 * checked by real ccxt against the Hyperliquid loopback exchange: a wallet
 * address and the private key of an API wallet it approved are kept with the
 * permissions Hyperliquid's roles give (`trade`: an API wallet cannot
 * withdraw); the account's own key is refused as one that may withdraw
 * unless ALLOW_WITHDRAW_KEYS=on; a key that signs for neither is refused with
 * Hyperliquid's answer and never echoed; fields in the wrong form or not
 * used by Hyperliquid are 400s naming them (and a venue needing a field
 * tradeloop does not keep, such as a uid, is one); the venue down is 503
 * with nothing stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentials } from '../../src/live-wiring.js';
import { compile } from '../../src/store/prepared.js';
import { closeExchanges } from '../../src/venues/ccxt/exchange-registry.js';
import { HyperliquidExchangeServer } from '../fakes/hyperliquid/exchange-loopback-server.js';
import { databaseTargets } from '../support/databases.js';
import { testApp } from '../support/services.js';

describe.each(await databaseTargets())('Hyperliquid credentials on $name', (target) => {
  let server: HyperliquidExchangeServer;
  let t: Awaited<ReturnType<typeof testApp>>;
  let main: ReturnType<HyperliquidExchangeServer['addAccount']>;
  let other: ReturnType<HyperliquidExchangeServer['addAccount']>;

  beforeAll(async () => {
    server = await HyperliquidExchangeServer.start();
    main = server.addAccount({ balances: { USDC: '250', USDT0: '1000' } });
    other = server.addAccount();
    t = await testApp(target, { liveVenueOrigins: { hyperliquid: server.origin } });
  });
  afterAll(async () => {
    await t?.close();
    await closeExchanges();
    await server?.close();
  });

  const put = (payload: unknown, headers = t.alice.headers) =>
    t.app.inject({
      method: 'PUT',
      url: '/api/v1/credentials/hyperliquid',
      headers,
      payload: payload as object,
    });
  const list = (headers = t.alice.headers) =>
    t.app.inject({ url: '/api/v1/credentials', headers }).then((r) => r.json().items);

  it('keeps an API wallet’s key for its account, with the permission Hyperliquid gives it: trade', async () => {
    const reads = server.count('spotClearinghouseState');
    const r = await put({ walletAddress: main.wallet, privateKey: main.agentKey });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      venue: 'hyperliquid',
      keyId: `${main.wallet.slice(0, 4)}…${main.wallet.slice(-4)}`,
      permissions: ['trade'],
    });
    expect(await list()).toEqual([r.json()]);
    expect(server.count('spotClearinghouseState')).toBeGreaterThan(reads);
    expect(server.requests.some((q) => q.body['type'] === 'userRole' && q.body['user'] === main.agent)).toBe(
      true,
    );
    const rows = await t.services.db.all(compile(t.services.db.kysely.selectFrom('credentials').selectAll()));
    expect(JSON.stringify(rows)).not.toContain(main.agentKey.slice(2));
    const sealed = (await t.services.credentials.stored(t.alice.user.id, 'hyperliquid'))!;
    expect(t.services.credentials.open(sealed)).toEqual({
      walletAddress: main.wallet,
      privateKey: main.agentKey,
    });
  });

  it('refuses the account’s own key (it may withdraw) unless ALLOW_WITHDRAW_KEYS=on', async () => {
    const r = await put({ walletAddress: main.wallet, privateKey: main.ownerKey }, t.bob.headers);
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toContain('withdraw');
    expect(r.json().error.details).toContainEqual({
      path: 'body.privateKey',
      message: 'has withdrawal rights',
    });
    expect(r.body).not.toContain(main.ownerKey.slice(2));
    expect(await list(t.bob.headers)).toEqual([]);
    const allowing = createCredentials(
      { ...t.services.config, allowWithdrawKeys: 'on' },
      t.services.db,
      t.services.clock,
    );
    const kept = await allowing.put(t.bob.user.id, 'hyperliquid', {
      walletAddress: main.wallet,
      privateKey: main.ownerKey,
    });
    expect(kept.permissions).toEqual(['trade', 'transfer', 'withdraw']);
    await allowing.delete(t.bob.user.id, 'hyperliquid');
  });

  it('refuses a key that signs neither for the account nor as its API wallet, with Hyperliquid’s answer', async () => {
    const wrongAgent = await put({ walletAddress: main.wallet, privateKey: other.agentKey }, t.bob.headers);
    expect(wrongAgent.statusCode).toBe(400);
    expect(wrongAgent.json().error.code).toBe('VALIDATION_FAILED');
    expect(wrongAgent.json().error.message).toContain(`userRole: agent of ${other.wallet}`);
    expect(wrongAgent.body).not.toContain(other.agentKey.slice(2));
    const stranger = await put(
      { walletAddress: main.wallet, privateKey: `0x${'5a'.repeat(32)}` },
      t.bob.headers,
    );
    expect(stranger.statusCode).toBe(400);
    expect(stranger.json().error.message).toContain('userRole: missing');
    expect(stranger.body).not.toContain('5a'.repeat(32));
    expect(await list(t.bob.headers)).toEqual([]);
  });

  it('answers fields missing, in the wrong form or not used by Hyperliquid with 400s naming them', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ walletAddress: main.wallet }, 'body.privateKey', /non-empty string/],
      [{ walletAddress: 'not-an-address', privateKey: main.agentKey }, 'body.walletAddress', /40 hex digits/],
      [{ walletAddress: main.wallet, privateKey: '0x1234' }, 'body.privateKey', /64 hex digits/],
      [{ walletAddress: main.wallet, privateKey: main.agentKey, apiKey: 'AK-x' }, 'body.apiKey', /not used/],
      [{ walletAddress: main.wallet, privateKey: main.agentKey, note: 'x' }, 'body.note', /not a credential/],
      [[main.wallet], 'body', /object/],
    ];
    for (const [body, path, message] of cases) {
      const r = await put(body, t.bob.headers);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      const details = r.json().error.details as { path: string; message: string }[];
      expect(details.find((x) => x.path === path)?.message, JSON.stringify(details)).toMatch(message);
      expect(r.body).not.toContain(main.agentKey.slice(2));
    }
    const unkept = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/credentials/coinmate',
      headers: t.bob.headers,
      payload: { apiKey: 'AK-coinmate', secret: 'SK-coinmate' },
    });
    expect(unkept.statusCode).toBe(400);
    expect(unkept.json().error.details).toEqual([
      { path: 'params.venue', message: 'coinmate needs uid, which tradeloop does not keep' },
    ]);
    expect(await list(t.bob.headers)).toEqual([]);
  });

  it('answers 503 and stores nothing when Hyperliquid cannot answer', async () => {
    server.failNext(503, 20);
    const r = await put({ walletAddress: other.wallet, privateKey: other.agentKey }, t.bob.headers);
    server.clearFailures();
    expect(r.statusCode).toBe(503);
    expect(r.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(r.body).not.toContain(other.agentKey.slice(2));
    expect(await list(t.bob.headers)).toEqual([]);
  });
});
