/**
 * Positions on prediction markets and exchanges, on paper: open at the
 * current price, set or clear take-profit / stop-loss, close. Lists come with
 * their markets from one batched market call and are cached per user (kind
 * `positions`), dropped only for the user whose positions changed. Every
 * change is committed before it returns and pushed to the user's stream.
 */
import type { Cache } from '../cache/cache.js';
import type { Clock } from '../domain/clock.js';
import { DECIMAL_ONE, type Decimal, dec } from '../domain/decimal.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import type { Market } from '../domain/market.js';
import {
  type OpenPositionInput,
  type Position,
  parseOpenPosition,
  parseTpSlPatch,
  positionPnl,
  priceDecimal,
  type TpSlInput,
  tpSlProblem,
  tpSlTriggered,
} from '../domain/position.js';
import { cursorCodec } from '../lib/cursor.js';
import type { ItemError } from '../marketdata/batch-items.js';
import type { MarketData } from '../marketdata/market-data.js';
import type { Database } from '../store/database.js';
import type { PositionFilter, PositionRepository } from '../store/position-repository.js';
import { positionsTag, type UpdateSink } from '../updates/update-sink.js';
import { type CopyExitHook, feesAfterExit } from './copy-exits.js';
import { positionJson } from './position-json.js';

export const MAX_POSITIONS_PAGE = 200;

/** The market a position is on, as a list shows it. */
export interface PositionMarket {
  id: string;
  symbol: string;
  kind: Market['kind'];
  question?: string;
  outcomes?: Market['outcomes'];
  endsAt?: number;
  active: boolean;
  stale: boolean;
}

export type PositionView = Position & { market: PositionMarket | null };

export interface PositionPage {
  items: PositionView[];
  nextCursor: string | null;
}

export interface PositionServiceDeps {
  db: Database;
  repo: PositionRepository;
  marketData: MarketData;
  cache: Cache;
  clock: Clock;
  updates: UpdateSink;
  /** Called after a close is committed, so its event is delivered. */
  onClosed(): void;
  /** Called after a position opened or closed (the price feed follows the markets with positions). */
  onMarketsChanged?(): void;
  /** Records closes of copied positions in the copy ledger, inside the closing transaction. */
  exits?: CopyExitHook;
}

export class PositionService {
  private readonly venueId: string;

  constructor(private readonly d: PositionServiceDeps) {
    this.venueId = d.marketData.venue.capabilities.id;
  }

  async open(userId: number, input: OpenPositionInput): Promise<Position> {
    const req = parseOpenPosition(input);
    const market = await this.requireMarket(req.marketId);
    const { outcome, outcomeIndex } = resolveOutcome(market, req.outcome, req.side);
    const price = await this.currentPrice(market.symbol, outcomeIndex);
    checkLevels(req.side, req.takeProfit, req.stopLoss, price, 'body');
    const p = await this.d.repo.insert(
      userId,
      {
        venue: this.venueId,
        marketId: market.id,
        symbol: market.symbol,
        side: req.side,
        outcome,
        outcomeIndex,
        size: req.size,
        entryPrice: price,
        takeProfit: req.takeProfit,
        stopLoss: req.stopLoss,
      },
      this.d.clock.now(),
    );
    this.d.onMarketsChanged?.();
    await this.changed(p);
    return p;
  }

  async get(userId: number, id: number): Promise<Position> {
    const p = await this.d.repo.findById(id);
    if (!p) throw new NotFoundError(`Position ${id} does not exist`);
    if (p.userId !== userId) throw new ForbiddenError(`Position ${id} is not yours`);
    return p;
  }

  /** A page of the user's positions with their markets; cached until the user's positions change. */
  async list(
    userId: number,
    q: { status: PositionFilter; limit: number; cursor: string | null },
  ): Promise<PositionPage> {
    const beforeId = decodePositionCursor(q.cursor);
    const key = `${userId}:${q.status}:${q.limit}:${q.cursor ?? ''}`;
    const hit = this.d.cache.peekHit<PositionPage>('positions', key);
    if (hit !== undefined) return hit;
    const cached = await this.d.cache.getOrLoad(
      'positions',
      key,
      () => this.loadPage(userId, q.status, q.limit, beforeId),
      { tags: [positionsTag(userId)] },
    );
    return cached.value;
  }

