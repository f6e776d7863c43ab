/**
 * Managing the traders a user follows: create, list, toggle and edit follow
 * options, batch changes (all or nothing), delete, and per-trader
 * performance. Every change is committed before it returns; the only cached
 * read (performance) is tagged with the user and dropped on that user's changes.
 */
import type { Cache } from '../cache/cache.js';
import type { Clock } from '../domain/clock.js';
import { AlreadyExistsError } from '../domain/conflict.js';
import { DECIMAL_ZERO } from '../domain/decimal.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import {
  type AddressCheck,
  type FollowOptions,
  followProblems,
  MAX_BATCH_UPDATES,
  type NewTraderInput,
  parseNewTrader,
  parseTraderPatch,
  type Trader,
  type TraderBatchItem,
  type TraderPatch,
  type TraderPatchInput,
} from '../domain/trader.js';
import { checkBatchSize } from '../domain/validation.js';
import { isUniqueViolation } from '../store/constraint-errors.js';
import type { Database, SqlExecutor } from '../store/database.js';
import type { LedgerRepository } from '../store/ledger-repository.js';
import type { TraderCursor, TraderRepository } from '../store/trader-repository.js';
import { noUpdates, type UpdateSink } from '../updates/update-sink.js';
import { traderJson } from './trader-json.js';

export interface TraderPerformance {
  traderId: number;
  name: string;
  address: string;
  enabled: boolean;
  trades: number;
  closedTrades: number;
  wins: number;
  /** Wins / closed trades, 0-1, or null before the first closed trade. */
  winRate: number | null;
  realizedPnl: string;
  /** Unrealised PnL of the open copied positions of this trader, at their last prices. */
  unrealizedPnl: string;
  /** Copied positions still open. */
  openCopies: number;
  volume: string;
  fees: string;
}

export const userTag = (userId: number): string => `user:${userId}`;

/** What the copy engine adds to following: address rules per source, and a call when follows change. */
export interface TraderHooks {
  checkAddress?: AddressCheck;
  followsChanged?(): void;
  /** Whether the user has keys for `venue` (a live follow needs them). */
  hasCredentials?(userId: number, venue: string): Promise<boolean>;
}

const CROSS_FIELD = new Set(['copyMode', 'fixedAmount', 'execution', 'liveVenue']);
const needsCrossCheck = (p: TraderPatch): boolean =>
  p.allocation !== undefined || Object.keys(p.followOptions ?? {}).some((k) => CROSS_FIELD.has(k));

export class TraderService {
  constructor(
    private readonly db: Database,
    private readonly traders: TraderRepository,
    private readonly ledger: LedgerRepository,
    private readonly cache: Cache,
    private readonly clock: Clock,
    private readonly updates: UpdateSink = noUpdates,
    private readonly hooks: TraderHooks = {},
  ) {}

