/**
 * The trading side of the loopback CLOB, in the format
 * @polymarket/clob-client-v2 speaks: L1 requests (`POLY_ADDRESS`,
 * `POLY_SIGNATURE` — the ClobAuth EIP-712 signature, checked —,
 * `POLY_TIMESTAMP`, `POLY_NONCE`) create or derive an API key; L2 requests
 * carry `POLY_API_KEY`, `POLY_PASSPHRASE` and `POLY_SIGNATURE`, an HMAC of
 * timestamp + method + path + body with the key's secret (checked).
 * `POST /order` takes a CTF Exchange V2 order (`orderToJsonV2`), whose id is
 * its EIP-712 hash; it refuses an order below the market's minimum size, one
 * the account cannot pay ("not enough balance / allowance") and an order it
 * already has, and fills a FAK at the book (best levels first, up to its
 * limit, `fillShare` of it; the rest is cancelled), one trade per level, the
 * taker fee in USDC. `GET /data/order/{id}`, `GET /data/trades?id=` and
 * `GET /balance-allowance` (USDC in 6-decimal base units) read it back.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { verifyTypedData } from 'viem';
import {
  type Decimal,
  type Exact,
  exact,
  formatExact,
  parseExact,
  ZERO,
} from '../../../src/domain/decimal.js';
import { orderHash } from '../../../src/venues/polymarket/clob-order-signing.js';

export interface BookSide {
  price: string;
  size: string;
}

export interface ClobAccount {
  address: string;
  usdc: Exact;
  tokens: Map<string, Exact>;
  fillShare: number;
  creds?: { apiKey: string; secret: string; passphrase: string };
}

interface StoredOrder {
  id: string;
  salt: string;
  owner: string;
  maker: string;
  tokenId: string;
  side: 'BUY' | 'SELL';
  size: Exact;
  matched: Exact;
  limit: Exact;
  trades: string[];
  status: string;
  createdAt: number;
}

export interface TokenInfo {
  conditionId: string;
  outcome: string;
  minSize: Exact;
  feeBps: number;
  negRisk: boolean;
  /** Best first. */
  asks: BookSide[];
  bids: BookSide[];
}

type Answer = [number, unknown];

const UNITS: Exact = { m: 1_000_000n, s: 0 };
const d = (s: string) => parseExact(s as Decimal);
const fromUnits = (s: string) => exact.div(d(s), UNITS, 6);
const units = (x: Exact) => formatExact(exact.round(exact.mul(x, UNITS), 0));

export class ClobLoopbackExchange {
  readonly accounts = new Map<string, ClobAccount>();
  readonly orders = new Map<string, StoredOrder>();
  readonly trades = new Map<string, Record<string, unknown>>();
  /** Addresses whose L1 requests are refused (a wallet the CLOB does not accept). */
  readonly refused = new Set<string>();
  private seq = 0;

  constructor(private readonly token: (id: string) => TokenInfo | undefined) {}

  account(address: string): ClobAccount {
    const key = address.toLowerCase();
    let a = this.accounts.get(key);
    if (!a) {
      a = { address, usdc: ZERO, tokens: new Map(), fillShare: 1 };
      this.accounts.set(key, a);
    }
    return a;
  }

  ordersWithSalt(address: string, salt: string): number {
    return [...this.orders.values()].filter(
      (o) => o.maker.toLowerCase() === address.toLowerCase() && o.salt === salt,
    ).length;
  }

  /** Answers a trading request, or undefined when the path is not one of them. */
  async route(
    method: string,
    path: string,
    q: Record<string, string>,
    text: string,
    h: IncomingHttpHeaders,
  ): Promise<Answer | undefined> {
    if (path === '/auth/api-key' && method === 'POST') return this.l1(h, (a) => this.createKey(a));
    if (path === '/auth/derive-api-key' && method === 'GET')
      return this.l1(h, (a) => (a.creds ? [200, a.creds] : [400, { error: 'Could not derive api key!' }]));
    const l2 = (fn: (a: ClobAccount) => Answer) => this.l2(h, method, path, text, fn);
    if (path === '/order' && method === 'POST') return l2((a) => this.post(a, JSON.parse(text)));
    if (path.startsWith('/data/order/') && method === 'GET')
      return l2((a) => this.orderOf(a, path.slice('/data/order/'.length)));
    if (path === '/data/trades' && method === 'GET') {
      return l2(() => {
        const t = this.trades.get(q['id'] ?? '');
        return [200, { limit: 100, count: t ? 1 : 0, next_cursor: 'LTE=', data: t ? [t] : [] }];
      });
    }
    if (path === '/balance-allowance' && method === 'GET')
      return l2((a) => [200, { balance: units(a.usdc), allowances: {} }]);
    return undefined;
  }

