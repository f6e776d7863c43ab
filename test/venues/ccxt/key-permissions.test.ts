/**
 * Key permissions as each exchange states them, read by real ccxt (signed
 * requests through its implicit API) from a loopback server answering the
 * exchange's documented permission endpoint with the documented shape:
 * Binance `GET /sapi/v1/account/apiRestrictions`, OKX `GET
 * /api/v5/account/config`, Bybit `GET /v5/user/query-api`. A key that may
 * withdraw is flagged; an exchange that does not tell gets
 * `["read", "unknown"]`, not a guess.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeExchanges } from '../../../src/venues/ccxt/exchange-registry.js';
import { readKeyPermissions } from '../../../src/venues/ccxt/key-permissions.js';
import { createTradingExchange } from '../../../src/venues/ccxt/trading-exchange.js';

describe('key permissions by exchange', () => {
  let server: Server;
  let origin: string;
  const answers = new Map<string, unknown>();
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      seen.push(path);
      const body = answers.get(path);
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { msg: 'not found' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await closeExchanges();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const read = async (venue: string, path: string, answer: unknown) => {
    answers.set(path, answer);
    const ex = createTradingExchange({
      exchangeId: venue,
      apiKey: 'perm-test-key',
      secret: 'perm-test-secret',
      password: 'perm-test-pass',
      apiOrigin: origin,
    });
    try {
      return await readKeyPermissions(venue, ex, {});
    } finally {
      await ex.close();
      expect(seen.at(-1)).toBe(path);
    }
  };

  it('reads Binance’s enable… flags, withdrawals included', async () => {
    const flags = {
      ipRestrict: true,
      createTime: 1698645219000,
      enableReading: true,
      enableWithdrawals: false,
      enableInternalTransfer: false,
      enableMargin: false,
      enableFutures: false,
      permitsUniversalTransfer: false,
      enableVanillaOptions: false,
      enableFixApiTrade: false,
      enableFixReadOnly: true,
      enableSpotAndMarginTrading: true,
      enablePortfolioMarginTrading: false,
    };
    const path = '/sapi/v1/account/apiRestrictions';
    expect(await read('binance', path, flags)).toEqual({
      permissions: ['read', 'spot-trade'],
      withdraw: false,
    });
    const withdraw = await read('binance', path, { ...flags, enableWithdrawals: true });
    expect(withdraw).toEqual({ permissions: ['read', 'spot-trade', 'withdraw'], withdraw: true });
  });

  it('reads OKX’s perm list', async () => {
    const config = (perm: string) => ({
      code: '0',
      msg: '',
      data: [{ uid: '44705892343619584', acctLv: '2', perm }],
    });
    const path = '/api/v5/account/config';
    expect(await read('okx', path, config('read_only,trade'))).toEqual({
      permissions: ['read', 'trade'],
      withdraw: false,
    });
    expect((await read('okx', path, config('read_only,trade,withdraw'))).withdraw).toBe(true);
  });

  it('reads Bybit’s permission lists, and a read-only key as read only', async () => {
    const info = (readOnly: number, Wallet: string[]) => ({
      retCode: 0,
      retMsg: '',
      result: {
        id: '13770661',
        note: 'copy',
        apiKey: 'perm-test-key',
        readOnly,
        secret: '',
        permissions: {
          ContractTrade: [],
          Spot: ['SpotTrade'],
          Wallet,
          Options: [],
          Derivatives: [],
          Exchange: [],
        },
        ips: ['*'],
        type: 1,
      },
      retExtInfo: {},
      time: 1697525990798,
    });
    const path = '/v5/user/query-api';
    expect(await read('bybit', path, info(0, ['AccountTransfer']))).toEqual({
      permissions: ['read', 'spot-trade', 'transfer'],
      withdraw: false,
    });
    expect((await read('bybit', path, info(0, ['AccountTransfer', 'Withdraw']))).withdraw).toBe(true);
    expect(await read('bybit', path, info(1, ['Withdraw']))).toEqual({
      permissions: ['read'],
      withdraw: false,
    });
  });

  it('says "unknown" where the exchange does not tell, without asking it', async () => {
    const before = seen.length;
    const ex = createTradingExchange({
      exchangeId: 'kraken',
      apiKey: 'k',
      secret: 'c2VjcmV0',
      apiOrigin: origin,
    });
    expect(await readKeyPermissions('kraken', ex, {})).toEqual({
      permissions: ['read', 'unknown'],
      withdraw: false,
    });
    expect(seen.length).toBe(before);
    await ex.close();
  });
});