  async create(userId: number, input: NewTraderInput): Promise<Trader> {
    const t = parseNewTrader(input, 'body', this.hooks.checkAddress);
    await this.checkLive(userId, t.followOptions, 'body');
    const now = this.clock.now();
    try {
      const created = await this.db.transaction(async (tx) => {
        const trader = await this.traders.insert(userId, t, now, tx);
        await this.ledger.createStats(trader.id, userId, now, tx);
        return trader;
      });
      await this.changed(userId, [created]);
      return created;
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AlreadyExistsError(`You already follow ${t.address}`, {
          cause: err,
          details: [{ path: 'body.address', message: 'already followed' }],
        });
      }
      throw err;
    }
  }

  async get(userId: number, id: number): Promise<Trader> {
    const t = await this.traders.findById(id);
    if (!t) throw new NotFoundError(`Trader ${id} does not exist`);
    if (t.userId !== userId) throw new ForbiddenError(`Trader ${id} is not yours`);
    return t;
  }

  list(userId: number, limit: number, cursor: TraderCursor | null): Promise<Trader[]> {
    return this.traders.list(userId, limit, cursor);
  }

  /** Partial update; `expectedVersion` (If-Match) makes it fail with 409 when stale. */
  async update(
    userId: number,
    id: number,
    input: TraderPatchInput,
    expectedVersion?: number,
  ): Promise<Trader> {
    const patch = parseTraderPatch(input);
    await this.checkLivePatch(userId, id, patch, 'body');
    if (patch.enabled !== undefined && !needsCrossCheck(patch)) {
      // One statement for a toggle of a trader no copy watcher reads (the common case): the UPDATE
      // itself checks the source, so there is no separate read. Anything else takes the path below.
      const direct = await this.traders.update(
        id,
        userId,
        patch,
        this.clock.now(),
        expectedVersion,
        this.db,
        true,
      );
      if (direct) {
        await this.changed(userId, [direct]);
        return direct;
      }
    }
    // A toggle of a watched trader takes its time inside the writer lock (SQLite) or the row lock
    // (PostgreSQL), so it is ordered with the copy engine's pages: a trade decided before it has an
    // earlier time. A patch that can break a rule between fields runs in a transaction too, so a
    // refused result rolls back. Other patches stay single statements (group commit on SQLite).
    const ordered = patch.enabled !== undefined && (await this.traders.isWatched(id));
    const updated =
      ordered || needsCrossCheck(patch)
        ? await this.db.transaction(async (tx) => {
            if (ordered) await this.traders.lock(id, tx);
            return this.applyPatch(userId, id, patch, expectedVersion, tx);
          })
        : await this.applyPatch(userId, id, patch, expectedVersion, this.db);
    await this.changed(userId, [updated]);
    return updated;
  }

  /** Applies every update in one transaction; any failure rolls all of them back. */
  async batchUpdate(userId: number, updates: readonly TraderBatchItem[]): Promise<Trader[]> {
    checkBatchSize(updates, MAX_BATCH_UPDATES, 'body.updates');
    const parsed = updates.map(({ id, version, ...change }, i) => ({
      id,
      version,
      patch: parseTraderPatch(change, `body.updates[${i}]`),
    }));
    for (const [i, u] of parsed.entries())
      await this.checkLivePatch(userId, u.id, u.patch, `body.updates[${i}]`);
    const result = await this.db.transaction(async (tx) => {
      const out: Trader[] = [];
      // Toggled rows are locked in id order, the order the copy engine locks follows in.
      const toggled = parsed.filter((u) => u.patch.enabled !== undefined).map((u) => u.id);
      for (const id of [...new Set(toggled)].sort((a, b) => a - b)) await this.traders.lock(id, tx);
      for (const u of parsed) out.push(await this.applyPatch(userId, u.id, u.patch, u.version, tx));
      return out;
    });
    await this.changed(userId, result);
    return result;
  }

  async delete(userId: number, id: number): Promise<void> {
    const deleted = (await this.traders.isWatched(id))
      ? await this.db.transaction(async (tx) => {
          await this.traders.lockWatcherOf(id, tx);
          return this.traders.delete(id, userId, tx);
        })
      : await this.traders.delete(id, userId);
    if (!deleted) await this.explainMiss(userId, id, undefined, this.db);
    await this.changed(userId);
    this.hooks.followsChanged?.();
    this.updates.publish('traders', String(id), { id, deleted: true }, userId);
  }

  /** Per-trader performance from the running summaries, cached per user. */
  async performance(userId: number): Promise<TraderPerformance[]> {
    const cached = await this.cache.getOrLoad(
      'traderPerformance',
      String(userId),
      async () => {
        const [rows, open] = await Promise.all([
          this.ledger.performance(userId),
          this.ledger.openCopies(userId),
        ]);
        return rows.map((r) => ({
          traderId: r.traderId,
          name: r.name,
          address: r.address,
          enabled: r.enabled,
          trades: r.fills,
          closedTrades: r.closedTrades,
          wins: r.wins,
          winRate: r.closedTrades === 0 ? null : r.wins / r.closedTrades,
          realizedPnl: r.realizedPnl,
          unrealizedPnl: open.get(r.traderId)?.unrealizedPnl ?? DECIMAL_ZERO,
          openCopies: open.get(r.traderId)?.count ?? 0,
          volume: r.volume,
          fees: r.fees,
        }));
      },
      { tags: [userTag(userId)] },
    );
    return cached.value;
  }

  /** Drops what is cached for this user only (here and, with Redis, on every instance), and pushes the changed traders. */
  async changed(userId: number, traders: readonly Trader[] = []): Promise<void> {
    await this.cache.invalidateTags([userTag(userId)]);
    // Manual follows have no watcher: toggling one must not make the copy engine re-plan its watchers
    // (that re-plan, a join over every follow, ran on every toggle and cost toggle-over-HTTP two thirds of its rate).
    if (traders.some((t) => t.source !== 'manual')) this.hooks.followsChanged?.();
    if (traders.length === 0 || (this.updates.wants && !this.updates.wants('traders', userId))) return;
    for (const t of traders) this.updates.publish('traders', String(t.id), traderJson(t), userId);
  }

  /** A live follow needs the user's keys for its venue: 400 naming the venue otherwise. */
  private async checkLive(userId: number, fo: FollowOptions, base: string): Promise<void> {
    if (fo.execution !== 'live' || fo.liveVenue === null || !this.hooks.hasCredentials) return;
    if (await this.hooks.hasCredentials(userId, fo.liveVenue)) return;
    throw new ValidationError(
      `Live copies on ${fo.liveVenue} need your ${fo.liveVenue} credentials: PUT /api/v1/credentials/${fo.liveVenue} first`,
      {
        details: [{ path: `${base}.followOptions.execution`, message: `no credentials for ${fo.liveVenue}` }],
      },
    );
  }

  /** The live check on what a patch would make of the follow's options. */
  private async checkLivePatch(userId: number, id: number, patch: TraderPatch, base: string): Promise<void> {
    const fo = patch.followOptions;
    if (fo?.execution === undefined && fo?.liveVenue === undefined) return;
    const current = await this.traders.findById(id);
    if (!current || current.userId !== userId) return; // the update explains the miss
    await this.checkLive(userId, { ...current.followOptions, ...fo }, base);
  }

  private async applyPatch(
    userId: number,
    id: number,
    patch: TraderPatch,
    expectedVersion: number | undefined,
    ex: SqlExecutor,
  ): Promise<Trader> {
    const updated = await this.traders.update(id, userId, patch, this.clock.now(), expectedVersion, ex);
    if (updated && needsCrossCheck(patch)) {
      // Rules between fields hold on the result; a violation throws and the transaction rolls back.
      const problems = followProblems(updated.allocation, updated.followOptions);
      if (problems.list.length > 0) {
        problems.throwIfAny('Invalid trader change');
      }
    }
    if (updated) return updated;
    return this.explainMiss(userId, id, expectedVersion, ex);
  }

  private async explainMiss(
    userId: number,
    id: number,
    expectedVersion: number | undefined,
    ex: SqlExecutor,
  ): Promise<never> {
    const owner = await this.traders.ownership(id, ex);
    if (!owner) throw new NotFoundError(`Trader ${id} does not exist`);
    if (owner.user_id !== userId) throw new ForbiddenError(`Trader ${id} is not yours`);
    throw new ConflictError(`Trader ${id} is at version ${owner.version}, not ${expectedVersion}`, {
      details: [{ path: 'headers.if-match', message: `current version is ${owner.version}` }],
    });
  }
}
