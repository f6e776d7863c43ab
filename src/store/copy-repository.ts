/**
 * The copy engine's store: watchers (cursor and lease per leader; their rows
 * and the pass's statements in `copy-watcher-rows.ts`), the leaders'
 * holdings, the follows of a leader, and copy decisions. The cursor
 * moves by compare-and-set in the transaction that writes the decisions, so
 * two instances that both read the same page cannot both apply it.
 */
import { DECIMAL_ZERO, type Decimal } from '../domain/decimal.js';
import type { Trader, TraderSource } from '../domain/trader.js';
import { canonicalAmount as canon } from './amounts.js';
import {
  type CopyDecision,
  type CopyStatus,
  DECISION_COLUMNS,
  decisionFromTuple,
  decisionValues,
  type NewDecision,
} from './copy-decision-rows.js';
import type { Database, SqlExecutor } from './database.js';
import { compile, prepare } from './prepared.js';

export type { CopyDecision, CopyStatus, NewDecision } from './copy-decision-rows.js';

import {
  FOLLOWS_MARKER_SQL,
  LEASE_SQL,
  toWatcher,
  type WatchedLeader,
  type WatcherDbRow,
  type WatcherRow,
} from './copy-watcher-rows.js';
import { TRADER_COLUMNS, traderFromTuple } from './trader-repository.js';

export type { WatchedLeader, WatcherRow } from './copy-watcher-rows.js';

export interface DecisionFilter {
  userId: number;
  traderId?: number;
  status?: CopyStatus;
}

export class CopyRepository {
  private readonly advanceQuery;
  /** A leader's follows (TRADER_COLUMNS tuples); public for the plan test. */
  readonly followsQuery;
  private readonly holdingQuery;
  private readonly upsertHoldingQuery;
  private readonly byIdQuery;

  constructor(private readonly db: Database) {
    const k = db.kysely;
    this.advanceQuery = prepare(k, (p) =>
      k
        .updateTable('copy_watchers')
        .set((eb) => ({
          cursor: p('to'),
          events: eb('events', '+', p('events')),
          last_trade_ts: p('lastTradeTs'),
          advanced_at: p('now'),
          polled_at: p('now'),
          error: null,
        }))
        .where('id', '=', p('id'))
        .where('cursor', '=', p('from'))
        .returning('follows_generation'),
    );
    this.followsQuery = prepare(k, (p) =>
      k
        .selectFrom('traders')
        .select(TRADER_COLUMNS)
        .where('source', '=', p('source'))
        .where('address', '=', p('address'))
        // Leaders are never manual; the term lets the planners use the partial index (migration 021).
        .where('source', '<>', 'manual')
        .where('enabled_since', 'is not', null)
        // No row locks: the page's cursor update holds the watcher row, which a toggle's trigger
        // also updates (migration 017), so a toggle commits before this read or waits for the page.
        .orderBy('id'),
    );
    this.holdingQuery = prepare(k, (p) =>
      k
        .selectFrom('leader_holdings')
        .select('size')
        .where('watcher_id', '=', p('watcherId'))
        .where('market', '=', p('market')),
    );
    this.upsertHoldingQuery = prepare(k, (p) =>
      k
        .insertInto('leader_holdings')
        .values({ watcher_id: p('watcherId'), market: p('market'), size: p('size') })
        .onConflict((oc) => oc.columns(['watcher_id', 'market']).doUpdateSet({ size: p('size') })),
    );
    this.byIdQuery = prepare(k, (p) => k.selectFrom('copy_watchers').selectAll().where('id', '=', p('id')));
  }

  /**
   * Every (source, address) to watch: those with an enabled follow, and those
   * with a follow switched off after its watcher last heard from the source
   * (less `graceMs` for trades reported late), whose trades made while it
   * was on are still owed a decision. `since` is the earliest follow's
   * creation, where a new watcher starts reading; `enabled`, whether any
   * follow is on (false: watched only for the grace).
   */
  async watchedLeaders(graceMs: number): Promise<WatchedLeader[]> {
    const q = this.db.kysely
      .selectFrom('traders as t')
      .leftJoin('copy_watchers as w', (j) =>
        j.onRef('w.source', '=', 't.source').onRef('w.address', '=', 't.address'),
      )
      .select((eb) => [
        't.source',
        't.address',
        eb.fn.min<number>('t.created_at').as('since'),
        eb.fn.max<number>('t.enabled').as('enabled'),
      ])
      .where('t.source', '<>', 'manual')
      .where((eb) =>
        eb.or([
          eb('t.enabled', '=', 1),
          eb('t.disabled_at', '>', eb(eb.fn.coalesce('w.polled_at', eb.val(0)), '-', graceMs)),
        ]),
      )
      .groupBy(['t.source', 't.address']);
    return (await this.db.all(compile(q))).map((r) => ({
      source: r.source as TraderSource,
      address: r.address,
      since: Number(r.since),
      enabled: Number(r.enabled) === 1,
    }));
  }