  /** Sets or clears TP/SL (null clears, absent keeps); `expectedVersion` (If-Match) makes a stale edit a 409. */
  async setTpSl(userId: number, id: number, input: TpSlInput, expectedVersion?: number): Promise<Position> {
    const patch = parseTpSlPatch(input);
    const current = await this.get(userId, id);
    if (current.status !== 'open') throw new ConflictError(`Position ${id} is closed`);
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw versionConflict(id, current.version, expectedVersion);
    }
    const tp = patch.takeProfit !== undefined ? patch.takeProfit : current.takeProfit;
    const sl = patch.stopLoss !== undefined ? patch.stopLoss : current.stopLoss;
    checkLevels(current.side, tp, sl, current.currentPrice, 'body');
    const updated = await this.d.repo.setTpSl(id, userId, tp, sl, current.version, this.d.clock.now());
    if (!updated) {
      const now = await this.get(userId, id);
      if (now.status !== 'open') throw new ConflictError(`Position ${id} was closed meanwhile`);
      throw versionConflict(id, now.version, current.version);
    }
    await this.changed(updated);
    return updated;
  }

  /** Closes at the current price (paper). A second close is a 409, never a second fill. */
  async close(userId: number, id: number): Promise<Position> {
    const current = await this.get(userId, id);
    if (current.status !== 'open') throw new ConflictError(`Position ${id} is already closed`);
    const price = await this.currentPrice(current.symbol, current.outcomeIndex);
    const pnl = dec.add(
      current.realizedPnl,
      positionPnl(current.side, current.size, current.entryPrice, price),
    );
    const now = this.d.clock.now();
    const closed = await this.d.db.transaction(async (tx) => {
      const fees = feesAfterExit(current, price, this.d.exits);
      const c = await this.d.repo.close(id, 'manual', price, pnl, fees, now, tx);
      if (c && c.traderId !== null) await this.d.exits?.copiesClosed([c], tx, now);
      return c;
    });
    if (!closed) throw new ConflictError(`Position ${id} was closed meanwhile`);
    this.d.onClosed();
    this.d.onMarketsChanged?.();
    await this.changed(closed);
    return closed;
  }

  /** Drops the user's cached lists and pushes the position to their stream. */
  async changed(p: Position): Promise<void> {
    await this.d.cache.invalidateTags([positionsTag(p.userId)]);
    this.d.updates.publish('positions', String(p.id), positionJson(p), p.userId);
  }

  private async loadPage(
    userId: number,
    status: PositionFilter,
    limit: number,
    beforeId: number | null,
  ): Promise<PositionPage> {
    const rows = await this.d.repo.list(userId, status, limit + 1, beforeId);
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    const markets =
      items.length === 0
        ? new Map<string, (Market & { stale: boolean }) | ItemError>()
        : await this.d.marketData.knownMarkets(items.map((p) => ({ id: p.marketId, symbol: p.symbol })));
    return {
      items: items.map((p) => ({ ...p, market: marketView(markets.get(p.marketId)) })),
      nextCursor: more ? encodePositionCursor(items[items.length - 1]!.id) : null,
    };
  }

  private async requireMarket(marketId: string): Promise<Market> {
    let m: Market;
    try {
      m = await this.d.marketData.market(marketId);
    } catch (err) {
      if (err instanceof NotFoundError) {
        throw new ValidationError(`body.marketId: ${this.venueId} has no market ${marketId}`, {
          details: [{ path: 'body.marketId', message: 'no such market' }],
        });
      }
      throw err;
    }
    if (!m.active) {
      throw new ValidationError(`body.marketId: market ${marketId} is not trading`, {
        details: [{ path: 'body.marketId', message: 'market is closed' }],
      });
    }
    return m;
  }

  /** The price a paper fill gets now: the market's last price, or 1 - it for a binary market's second outcome. */
  private async currentPrice(symbol: string, outcomeIndex: number | null): Promise<Decimal> {
    const { items, errors } = await this.d.marketData.prices([symbol]);
    const item = items[0];
    if (!item) {
      const e = errors[0];
      throw new ConflictError(`No price for ${symbol} right now${e ? `: ${e.message}` : ''}`);
    }
    const first = priceDecimal(item.price);
    return outcomeIndex === 1 ? dec.sub(DECIMAL_ONE, first) : first;
  }
}

