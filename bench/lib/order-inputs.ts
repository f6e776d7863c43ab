/**
 * Realistic, reproducible order imports: what a client would POST to
 * /orders/bulk. Half are filled (average price and fee set), the rest open
 * or cancelled limit orders; most are linked to one of the given traders,
 * some are manual; pairs are the usual USDT majors. Seeded, so every run
 * imports the same orders.
 */

export interface OrderInput extends Record<string, unknown> {
  traderId: number | null;
  pair: string;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  price: string | null;
  quantity: string;
  status: 'filled' | 'open' | 'cancelled';
  filledQuantity: string;
  averagePrice: string | null;
  fee: string;
  createdAt: string;
}

export const PAIRS = [
  { symbol: 'BTC/USDT', price: 64_000, size: 0.05 },
  { symbol: 'ETH/USDT', price: 3_200, size: 0.8 },
  { symbol: 'SOL/USDT', price: 150, size: 12 },
  { symbol: 'BNB/USDT', price: 580, size: 3 },
] as const;

/** mulberry32: small, fast, good enough to vary test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A canonical decimal string (no trailing zeros, no exponent) with at most `dp` places. */
const decimal = (v: number, dp: number): string => {
  const s = v.toFixed(dp);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
};

export interface OrderStream {
  /** The next `count` orders. */
  next(count: number): OrderInput[];
}

/**
 * Orders for `traderIds` (10% manual, traderId null), `stepMs` apart, the
 * last one just before `endMs`, `total` in all.
 */
export function orderStream(opts: {
  traderIds: readonly number[];
  total: number;
  endMs: number;
  stepMs: number;
  seed: number;
}): OrderStream {
  const random = rng(opts.seed);
  const start = opts.endMs - opts.total * opts.stepMs;
  let i = 0;
  return {
    next(count) {
      const out: OrderInput[] = [];
      for (let k = 0; k < count; k++, i++) {
        const pair = PAIRS[Math.floor(random() * PAIRS.length)]!;
        const manual = random() < 0.1;
        const traderId =
          manual || opts.traderIds.length === 0 ? null : opts.traderIds[i % opts.traderIds.length]!;
        const side = random() < 0.5 ? 'buy' : 'sell';
        const quantity = decimal(pair.size * (0.1 + random() * 1.9), 6);
        const limit = decimal(pair.price * (0.97 + random() * 0.06), 2);
        const createdAt = new Date(start + i * opts.stepMs).toISOString();
        if (i % 2 === 0) {
          const avg = pair.price * (0.98 + random() * 0.04);
          const market = random() < 0.5;
          out.push({
            traderId,
            pair: pair.symbol,
            side,
            type: market ? 'market' : 'limit',
            price: market ? null : limit,
            quantity,
            status: 'filled',
            filledQuantity: quantity,
            averagePrice: decimal(avg, 2),
            fee: decimal(Number(quantity) * avg * 0.001, 8),
            createdAt,
          });
        } else {
          out.push({
            traderId,
            pair: pair.symbol,
            side,
            type: 'limit',
            price: limit,
            quantity,
            status: random() < 0.6 ? 'open' : 'cancelled',
            filledQuantity: '0',
            averagePrice: null,
            fee: '0',
            createdAt,
          });
        }
      }
      return out;
    },
  };
}

/** The same orders as rows for a bare INSERT into `orders` (column order of the reference statement). */
export function toOrderRows(
  orders: readonly OrderInput[],
  userId: number,
  pairIds: ReadonlyMap<string, number>,
  now: number,
): unknown[][] {
  return orders.map((o) => [
    userId,
    o.traderId,
    pairIds.get(o.pair)!,
    null,
    o.side,
    o.type,
    o.price,
    o.quantity,
    o.filledQuantity,
    o.averagePrice,
    o.status,
    o.fee,
    Date.parse(o.createdAt),
    now,
  ]);
}

export const ORDER_ROW_INSERT_SQL = `insert into orders (user_id, trader_id, trading_pair_id, client_order_id, side, type, price,
  quantity, filled_quantity, average_price, status, fee, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