  /**
   * A token that moves when the watched leaders may have changed, by any
   * instance or by hand: a follow created (the newest key), a watcher
   * created, or any change to a watched leader's follows — switched,
   * edited, deleted — which bumps its watcher's generation (migration
   * 017). It does not see a follow switched on of a leader that has no
   * watcher yet (created switched off) by an instance that runs no engine:
   * the engine's full read every 30 s does. No scan of the follows: the
   * engine reads it every pass and re-reads `watchedLeaders` only when it
   * moved (CopyEngine.syncOnce).
   */
  async followsMarker(): Promise<string> {
    const r = await this.db.first<Record<'n' | 'w' | 'g', number | string | null>>({
      sql: FOLLOWS_MARKER_SQL,
      parameters: [],
    });
    return r ? [r.n, r.w, r.g].map(String).join(':') : '';
  }

  /** The watcher of a leader, created at `cursor` (the source's "now") if it does not exist yet. */
  async ensureWatcher(
    source: TraderSource,
    address: string,
    cursor: string,
    now: number,
  ): Promise<WatcherRow> {
    await this.db.run(
      compile(
        this.db.kysely
          .insertInto('copy_watchers')
          .values({ source, address, cursor, advanced_at: now, created_at: now })
          .onConflict((oc) => oc.columns(['source', 'address']).doNothing()),
      ),
    );
    const row = await this.db.first(
      compile(
        this.db.kysely
          .selectFrom('copy_watchers')
          .selectAll()
          .where('source', '=', source)
          .where('address', '=', address),
      ),
    );
    return toWatcher(row as WatcherDbRow);
  }

  async watcher(id: number): Promise<WatcherRow | undefined> {
    const r = await this.db.first(this.byIdQuery({ id }));
    return r && toWatcher(r as WatcherDbRow);
  }

  /** The watcher of each of the user's followed traders (manual ones have none): trader id and watcher row. */
  async watchersOf(userId: number): Promise<{ traderId: number; watcher: WatcherRow }[]> {
    const rows = await this.db.all(
      compile(
        this.db.kysely
          .selectFrom('traders as t')
          .innerJoin('copy_watchers as w', (j) =>
            j.onRef('w.source', '=', 't.source').onRef('w.address', '=', 't.address'),
          )
          .selectAll('w')
          .select('t.id as trader_id')
          .where('t.user_id', '=', userId)
          .orderBy('t.id'),
      ),
    );
    return rows.map((r) => ({
      traderId: Number((r as { trader_id: number }).trader_id),
      watcher: toWatcher(r as unknown as WatcherDbRow),
    }));
  }

  /**
   * Watchers last heard from (polled or advanced) before `before`: the
   * watchdog's candidates, a handful at most, where reading every watcher
   * row on each pass cost 12-13 ms at 1,500 leaders.
   */
  async quietWatchers(before: number): Promise<WatcherRow[]> {
    const rows = await this.db.all(
      compile(
        this.db.kysely
          .selectFrom('copy_watchers')
          .selectAll()
          .where((eb) => eb(eb.fn.coalesce('polled_at', eb.val(0)), '<', before))
          .where('advanced_at', '<', before)
          .orderBy('id'),
      ),
    );
    return rows.map((r) => toWatcher(r as WatcherDbRow));
  }

  async watchers(): Promise<WatcherRow[]> {
    const rows = await this.db.all(
      compile(this.db.kysely.selectFrom('copy_watchers').selectAll().orderBy('id')),
    );
    return rows.map((r) => toWatcher(r as WatcherDbRow));
  }

  /**
   * Takes or renews the lease of these watchers for `owner` until `until`:
   * only those free, expired or already ours. Returns the ids now held.
   */
  async lease(ids: readonly number[], owner: string, now: number, until: number): Promise<number[]> {
    if (ids.length === 0) return [];
    // One parameter for the ids (every watched leader, each pass): no statement of thousands of
    // placeholders built and bound every few seconds.
    const rows = await this.db.all<{ id: number | string }>(
      this.db.dialect === 'sqlite'
        ? { sql: LEASE_SQL.sqlite, parameters: [owner, until, JSON.stringify(ids), owner, now] }
        : { sql: LEASE_SQL.postgres, parameters: [owner, until, ids, now] },
    );
    return rows.map((r) => Number(r.id));
  }