  private async l1(h: IncomingHttpHeaders, fn: (a: ClobAccount) => Answer): Promise<Answer> {
    const address = String(h['poly_address'] ?? '');
    const ok = await verifyTypedData({
      address: address as `0x${string}`,
      domain: { name: 'ClobAuthDomain', version: '1', chainId: 137 },
      types: {
        ClobAuth: [
          { name: 'address', type: 'address' },
          { name: 'timestamp', type: 'string' },
          { name: 'nonce', type: 'uint256' },
          { name: 'message', type: 'string' },
        ],
      },
      primaryType: 'ClobAuth',
      message: {
        address: address as `0x${string}`,
        timestamp: String(h['poly_timestamp'] ?? ''),
        nonce: BigInt(String(h['poly_nonce'] ?? '0')),
        message: 'This message attests that I control the given wallet',
      },
      signature: String(h['poly_signature'] ?? '0x') as `0x${string}`,
    }).catch(() => false);
    if (!ok || this.refused.has(address.toLowerCase()))
      return [401, { error: 'Unauthorized/Invalid api key' }];
    return fn(this.account(address));
  }

  private createKey(a: ClobAccount): Answer {
    if (a.creds) return [400, { error: 'Could not create api key' }];
    a.creds = {
      apiKey: `${randomBytes(4).toString('hex')}-0000-4000-8000-${randomBytes(6).toString('hex')}`,
      secret: randomBytes(32).toString('base64url'),
      passphrase: randomBytes(16).toString('hex'),
    };
    return [200, a.creds];
  }

