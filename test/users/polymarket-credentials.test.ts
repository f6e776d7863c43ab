/**
 * Polymarket keys through the credentials API, on SQLite and PostgreSQL,
 * checked by the CLOB client against the loopback CLOB: a wallet's private
 * key is kept once the CLOB derived its API key and read its USDC balance —
 * as a key that may withdraw (it controls the wallet), so only with
 * ALLOW_WITHDRAW_KEYS=on; a key in the wrong form, not a valid secp256k1
 * key, or one the CLOB refuses is a 400 naming it and never echoed; the CLOB
 * down is 503 with nothing stored.
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExact } from '../../src/domain/decimal.js';
import { createCredentials } from '../../src/live-wiring.js';
import { compile } from '../../src/store/prepared.js';
import { ClobLoopbackServer } from '../fakes/polymarket/clob-loopback-server.js';
import { databaseTargets } from '../support/databases.js';
import { testApp } from '../support/services.js';

describe.each(await databaseTargets())('Polymarket credentials on $name', (target) => {
  let server: ClobLoopbackServer;
  let t: Awaited<ReturnType<typeof testApp>>;
  const key = generatePrivateKey();
  const address = privateKeyToAccount(key).address;

  beforeAll(async () => {
    server = await ClobLoopbackServer.start();
    server.exchange.account(address).usdc = parseExact('250' as never);
    t = await testApp(target, { liveVenueOrigins: { polymarket: server.origin }, allowWithdrawKeys: 'on' });
  });
  afterAll(async () => {
    await t?.close();
    await server?.close();
  });

  const put = (payload: unknown, headers = t.alice.headers) =>
    t.app.inject({
      method: 'PUT',
      url: '/api/v1/credentials/polymarket',
      headers,
      payload: payload as object,
    });
  const list = (headers = t.alice.headers) =>
    t.app.inject({ url: '/api/v1/credentials', headers }).then((r) => r.json().items);

  it('keeps a wallet key once the CLOB derived its API key and read its balance', async () => {
    const r = await put({ privateKey: key });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ venue: 'polymarket', permissions: ['read', 'trade', 'withdraw'] });
    expect(await list()).toEqual([r.json()]);
    expect(server.count('POST', '/auth/api-key')).toBe(1);
    expect(server.count('GET', '/balance-allowance')).toBe(1);
    const rows = await t.services.db.all(compile(t.services.db.kysely.selectFrom('credentials').selectAll()));
    expect(JSON.stringify(rows)).not.toContain(key.slice(2));
    const sealed = (await t.services.credentials.stored(t.alice.user.id, 'polymarket'))!;
    expect(t.services.credentials.open(sealed)).toEqual({ privateKey: key });
  });

  it('refuses it as a key that may withdraw unless ALLOW_WITHDRAW_KEYS=on', async () => {
    const strict = createCredentials(
      { ...t.services.config, allowWithdrawKeys: 'off' },
      t.services.db,
      t.services.clock,
    );
    const err = await strict.put(t.bob.user.id, 'polymarket', { privateKey: key }).catch((e) => e);
    expect(err.message).toContain('withdraw');
    expect(err.details).toContainEqual({ path: 'body.privateKey', message: 'has withdrawal rights' });
    expect(await list(t.bob.headers)).toEqual([]);
  });

  it('answers a key in the wrong form, not a key, or refused by the CLOB with a 400 naming it', async () => {
    const refused = generatePrivateKey();
    server.exchange.refused.add(privateKeyToAccount(refused).address.toLowerCase());
    const cases: [unknown, string, RegExp][] = [
      [{}, 'body.privateKey', /non-empty string/],
      [{ privateKey: '0x1234' }, 'body.privateKey', /64 hex digits/],
      [{ privateKey: key, apiKey: 'x' }, 'body.apiKey', /not used by polymarket/],
      [{ privateKey: `0x${'0'.repeat(64)}` }, 'body', /privateKey is not a valid secp256k1/],
      [{ privateKey: refused }, 'body', /refused by polymarket: .*Unauthorized/],
    ];
    for (const [body, path, message] of cases) {
      const r = await put(body, t.bob.headers);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      const details = r.json().error.details as { path: string; message: string }[];
      expect(details.find((x) => x.path === path)?.message, JSON.stringify(details)).toMatch(message);
      expect(r.body).not.toContain(key.slice(2));
      expect(r.body).not.toContain(refused.slice(2));
    }
    expect(await list(t.bob.headers)).toEqual([]);
  });

  it('answers 503 and stores nothing when the CLOB cannot answer', async () => {
    server.failNext(503, '{"error":"upstream down"}', 5);
    const r = await put({ privateKey: generatePrivateKey() }, t.bob.headers);
    expect(r.statusCode, r.body).toBe(503);
    expect(r.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(await list(t.bob.headers)).toEqual([]);
  });
});
