/**
 * Live copies on Polymarket: the `LiveVenues` port of
 * `copytrading/live-venue-port.ts` for the CLOB. A copy trades the outcome
 * token the leader traded, named as copies name it, `<market slug>:<outcome>/USDC`.
 * Rules come from the CLOB's market listing (`GET /markets`, paged): the
 * price tick, the minimum order size in shares, shares in steps of 0.01 (the
 * client's rounding), the taker fee (`taker_base_fee`, in basis points).
 * Orders go through `clob-live-client.ts`; the client order id is the order's
 * salt (`clob-order-signing.ts`).
 */
import { Chain, ClobClient } from '@polymarket/clob-client-v2';
import { type Exact, parseExact, tryParseDecimal } from '../../domain/decimal.js';
import { ClobLiveClient, clobOrderError, type OutcomeToken } from './clob-live-client.js';
import { polymarketClientOrderId } from './clob-order-signing.js';

const SHARE_STEP: Exact = { m: 1n, s: 2 };
const END_CURSOR = 'LTE=';

interface Rules {
  step: Exact | null;
  minAmount: Exact | null;
  minNotional: Exact | null;
  quote: string;
  feeRate: Exact;
}

interface Listed {
  rules: Rules;
  token: OutcomeToken;
}

const decimalOf = (v: unknown): Exact | null => {
  const r = tryParseDecimal(typeof v === 'number' ? String(v) : v);
  return r.ok ? parseExact(r.value) : null;
};

export interface ClobLiveVenuesOptions {
  /** CLOB origin. @default 'https://clob.polymarket.com' */
  host?: string;
  /** LIVE_ORDER_TIMEOUT_MS. */
  timeoutMs: number;
  /** Pages of `GET /markets` read at load (the listing's size bounds it). @default 200 */
  maxPages?: number;
}

export class ClobLiveVenues {
  private readonly host: string;
  private listed: Map<string, Listed> | undefined;
  private loading: Promise<void> | undefined;

  constructor(private readonly o: ClobLiveVenuesOptions) {
    this.host = o.host ?? 'https://clob.polymarket.com';
  }

  rules(_venue: string, symbol: string): Rules | null | undefined {
    if (!this.listed) return undefined;
    return this.listed.get(symbol)?.rules ?? null;
  }

  load(_venue: string): Promise<void> {
    this.loading ??= this.readMarkets().catch((err: unknown) => {
      this.loading = undefined;
      throw clobOrderError(err);
    });
    return this.loading;
  }

  private async readMarkets(): Promise<void> {
    const clob = new ClobClient({ host: this.host, chain: Chain.POLYGON, throwOnError: true });
    const out = new Map<string, Listed>();
    let cursor: string | undefined;
    for (let page = 0; page < (this.o.maxPages ?? 200) && cursor !== END_CURSOR; page++) {
      const res = await clob.getMarkets(cursor);
      for (const m of res.data as Record<string, unknown>[]) {
        if (m['closed'] === true || m['accepting_orders'] === false || !Array.isArray(m['tokens'])) continue;
        const tick = decimalOf(m['minimum_tick_size']);
        if (!tick) continue;
        const feeBps = decimalOf(m['taker_base_fee']) ?? { m: 0n, s: 0 };
        const rules: Rules = {
          step: SHARE_STEP,
          minAmount: decimalOf(m['minimum_order_size']),
          minNotional: null,
          quote: 'USDC',
          feeRate: { m: feeBps.m, s: feeBps.s + 4 },
        };
        for (const t of m['tokens'] as Record<string, unknown>[]) {
          const symbol = `${String(m['market_slug'])}:${String(t['outcome'])}/USDC`;
          out.set(symbol, {
            rules,
            token: { tokenId: String(t['token_id']), tick, negRisk: m['neg_risk'] === true },
          });
        }
      }
      cursor = res.next_cursor;
      if (!cursor) break;
    }
    this.listed = out;
  }

  client(_venue: string, keys: { privateKey?: string }): ClobLiveClient {
    return new ClobLiveClient({
      host: this.host,
      privateKey: keys.privateKey ?? '',
      token: (symbol) => this.listed?.get(symbol)?.token,
      timeoutMs: this.o.timeoutMs,
    });
  }

  clientOrderId(_venue: string, traderId: number, tradeId: string): string {
    return polymarketClientOrderId(traderId, tradeId);
  }
}