  private l2(
    h: IncomingHttpHeaders,
    method: string,
    path: string,
    body: string,
    fn: (a: ClobAccount) => Answer,
  ): Answer {
    const key = String(h['poly_api_key'] ?? '');
    const a = [...this.accounts.values()].find((x) => x.creds?.apiKey === key);
    if (!a?.creds || h['poly_passphrase'] !== a.creds.passphrase)
      return [401, { error: 'Unauthorized/Invalid api key' }];
    const secret = Buffer.from(a.creds.secret, 'base64url');
    const want = createHmac('sha256', secret)
      .update(`${String(h['poly_timestamp'])}${method}${path}${body}`)
      .digest('base64')
      .replace(/\+/g, '-')
      .replace(/\//g, '_'); // url-safe alphabet, padding kept (as the client signs)
    if (h['poly_signature'] !== want) return [401, { error: 'Unauthorized/Invalid api key' }];
    return fn(a);
  }

  private post(
    a: ClobAccount,
    payload: { order?: Record<string, unknown>; owner?: string; orderType?: string },
  ): Answer {
    const o = payload.order;
    if (!o || payload.owner !== a.creds?.apiKey) return [400, { error: 'invalid order payload' }];
    const t = this.token(String(o['tokenId']));
    if (!t) return [400, { error: `invalid order: token ${String(o['tokenId'])} not found` }];
    const buy = o['side'] === 'BUY';
    const message = {
      salt: String(o['salt']),
      maker: String(o['maker']),
      signer: String(o['signer']),
      tokenId: String(o['tokenId']),
      makerAmount: String(o['makerAmount']),
      takerAmount: String(o['takerAmount']),
      side: buy ? 0 : 1,
      signatureType: Number(o['signatureType']),
      timestamp: String(o['timestamp']),
      metadata: String(o['metadata']),
      builder: String(o['builder']),
    };
    const id = orderHash(message, t.negRisk);
    if (this.orders.has(id)) return [400, { error: `order ${id} is invalid. Duplicated.` }];
    const size = fromUnits(buy ? message.takerAmount : message.makerAmount);
    const usdc = fromUnits(buy ? message.makerAmount : message.takerAmount);
    const limit = exact.div(usdc, size, 6);
    if (exact.cmp(size, t.minSize) < 0)
      return [
        400,
        {
          error: `invalid order: size (${formatExact(size)}) lower than the minimum: ${formatExact(t.minSize)}`,
        },
      ];
    const fee = (n: Exact) =>
      exact.div(exact.mul(n, { m: BigInt(t.feeBps), s: 0 }), { m: 10_000n, s: 0 }, 12);
    const held = a.tokens.get(message.tokenId) ?? ZERO;
    if (buy ? exact.cmp(a.usdc, exact.add(usdc, fee(usdc))) < 0 : exact.cmp(held, size) < 0)
      return [400, { error: 'not enough balance / allowance' }];
    let left = exact.div(exact.mul(size, d(String(a.fillShare))), { m: 1n, s: 0 }, 2);
    const stored: StoredOrder = {
      id,
      salt: message.salt,
      owner: a.creds!.apiKey,
      maker: message.maker,
      tokenId: message.tokenId,
      side: buy ? 'BUY' : 'SELL',
      size,
      matched: ZERO,
      limit,
      trades: [],
      status: 'LIVE',
      createdAt: Math.floor(Date.now() / 1000),
    };
    for (const level of buy ? t.asks : t.bids) {
      const px = d(level.price);
      if (exact.sign(left) <= 0 || (buy ? exact.cmp(px, limit) > 0 : exact.cmp(px, limit) < 0)) break;
      const sz = exact.cmp(left, d(level.size)) < 0 ? left : d(level.size);
      left = exact.sub(left, sz);
      const notional = exact.mul(sz, px);
      a.usdc = buy
        ? exact.sub(a.usdc, exact.add(notional, fee(notional)))
        : exact.add(a.usdc, exact.sub(notional, fee(notional)));
      a.tokens.set(
        message.tokenId,
        buy
          ? exact.add(a.tokens.get(message.tokenId) ?? ZERO, sz)
          : exact.sub(a.tokens.get(message.tokenId) ?? ZERO, sz),
      );
      stored.matched = exact.add(stored.matched, sz);
      const tradeId = `trade-${++this.seq}`;
      stored.trades.push(tradeId);
      this.trades.set(tradeId, {
        id: tradeId,
        taker_order_id: id,
        market: t.conditionId,
        asset_id: message.tokenId,
        side: stored.side,
        size: formatExact(sz),
        fee_rate_bps: String(t.feeBps),
        price: level.price,
        status: 'CONFIRMED',
        match_time: String(stored.createdAt),
        last_update: String(stored.createdAt),
        outcome: t.outcome,
        bucket_index: 0,
        owner: stored.owner,
        maker_address: message.maker,
        maker_orders: [],
        transaction_hash: `0x${randomBytes(32).toString('hex')}`,
        trader_side: 'TAKER',
      });
    }
    // A FAK never rests: what did not fill is cancelled.
    stored.status =
      exact.cmp(stored.matched, size) === 0
        ? 'MATCHED'
        : exact.isZero(stored.matched)
          ? 'UNMATCHED'
          : 'CANCELED';
    this.orders.set(id, stored);
    const hashes = stored.trades.map((x) => String(this.trades.get(x)!['transaction_hash']));
    return [
      200,
      {
        success: true,
        errorMsg: '',
        orderID: id,
        status: stored.status.toLowerCase(),
        makingAmount: formatExact(buy ? usdc : stored.matched),
        takingAmount: formatExact(buy ? stored.matched : usdc),
        transactionsHashes: hashes,
        tradeIDs: stored.trades,
      },
    ];
  }

  private orderOf(a: ClobAccount, id: string): Answer {
    const o = this.orders.get(id);
    if (!o || o.owner !== a.creds?.apiKey) return [404, { error: 'order not found' }];
    const t = this.token(o.tokenId);
    return [
      200,
      {
        id: o.id,
        status: o.status,
        owner: o.owner,
        maker_address: o.maker,
        market: t?.conditionId ?? '',
        asset_id: o.tokenId,
        side: o.side,
        original_size: formatExact(o.size),
        size_matched: formatExact(o.matched),
        price: formatExact(o.limit),
        associate_trades: o.trades,
        outcome: t?.outcome ?? '',
        created_at: o.createdAt,
        expiration: '0',
        order_type: 'FAK',
      },
    ];
  }
}