  /** Gives leases back (clean shutdown), so another instance takes over at once. */
  async release(owner: string): Promise<void> {
    await this.db.run(
      compile(
        this.db.kysely
          .updateTable('copy_watchers')
          .set({ lease_owner: null, lease_until: null })
          .where('lease_owner', '=', owner),
      ),
    );
  }

  /** Moves the cursor from `from` to `to`; false when another holder moved it first (nothing may be written then). */
  async advance(
    id: number,
    from: string,
    to: string,
    events: number,
    lastTradeTs: number | null,
    now: number,
    tx: SqlExecutor,
  ): Promise<{ followsGeneration: number } | undefined> {
    const row = await tx.first(this.advanceQuery({ id, from, to, events, lastTradeTs, now }));
    return row && { followsGeneration: Number(row.follows_generation) };
  }

  /**
   * Records a poll that found nothing new (the source answered at `now`), or
   * a failed one (only the error: `polled_at` stays the last time the source answered).
   */
  async polled(id: number, now: number, error: string | null): Promise<void> {
    const set = error === null ? { polled_at: now, error: null } : { error };
    await this.db.run(compile(this.db.kysely.updateTable('copy_watchers').set(set).where('id', '=', id)));
  }

  /** Ids of these trades that already have decisions (a source that delivers a trade again). */
  async decidedTrades(source: string, tradeIds: readonly string[], ex: SqlExecutor): Promise<Set<string>> {
    if (tradeIds.length === 0) return new Set();
    const q = this.db.kysely
      .selectFrom('copy_decisions')
      .select('source_trade_id')
      .distinct()
      .where('source', '=', source)
      .where('source_trade_id', 'in', tradeIds);
    return new Set((await ex.all(compile(q))).map((r) => r.source_trade_id));
  }

  /** Follows of a leader that have ever been enabled (the enabled windows decide per trade). */
  async follows(source: string, address: string, ex: SqlExecutor = this.db): Promise<Trader[]> {
    return (await ex.tuples(this.followsQuery({ source, address }))).map(traderFromTuple);
  }

  async leaderHolding(watcherId: number, market: string, ex: SqlExecutor): Promise<Decimal> {
    const r = await ex.first(this.holdingQuery({ watcherId, market }));
    return r ? canon(r.size) : DECIMAL_ZERO;
  }

  async saveLeaderHolding(watcherId: number, market: string, size: Decimal, ex: SqlExecutor): Promise<void> {
    await ex.run(this.upsertHoldingQuery({ watcherId, market, size }));
  }

  async insertDecisions(rows: readonly NewDecision[], tx: SqlExecutor): Promise<number[]> {
    if (rows.length === 0) return [];
    return tx.insertMany('copy_decisions', DECISION_COLUMNS, rows.map(decisionValues));
  }

  /** A page of decisions, newest first, before the decision `beforeId` when given. */
  async decisions(f: DecisionFilter, limit: number, beforeId: number | null): Promise<CopyDecision[]> {
    let q = this.db.kysely
      .selectFrom('copy_decisions')
      .select(['id', ...DECISION_COLUMNS])
      .where('user_id', '=', f.userId);
    if (f.traderId !== undefined) q = q.where('trader_id', '=', f.traderId);
    if (f.status !== undefined) q = q.where('status', '=', f.status);
    if (beforeId !== null) q = q.where('id', '<', beforeId);
    const rows = await this.db.tuples(compile(q.orderBy('id', 'desc').limit(limit)));
    return rows.map(decisionFromTuple);
  }

  /** Decisions by id (pushes after a commit). */
  async decisionsByIds(ids: readonly number[]): Promise<CopyDecision[]> {
    if (ids.length === 0) return [];
    const q = this.db.kysely
      .selectFrom('copy_decisions')
      .select(['id', ...DECISION_COLUMNS])
      .where('id', 'in', ids)
      .orderBy('id');
    return (await this.db.tuples(compile(q))).map(decisionFromTuple);
  }

  /** Per source: decisions by status and reason, for the performance report. */
  async decisionCounts(): Promise<{ source: string; status: string; reason: string | null; n: number }[]> {
    const q = this.db.kysely
      .selectFrom('copy_decisions')
      .select((eb) => ['source', 'status', 'reason', eb.fn.countAll<number>().as('n')])
      .groupBy(['source', 'status', 'reason']);
    return (await this.db.all(compile(q))).map((r) => ({
      source: r.source,
      status: r.status,
      reason: r.reason,
      n: Number(r.n),
    }));
  }
}