function marketView(m: ((Market & { stale: boolean }) | ItemError) | undefined): PositionMarket | null {
  if (!m || 'code' in m) return null;
  return {
    id: m.id,
    symbol: m.symbol,
    kind: m.kind,
    ...(m.question !== undefined ? { question: m.question } : {}),
    ...(m.outcomes !== undefined ? { outcomes: m.outcomes } : {}),
    ...(m.endsAt !== undefined ? { endsAt: m.endsAt } : {}),
    active: m.active,
    stale: m.stale,
  };
}

/** Which outcome of a binary market is held (default: the first); spot markets take none. */
function resolveOutcome(
  market: Market,
  requested: string | null,
  side: Position['side'],
): { outcome: string | null; outcomeIndex: number | null } {
  if (market.kind !== 'binary') {
    if (requested !== null) {
      throw new ValidationError(`body.outcome: ${market.symbol} is not a prediction market`, {
        details: [{ path: 'body.outcome', message: 'only binary markets have outcomes' }],
      });
    }
    return { outcome: null, outcomeIndex: null };
  }
  if (side !== 'long') {
    throw new ValidationError('body.side: an outcome is held long; buy the other outcome instead', {
      details: [{ path: 'body.side', message: 'must be "long" on a prediction market' }],
    });
  }
  const outcomes = (market.outcomes ?? []).slice(0, 2);
  const index =
    requested === null ? 0 : outcomes.findIndex((o) => o.name.toLowerCase() === requested.toLowerCase());
  if (index < 0 || outcomes.length === 0) {
    const names = outcomes.map((o) => o.name).join(', ');
    throw new ValidationError(`body.outcome: ${market.symbol} has outcomes ${names}`, {
      details: [{ path: 'body.outcome', message: `must be one of ${names}` }],
    });
  }
  return { outcome: outcomes[index]!.name, outcomeIndex: index };
}

/** TP above SL for a long (below for a short), and neither already reached at `price`. */
function checkLevels(
  side: Position['side'],
  tp: Decimal | null,
  sl: Decimal | null,
  price: Decimal,
  path: string,
): void {
  const problem = tpSlProblem(side, tp, sl);
  if (problem) throw new ValidationError(problem, { details: [{ path, message: problem }] });
  const hit = tpSlTriggered(side, tp, sl, price);
  if (hit) {
    const field = hit === 'take_profit' ? 'takeProfit' : 'stopLoss';
    const level = hit === 'take_profit' ? tp : sl;
    throw new ValidationError(`${path}.${field} ${level} is already reached at the current price ${price}`, {
      details: [{ path: `${path}.${field}`, message: `already reached at ${price}` }],
    });
  }
}

function versionConflict(id: number, current: number, expected: number): ConflictError {
  return new ConflictError(`Position ${id} is at version ${current}, not ${expected}`, {
    details: [{ path: 'headers.if-match', message: `current version is ${current}` }],
  });
}

/** Positions page by id (newest first); the cursor is the last id. */
const positionCursor = cursorCodec('p', ['int']);

export function encodePositionCursor(id: number): string {
  return positionCursor.encode(id);
}

export function decodePositionCursor(raw: string | null): number | null {
  return positionCursor.decode(raw)?.[0] ?? null;
}
